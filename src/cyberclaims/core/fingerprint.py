"""The one code fingerprint of every cache: what, besides the sources, a cached result was made with.

The build's cache of runs (``dataset/cache.py``) and the viewer's render state (``viewer/state.py``) both
key their entries by it, so a change of the code, the schema or a library release makes every entry a
miss, and no cache has a fingerprint of its own to forget a file in.
"""

from __future__ import annotations

import hashlib
import platform
from importlib import metadata
from pathlib import Path

from .. import __version__
from .files import tree_digest
from .schemas import schema_dir

# Libraries whose release can change a byte of the Parquet files, the card or the pages.
_LIBRARIES = ("pyarrow", "datasets", "jsonschema", "numpy", "jinja2")


def code_fingerprint(purpose: str, *options: object) -> str:
    """A digest of this package's files, the JSON Schema, the Python and library releases, the cache's
    ``purpose`` ("build", "render") and its ``options`` (anything that changes a byte of its results)."""
    digest = hashlib.sha256(
        tree_digest(("package", Path(__file__).resolve().parents[1]), ("schema", schema_dir())).encode()
    )
    versions = [__version__, platform.python_version()]
    for name in _LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=none")
    digest.update(repr((purpose, versions, options)).encode())
    return digest.hexdigest()
