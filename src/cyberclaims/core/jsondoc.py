"""JSON with positions: strict parsing whose findings (and any JSON pointer) map to a line.

Python's parser silently accepts duplicate keys and NaN/Infinity; here both become issues with a line
number, and a parsed document keeps its text so that any pointer can be located when an issue needs it.
"""

from __future__ import annotations

import json
import re
import sys
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .issues import Issue

MAX_JSON_DEPTH = 32  # the schema needs 5 levels; deeper input is hostile or broken


@dataclass
class JsonDocument:
    """A parsed JSON file with its text, so that any JSON pointer can be turned into a line."""

    display: str
    text: str
    value: Any
    _positions: dict[tuple, int] | None = field(default=None, repr=False)
    # Whether the text holds a number written with a fraction or an exponent (900.0, 1e30): JSON Schema's
    # "integer" accepts 9.0, so such a document is always checked by the strict reference validator.
    # None for a document built from data: found by a walk over the value when asked.
    floats: bool | None = field(default=None, repr=False)
    _newlines: list[int] | None = field(default=None, repr=False)
    # True when ``value`` is what ``parse_json`` read from ``text``: the text can then answer for the value.
    parsed: bool = field(default=False, repr=False)

    def may_hold_blank_string(self) -> bool:
        """Whether some string of the value may be only whitespace (True may be a false alarm; False is sure).

        A parsed document asks its text (a corpus asks this of every article, and a walk over every value
        costs several times more). Strict JSON holds no raw control character in a string, so a blank
        string starts with a quote then a space, a wider whitespace character or an escape: a pair that
        json.dumps never writes outside a string, found with one fast search in most texts.
        """
        if not self.parsed:
            return any(isinstance(v, str) and v.isspace() for v in scalars(self.value))
        text = self.text
        escapes = "\\" in text
        starts = (_QUOTE_SPACE if text.isascii() else _BLANK_START).search(text) is not None
        if not starts and not (escapes and _QUOTE_ESCAPE.search(text)):
            return False
        return (_BLANK_STRING_ESCAPED if escapes else _BLANK_STRING).search(text) is not None

    def has_floats(self) -> bool:
        if self.floats is None:
            self.floats = any(isinstance(v, float) for v in scalars(self.value))
        return self.floats

    def line_of(self, path: tuple = ()) -> int | None:
        if not self.text:  # built from data, not from a file (a Parquet row): no lines
            return None
        if self._positions is None:
            self._positions = _scan_positions(self.text)[0]
        # Walk up to the nearest located ancestor: a missing field is reported at its parent.
        path = tuple(path)
        while path not in self._positions and path:
            path = path[:-1]
        offset = self._positions.get(path)
        return None if offset is None else self.line_at(offset)

    def line_at(self, offset: int) -> int:
        """The 1-based line of a character offset: a binary search in the line starts, found once."""
        if self._newlines is None:
            self._newlines = [m.start() for m in _NEWLINE.finditer(self.text)]
        return bisect_left(self._newlines, offset) + 1


