"""Where the build keeps its cache of runs, and the fingerprint that invalidates all of it.

The cache is disposable: deleting it only costs time. It lives outside the repository (a pull request
cannot bring its own cache along, and it is never uploaded with ``dataset/``): under
``$CYBERCLAIMS_CACHE_DIR``, else ``$XDG_CACHE_HOME/cyberclaims``, else ``~/.cache/cyberclaims``, one
folder per output folder. See ``validation/memo.py`` for what an entry holds and how it is keyed.
"""

from __future__ import annotations

import hashlib
import os
import platform
from importlib import metadata
from pathlib import Path

from .. import __version__
from ..core.files import tree_digest
from ..core.schemas import schema_dir

CACHE_ENV = "CYBERCLAIMS_CACHE_DIR"
# Libraries whose release can change a byte of the Parquet files or of the card.
_LIBRARIES = ("pyarrow", "datasets", "jsonschema", "numpy")


def cache_root() -> Path | None:
    """The folder that holds every output's cache; None when there is no home to put it in (a relative
    ``~`` would put it in the current folder, which the build must not touch)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.path.abspath(os.environ[CACHE_ENV]))
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cyberclaims" if os.path.isabs(base) else None


def cache_folder(output: Path) -> Path | None:
    """The cache of the build that writes ``output`` (one per output: their options differ), if any."""
    root = cache_root()
    if root is None:
        return None
    name = hashlib.sha256(os.fsencode(os.path.abspath(output))).hexdigest()[:16]
    return root / f"build-{name}"


def code_fingerprint(*options: object) -> str:
    """A digest of everything but the sources that a built file depends on: this package's files, the
    JSON Schema, the Python and library releases, and the build's ``options``."""
    digest = hashlib.sha256(tree_digest(("package", Path(__file__).resolve().parents[1]),
                                        ("schema", schema_dir())).encode())
    versions = [__version__, platform.python_version()]
    for name in _LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=none")
    digest.update(repr((versions, options)).encode())
    return digest.hexdigest()
