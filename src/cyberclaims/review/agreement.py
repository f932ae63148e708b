"""Agreement between two annotation passes of a repository: the passes chosen and validated, then scored.

The scores themselves are :mod:`cyberclaims.core.agreement` (the card and the benchmark use them too).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..core.agreement import Agreement, agreement
from ..core.errors import CyberClaimsError, UsageError
from ..core.sampling import RESAMPLES, SEED
from ..validation import validate


def pass_agreement(root: Path, names: Sequence[str] = (), *, resamples: int = RESAMPLES, seed: int = SEED) -> Agreement:
    """Agreement between the passes ``names`` of ``root`` (by default: its two passes), with ``resamples``
    bootstrap resamples drawn with ``seed``.

    A wrong number of passes or an unknown name is a :class:`UsageError`; passes that do not validate are a
    :class:`CyberClaimsError` carrying the report (agreement on invalid spans would mean nothing).
    """
    corpus, report = validate(Path(root))
    collections = {c.name: c for c in [corpus.gold, *corpus.passes]}
    names = list(names) or [c.name for c in corpus.passes]
    if len(names) != 2:
        known = ", ".join(c.name for c in corpus.passes) or "none"
        raise UsageError(f"name exactly two passes (found in annotations/passes/: {known})")
    unknown = [n for n in names if n not in collections]
    if unknown:
        raise UsageError(f"unknown pass {', '.join(unknown)}; known: {', '.join(collections)}")
    if not report.ok:
        raise CyberClaimsError("the annotations do not validate; agreement needs valid passes", report)
    a, b = (collections[n] for n in names)
    return agreement(a.name, a.articles, b.name, b.articles, resamples=resamples, seed=seed)
