"""Claim matching (``core.agreement.match_claims``, used by `agreement` and the benchmark) is its definition, pair
by pair, and costs the claims, not their square: 2,000 claims on one article were 34 s and 779 MB."""

from __future__ import annotations

import random
import re
import time

import pytest

from cyberclaims.core.agreement import match_claims


def definition(a: list[dict], b: list[dict], words_of: str = "normalized") -> list[tuple[int, int]]:
    """Every pair whose overlap is at least half of the longer span, taken greedily by larger overlap, then more
    shared words (Jaccard), then lower index in a, then in b: the definition, pair by pair."""

    def words(text: str) -> set[str]:
        return set(re.findall(r"\w+", text.lower()))

    candidates = []
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            overlap = min(x["end"], y["end"]) - max(x["start"], y["start"])
            if overlap > 0 and 2 * overlap >= max(x["end"] - x["start"], y["end"] - y["start"]):
                wa, wb = words(x.get(words_of) or ""), words(y.get(words_of) or "")
                candidates.append((-overlap, -(len(wa & wb) / len(wa | wb) if wa | wb else 0.0), i, j))
    used_a, used_b, pairs = set(), set(), []
    for _, _, i, j in sorted(candidates):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def random_claims(rng: random.Random, count: int) -> list[dict]:
    words = ["sony", "hack", "north", "korea", "leak", "the", "a", "data"]
    claims = []
    for _ in range(count):
        start = rng.randrange(0, 30)
        claims.append(
            {
                "start": start,
                "end": start + rng.randrange(1, 14),
                "normalized": " ".join(rng.choice(words) for _ in range(rng.randrange(0, 4))),
                "text": rng.choice(words),
            }
        )
    return claims


def test_matching_is_its_definition_on_random_claims():
    rng = random.Random(27)
    for _ in range(2000):
        a, b = random_claims(rng, rng.randrange(0, 12)), random_claims(rng, rng.randrange(0, 12))
        if rng.random() < 0.3:  # copies and shared spans: the kinds the matching groups
            b += [dict(claim) for claim in rng.sample(a, len(a) // 2)]
        for words_of in ("normalized", "text"):
            assert match_claims(a, b, words_of) == definition(a, b, words_of), (a, b, words_of)


def _on_one_span(statements: list[str]) -> list[dict]:
    return [{"start": 0, "end": 40, "normalized": text} for text in statements]


SCALE = 3000
CASES = {
    "claims on their own sentences": (
        [{"start": 50 * k, "end": 50 * k + 40, "normalized": f"claim {k}"} for k in range(SCALE)],
        [{"start": 50 * k, "end": 50 * k + 40, "normalized": f"claim {k}"} for k in range(SCALE)],
    ),
    "copies of one claim on one span": (_on_one_span(["the same"] * SCALE), _on_one_span(["the same"] * SCALE)),
    "different claims on one span, as both passes say": (
        _on_one_span([f"claim {k}" for k in range(SCALE)]),
        _on_one_span([f"claim {k}" for k in range(SCALE)]),
    ),
    "claims on one span sharing no word": (
        _on_one_span([f"a{k} b{k}" for k in range(SCALE)]),
        _on_one_span([f"c{k} d{k}" for k in range(SCALE)]),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_thousands_of_claims_on_an_article_cost_their_number_not_its_square(case: str):
    a, b = CASES[case]
    started = time.perf_counter()
    pairs = match_claims(a, b)
    elapsed = time.perf_counter() - started
    assert len(pairs) == SCALE
    assert elapsed < 5.0, f"{case}: {elapsed:.1f} s for {SCALE} claims (the pairs would be {SCALE * SCALE:,})"
