"""The ``cyberclaims`` command: one module per command group over the library; this package only parses and prints."""

from .app import main, run

__all__ = ["main", "run"]
