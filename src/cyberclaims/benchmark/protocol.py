"""The evaluation protocol's fixed settings: prediction formats and the bootstrap's seed and size.

Kept apart from the modules that use them (which read Parquet) so that the CLI can show them in
``--help`` without importing pyarrow and ``datasets``.
"""

from __future__ import annotations

FORMATS = ("annotation", "jsonl", "iob2")  # prediction formats `evaluate --format` reads
MIN_ARTICLES_FOR_CI = 10  # fewer scored articles: no confidence interval (it would mean nothing)
RESAMPLES = 1000  # bootstrap resamples of the articles
SEED = 0  # the bootstrap's seed
