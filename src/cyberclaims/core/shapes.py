"""Shapes of plain data read back from a file the tool wrote (a cache entry): checked once, before use.

A cache entry is JSON the tool wrote, but anything may have happened to it since; a value of the wrong
type would fail far from where it was read (a sum, a sort, the card). ``shaped`` checks a value against a
shape written as data:

- a type: ``str``, ``bool``, ``type(None)``; ``int`` is an int that is not a bool, ``Count`` one >= 0;
- ``[shape]``: a list of any length whose items have the shape;
- ``(shape, shape, ...)``: a list of exactly that many items, each of its shape;
- ``{key_shape: value_shape}``: a dict (one pair in the shape);
- ``Record({"name": shape, ...})``: a dict with exactly these keys, each value of its shape;
- ``Either(shape, ...)``: any one of them; ``ANY``: any value.

The walk follows the shape, never the value: a value nested deeper than its shape fails at once.
"""

from __future__ import annotations

from typing import Any


class Either:
    def __init__(self, *shapes: Any) -> None:
        self.shapes = shapes


class Record:
    def __init__(self, fields: dict[str, Any]) -> None:
        self.fields = fields


class _Count:
    """An int >= 0 (not a bool)."""


Count = _Count()
ANY = object()


def shaped(value: Any, shape: Any) -> bool:
    """Whether ``value`` has ``shape`` (see the module's docstring)."""
    if shape is ANY:
        return True
    if shape is Count:
        return type(value) is int and value >= 0
    if isinstance(shape, type):
        return type(value) is shape
    if isinstance(shape, Either):
        return any(shaped(value, s) for s in shape.shapes)
    if isinstance(shape, Record):
        return (
            type(value) is dict
            and value.keys() == shape.fields.keys()
            and all(shaped(value[k], s) for k, s in shape.fields.items())
        )
    if isinstance(shape, list):
        if type(value) is not list:
            return False
        item = shape[0]
        if item is Count:  # long lists of counts (an entity's articles): checked without a call per item
            return all(type(v) is int and v >= 0 for v in value)
        if isinstance(item, type):
            return all(type(v) is item for v in value)
        return all(shaped(v, item) for v in value)
    if isinstance(shape, tuple):
        return type(value) is list and len(value) == len(shape) and all(map(shaped, value, shape))
    if isinstance(shape, dict):
        [(key_shape, value_shape)] = shape.items()
        return type(value) is dict and all(shaped(k, key_shape) and shaped(v, value_shape) for k, v in value.items())
    raise TypeError(f"not a shape: {shape!r}")
