"""The shared rules of published figures: the seeded bootstrap, the not-informative floor, and the
cross-document pairs of a clustering whose units are single claims (items resampled one by one)."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest

from cyberclaims.core.clustering import clustering_score
from cyberclaims.core.sampling import (
    MIN_MINORITY_ITEMS,
    bootstrap,
    informative,
    not_informative,
    percentile_interval,
    shown,
)


def _mean(units):
    n = sum(m for _, m in units)
    return {"mean": sum(x * m for x, m in units) / n if n else None}


def test_the_bootstrap_is_seeded_and_brackets_the_estimate():
    values = [x / 40 for x in range(40)]
    first = bootstrap(values, _mean, ["mean"], resamples=300, seed=3)["mean"]
    assert first == bootstrap(values, _mean, ["mean"], resamples=300, seed=3)["mean"]
    assert first != bootstrap(values, _mean, ["mean"], resamples=300, seed=4)["mean"]
    estimate = _mean([(x, 1) for x in values])["mean"]
    assert first is not None and first[0] < estimate < first[1]


def test_the_bootstrap_of_nothing_has_no_interval():
    assert bootstrap([], _mean, ["mean"]) == {"mean": None}
    assert percentile_interval([0.5]) is None
    assert percentile_interval([0.0, 1.0]) == [pytest.approx(0.025), pytest.approx(0.975)]


def test_a_figure_on_too_few_minority_items_is_not_shown():
    below = MIN_MINORITY_ITEMS - 1
    assert not informative(below) and informative(MIN_MINORITY_ITEMS)
    assert shown(1.0, below) == not_informative(below) == f"not informative (n={below})"
    assert shown(1.0, MIN_MINORITY_ITEMS) == "1.000"
    assert shown(None, MIN_MINORITY_ITEMS) == "undefined"


def _claims(seed: int, articles: int = 4, per_article: int = 5) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    return [
        (f"doc{d}", f"g{rng.randrange(4)}", f"p{rng.randrange(3)}") for d in range(articles) for _ in range(per_article)
    ]


@pytest.mark.parametrize("seed", range(5))
def test_claims_drawn_one_by_one_keep_their_articles_apart(seed):
    """Units that are single claims, each naming its article: pairs are counted between distinct drawn
    claims (a claim is never paired with its own copy), cross-document pairs only across articles."""
    claims = _claims(seed)
    rng = random.Random(seed + 100)
    drawn = Counter(rng.randrange(len(claims)) for _ in range(len(claims)))
    units = [
        (
            {
                "gold": Counter([claims[i][1]]),
                "pred": Counter([claims[i][2]]),
                "joint": Counter([claims[i][1:]]),
                "document": claims[i][0],
            },
            m,
        )
        for i, m in sorted(drawn.items())
    ]
    score = clustering_score(units)
    copies = [(i, c) for i, m in drawn.items() for c in range(m)]  # every drawn copy of a claim
    expected = Counter()
    for (i, _), (j, _) in itertools.combinations(copies, 2):
        if i == j:
            continue  # a claim and its own copy
        cross = claims[i][0] != claims[j][0]
        for side, field in (("gold", 1), ("predicted", 2)):
            if claims[i][field] == claims[j][field]:
                expected[f"{side}_pairs"] += 1
                expected[f"{side}_cross_document_pairs"] += cross
        if claims[i][1:] == claims[j][1:]:
            expected["correct_pairs"] += 1
            expected["correct_cross_document_pairs"] += cross
    for key, value in expected.items():
        assert score[key] == value, key
