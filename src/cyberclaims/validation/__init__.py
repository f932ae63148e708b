"""Validation: discovery, the runner, and the rules (schema, article, registries), each reporting issues as data.

``validate(root)`` is the entry point; ``articles.check_files`` checks one article. It depends on ``core`` only
and writes nothing: the build (``dataset.pipeline``) calls it.
"""

from .runner import validate

__all__ = ["validate"]
