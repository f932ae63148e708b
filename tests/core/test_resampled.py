"""The vectorised bootstrap of the agreement measures gives, resample by resample, what their pure-Python
definitions give (core.agreement.MEASURES) on the same multiplicities: articles drawn whole, or single items
that keep their article (cross-document pairs), a unit drawn twice never paired with its own copy."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from cyberclaims.core.agreement import MEASURES
from cyberclaims.core.resampled import VECTORISED, intervals, multiplicities

LABELS = ("certain", "probable", "possible")


def _items(layer: str, rng: random.Random, article: str) -> list:
    """Random made-up items of one article for ``layer`` (the shapes core.agreement._article_items makes)."""
    n = rng.randrange(0, 7)
    if layer in ("mentions", "claims"):
        return [rng.choice([(True, True), (True, False), (False, True)]) for _ in range(n)]
    if layer == "linking":
        return [rng.random() < 0.8 for _ in range(n)]
    if layer in ("claimer", "attribution", "certainty"):
        return [(rng.choice(LABELS[:2]), rng.choice(LABELS)) for _ in range(n)]
    if layer == "about":
        return [({k for k in "abc" if rng.random() < 0.4}, {k for k in "abc" if rng.random() < 0.4}) for _ in range(n)]
    if layer == "normalized":
        return [rng.random() for _ in range(n)]
    return [(article, f"g{rng.randrange(4)}", f"p{rng.randrange(3)}") for _ in range(n)]


FIGURES = {"propositions": ("pairwise_f1", "cross_document_pairwise_f1", "bcubed_f1"), "events": ("bcubed_f1",)}


@pytest.mark.parametrize("layer", sorted(MEASURES))
@pytest.mark.parametrize("by", ["articles", "items"])
def test_every_resample_equals_the_definition(layer, by):
    rng = random.Random(f"{layer}-{by}")
    articles = [_items(layer, rng, f"doc{d}") for d in range(8)]
    summarize, combine = MEASURES[layer]
    units = (
        [summarize(items) for items in articles]
        if by == "articles"
        else [summarize([x]) for items in articles for x in items]
    )
    if not units:
        pytest.skip("nothing drawn")
    score = VECTORISED[layer](units)
    block = next(multiplicities(len(units), 50, seed=3))
    vectorised = score(block)
    for row, weights in enumerate(block):
        defined = combine([(unit, int(m)) for unit, m in zip(units, weights) if m])
        for key in FIGURES.get(layer, ("value",)):
            expected, got = defined[key], vectorised[key][row]
            if expected is None:
                assert math.isnan(got), (key, row)
            else:
                assert got == pytest.approx(expected, abs=1e-12), (key, row)


def test_multiplicities_are_seeded_draws_of_as_many_units():
    first = np.concatenate(list(multiplicities(7, 250, seed=1)))
    assert first.shape == (250, 7) and (first.sum(axis=1) == 7).all()
    assert (first == np.concatenate(list(multiplicities(7, 250, seed=1)))).all()
    assert not (first == np.concatenate(list(multiplicities(7, 250, seed=2)))).all()


def test_an_interval_leaves_out_the_resamples_where_a_figure_is_undefined():
    # one article holds every linked mention: the other resamples have none to compare
    units = [(5, 6), (0, 0), (0, 0)]
    found = intervals("linking", units, ["value"], resamples=200, seed=0)["value"]
    assert found == [pytest.approx(5 / 6), pytest.approx(5 / 6)]
    assert intervals("linking", [], ["value"], resamples=200, seed=0) == {"value": None}
