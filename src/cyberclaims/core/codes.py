"""Every problem the validator can report: a stable kebab-case code, its severity and what it means.

Codes are part of the project's interface (CI logs, `--format json`, the test cases under
``tests/cases/invalid/<code>/``): never rename one, add a new one instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    description: str


def _codes(*rows: tuple[str, Severity, str]) -> dict[str, Code]:
    return {code: Code(code, severity, description) for code, severity, description in rows}


E, W = Severity.ERROR, Severity.WARNING

CODES: dict[str, Code] = _codes(
    # Files on disk
    ("file-empty", E, "The file has no content."),
    ("file-too-large", E, "The file is larger than the size limit for its kind."),
    ("file-is-symlink", E, "A symbolic link inside annotations/: sources must be regular files."),
    ("file-unreadable", E, "The file could not be read (permissions, or it is not a regular file)."),
    ("invalid-file-name", E, "The file name is not a valid article id followed by .txt or .json."),
    ("missing-text", E, "An annotation file <id>.json has no raw text <id>.txt beside it."),
    ("missing-annotation", E, "A raw text <id>.txt has no annotation file <id>.json beside it."),
    ("missing-registry", E, "A registry file (entities.json or propositions.json) is missing."),
    ("unexpected-file", W, "A file in annotations/ that is neither an article, a registry nor documentation."),
    # JSON syntax
    ("json-syntax", E, "The file is not valid JSON."),
    ("json-not-utf8", E, "The JSON file is not valid UTF-8."),
    ("json-bom", E, "The JSON file starts with a UTF-8 byte-order mark."),
    ("json-duplicate-key", E, "An object has the same key twice (a standard parser silently keeps the last one)."),
    ("json-invalid-constant", E, "NaN, Infinity or -Infinity: not JSON, though Python's parser accepts them."),
    ("json-too-deep", E, "Nesting deeper than the limit."),
    ("json-lone-surrogate", E, "A string holds a lone UTF-16 surrogate (an unpaired \\uD800-\\uDFFF escape): "
                               "it cannot be written as UTF-8."),
    # Raw text
    ("text-not-utf8", E, "The raw text is not valid UTF-8."),
    ("text-bom", E, "The raw text starts with a UTF-8 byte-order mark."),
    ("text-hash-mismatch", E, "The sha256 of the raw text differs from text_sha256: the text changed after labelling."),
    ("duplicate-text", E, "Two articles have the same text."),
    # Schema (one code per JSON Schema keyword that failed)
    ("schema-required", E, "A required field is missing."),
    ("schema-additional-properties", E, "A field the schema does not define (a typo, or a field in the wrong place)."),
    ("schema-type", E, "A value of the wrong JSON type."),
    ("schema-enum", E, "A value outside the allowed set."),
    ("schema-pattern", E, "A string that does not match its pattern (ids, keys, hashes, dates)."),
    ("schema-minimum", E, "A number below its minimum (a negative offset)."),
    ("schema-min-length", E, "An empty string where text is required."),
    ("schema-max-length", E, "A string longer than allowed."),
    ("schema-unique-items", E, "A list that repeats an item."),
    ("schema-any-of", E, "A value that matches none of the allowed forms."),
    ("schema-not", E, "A value that is explicitly forbidden (the reserved key \"author\")."),
    ("schema-other", E, "Any other schema violation (a fallback: the published schemas use only the keywords above)."),
    # Article semantics
    ("id-mismatch", E, "The id inside the file differs from the file name."),
    ("span-out-of-range", E, "A span ends past the end of the text."),
    ("span-reversed", E, "A span whose start is not before its end."),
    ("span-text-mismatch", E, "The text of a span differs from the article at its offsets."),
    ("span-whitespace", E, "A span starts or ends with whitespace."),
    ("segment-overlap", E, "Segments overlap or are out of text order."),
    ("segment-gap", E, "Text outside every segment."),
    ("label-in-boilerplate", E, "A mention or claim inside a boilerplate segment: boilerplate gets no labels."),
    ("mention-overlap", E, "Two entity mentions overlap."),
    ("mention-cut-by-tokenizer", E, "A mention starts or ends inside a token of the project tokenizer."),
    ("mention-crosses-sentence", E, "A mention spans two sentences of the project sentence splitter."),
    ("duplicate-id", E, "Two mentions or claims of one file share an id."),
    ("unknown-entity", E, "A mention links to a key missing from the entity registry."),
    ("unknown-claimer", E, "A claim's claimer is neither \"author\" nor a key of the entity registry."),
    ("unknown-about-entity", E, "A claim's about list names a key missing from the entity registry."),
    ("unknown-proposition", E, "A claim links to a key missing from the proposition registry."),
    ("entity-type-mismatch", E, "A mention's label differs from the type of the entity it links to."),
    ("mention-unlinked", W, "A mention of a named type (not a date or number) links to no entity."),
    # Registries
    ("registry-duplicate-key", E, "A registry lists the same key twice."),
    ("registry-unused-entry", W, "A registry entry that no article uses."),
    # Built dataset
    ("dataset-unreadable", E, "A Parquet file of the built dataset cannot be read."),
    ("dataset-schema-mismatch", E, "A built Parquet file's columns differ from the config's features."),
)


# Codes that exist for completeness but that the published schemas cannot trigger.
FALLBACK_CODES = frozenset({"schema-other"})
