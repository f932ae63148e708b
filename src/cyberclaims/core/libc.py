"""The C library, for the few calls Python does not wrap (renameat2, malloc_trim, prctl); loaded once."""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache


@cache
def libc() -> ctypes.CDLL | None:
    """The C library, or None where it cannot be loaded. Cached: ``find_library`` runs ``ldconfig`` each call."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None
