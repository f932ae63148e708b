"""The evaluation protocol's fixed settings: prediction formats and the bootstrap's seed and size.

Kept apart from the modules that use them (which read Parquet) so that the CLI can show them in
``--help`` without importing pyarrow and ``datasets``.
"""

from __future__ import annotations

from ..core.sampling import MIN_ARTICLES, RESAMPLES, SEED

FORMATS = ("annotation", "jsonl", "iob2")  # prediction formats `evaluate --format` reads
MIN_ARTICLES_FOR_CI = MIN_ARTICLES  # fewer scored articles: no confidence interval (it would mean nothing)
__all__ = ["FORMATS", "MIN_ARTICLES_FOR_CI", "RESAMPLES", "SEED"]  # the bootstrap's size and seed: core.sampling