def pointer(path: tuple | list) -> str:
    """RFC 6901 JSON pointer of a path of keys and indices."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def parse_json(data: bytes, display: str, *, check_depth: bool = True) -> tuple[JsonDocument | None, list[Issue]]:
    """Parse JSON strictly: syntax errors with line and column, duplicate keys, NaN, depth.

    ``check_depth=False`` leaves the depth to the caller, who may know the value is shallow (a document
    the schema accepts is at most a few levels deep) and so skip a walk over every value.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return None, [
            Issue(
                display, 1, "", "json-bom", "starts with a UTF-8 byte-order mark (EF BB BF); save the file without it"
            )
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, [
            Issue(display, line, "", "json-not-utf8", f"is not valid UTF-8 at byte offset {exc.start} ({exc.reason})")
        ]
    duplicates: list[bool] = []
    constants: list[str] = []
    floats: list[bool] = []

    def float_hook(literal: str) -> float:
        if not floats:
            floats.append(True)
        return float(literal)

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict:
        obj = dict(pairs)  # in C; a key seen twice makes the dict shorter than the pairs
        if len(obj) != len(pairs):
            duplicates.append(True)  # which keys, and where, is found by the scan below
        return obj

    def constant_hook(name: str) -> None:
        constants.append(name)
        return None

    try:
        value = json.loads(text, object_pairs_hook=pairs_hook, parse_constant=constant_hook, parse_float=float_hook)
    except json.JSONDecodeError as exc:
        return None, [
            Issue(
                display,
                exc.lineno,
                "",
                "json-syntax",
                f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                exc.colno,
            )
        ]
    except RecursionError:
        return None, [
            Issue(display, None, "", "json-too-deep", f"nesting is deeper than the limit of {MAX_JSON_DEPTH} levels")
        ]
    except ValueError:  # Python's own limit on the digits of an integer (sys.get_int_max_str_digits)
        return None, [_long_number_issue(text, display)]
    if check_depth and too_deep(value):
        return None, [too_deep_issue(display)]
    doc = JsonDocument(display, text, value, floats=bool(floats), parsed=True)
    # a lone surrogate can only come from a \u escape: walk only then (most texts have no backslash at all,
    # found with memchr, far faster than the search)
    if "\\" in text and _MAYBE_SURROGATE.search(text):
        found = lone_surrogate(value)
        if found is not None:
            path, shown = found
            return None, [
                Issue(
                    display,
                    doc.line_of(path),
                    pointer(path),
                    "json-lone-surrogate",
                    f"{shown} holds a lone UTF-16 surrogate (a \\uD800-\\uDFFF escape that is not "
                    f"half of a pair), which no UTF-8 file can hold; remove the escape or write "
                    f"the character itself",
                )
            ]
    issues: list[Issue] = []
    if duplicates or constants:
        positions, found_duplicates, found_constants = _scan_positions(text)
        doc._positions = positions
        for path, key, offset in found_duplicates:
            issues.append(
                Issue(
                    display,
                    doc.line_at(offset),
                    pointer(path),
                    "json-duplicate-key",
                    f"key {shorten(repr(key))} appears twice in one object; keep one",
                )
            )
        for offset, name in found_constants:
            issues.append(
                Issue(
                    display,
                    doc.line_at(offset),
                    "",
                    "json-invalid-constant",
                    f"{name} is not valid JSON; use a number or null",
                )
            )
    return doc, issues


# A JSON string that may decode to whitespace only (re's \s is exactly str.isspace). With a backslash in the
# text, an escape may be whitespace too: \t \n \r \f or any \uXXXX. An escaped quote may start a false
# alarm (the caller then walks the value), never hide a blank string.
_BLANK_STRING = re.compile(r'"\s+"')
_BLANK_STRING_ESCAPED = re.compile(r'"(?=[\s\\])(?:\s|\\[tnrf]|\\u[0-9a-fA-F]{4})+"')
# A quote then whitespace that strict JSON allows raw in a string (none of U+0000..U+001F); in an ASCII text
# only a space. A pattern that starts with two literal characters is searched twice as fast as `in` finds them.
_BLANK_START = re.compile(r'"[^\S\x00-\x1f]')
_QUOTE_SPACE = re.compile('" ')
_QUOTE_ESCAPE = re.compile(r'"\\')
_MAYBE_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def has_lone_surrogate(text: str) -> bool:
    """Whether a string holds a code point U+D800..U+DFFF, which UTF-8 cannot encode."""
    return _SURROGATE.search(text) is not None


def lone_surrogate(value: Any) -> tuple[tuple, str] | None:
    """The path of the first string (key or value) holding a lone surrogate, and what it is; None if none.

    Iterative and linear in the size of the value.
    """
    stack: list[tuple[Any, tuple]] = [(value, ())]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return path, f"the string at {pointer(path) or 'the top level'}"
        elif isinstance(item, dict):
            for key, child in item.items():
                if _SURROGATE.search(key):
                    return path, f"a key of the object at {pointer(path) or 'the top level'}"
                stack.append((child, path + (key,)))
        elif isinstance(item, list):
            stack.extend((child, path + (i,)) for i, child in enumerate(item))
    return None


def shorten(text: str, limit: int = 120) -> str:
    """``text`` cut to about ``limit`` characters, saying how much was left out: one issue stays one short line."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def scalars(value: Any) -> Iterator[Any]:
    """Every value of a parsed JSON document that is neither an object nor an array, in no fixed order."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            yield item


def _long_number_issue(text: str, display: str) -> Issue:
    """The place of an integer longer than Python reads (``sys.get_int_max_str_digits``: 4300 by default)."""
    limit = getattr(sys, "get_int_max_str_digits", lambda: 0)() or 4300
    found = re.search(rf"-?[0-9]{{{limit + 1},}}", text)
    where = found.start() if found is not None else 0
    line = text.count("\n", 0, where) + 1
    column = where - (text.rfind("\n", 0, where) + 1) + 1
    digits = len(found.group().lstrip("-")) if found is not None else 0
    return Issue(
        display,
        line,
        "",
        "json-syntax",
        f"invalid JSON at line {line}, column {column}: a number of {digits} digits, too long to be read as one",
        column,
    )


def too_deep(value: Any) -> bool:
    return _depth(value) > MAX_JSON_DEPTH


def too_deep_issue(display: str) -> Issue:
    return Issue(display, None, "", "json-too-deep", f"nesting is deeper than the limit of {MAX_JSON_DEPTH} levels")


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_JSON_DEPTH:
            break
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


_NEWLINE = re.compile("\n")
_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(r"-?(?:Infinity|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|true|false|null|NaN")


def _scan_positions(text: str) -> tuple[dict[tuple, int], list[tuple[tuple, str, int]], list[tuple[int, str]]]:
    """Offsets of every value of an already-parsed JSON text, by path; duplicate keys; NaN-like constants.

    Only run when an issue needs a line number, so its pure-Python speed does not matter.
    """
    positions: dict[tuple, int] = {}
    duplicates: list[tuple[tuple, str, int]] = []
    constants: list[tuple[int, str]] = []

    def skip(pos: int) -> int:
        m = _WS.match(text, pos)
        assert m is not None  # whitespace* matches everywhere
        return m.end()

    def value(pos: int, path: tuple) -> int:
        pos = skip(pos)
        positions[path] = pos
        ch = text[pos]
        if ch == "{":
            pos, seen = skip(pos + 1), set()
            if text[pos] == "}":
                return pos + 1
            while True:
                m = _STRING.match(text, skip(pos))
                assert m is not None  # json.loads accepted the text: a key is a string here
                key = json.loads(m.group())
                if key in seen:
                    duplicates.append((path + (key,), key, m.start()))
                seen.add(key)
                pos = skip(m.end()) + 1  # the colon
                pos = skip(value(pos, path + (key,)))
                if text[pos] == "}":
                    return pos + 1
                pos += 1  # the comma
        if ch == "[":
            pos, index = skip(pos + 1), 0
            if text[pos] == "]":
                return pos + 1
            while True:
                pos = skip(value(pos, path + (index,)))
                index += 1
                if text[pos] == "]":
                    return pos + 1
                pos += 1
        if ch == '"':
            string = _STRING.match(text, pos)
            assert string is not None  # json.loads accepted the text
            return string.end()
        m = _SCALAR.match(text, pos)
        assert m is not None  # json.loads accepted the text: a number or a constant
        if m.group().lstrip("-") in ("NaN", "Infinity"):
            constants.append((pos, m.group()))
        return m.end()

    value(0, ())
    return positions, duplicates, constants
