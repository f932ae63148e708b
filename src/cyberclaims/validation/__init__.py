"""Validation: discovery, the runner, and the rules (schema, article, registries), each reporting issues as data.

``validate(root)`` is the entry point; it depends on ``core`` only.
"""

from .runner import validate

__all__ = ["validate"]
