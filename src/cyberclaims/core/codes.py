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
    (
        "file-name-control-character",
        E,
        "A file or folder name holds a control character (a newline, an escape): "
        "it would forge lines of reports and CI annotations.",
    ),
    (
        "invalid-file-name",
        E,
        "The file name is not a valid article id followed by .txt or .json, or a folder of annotations/passes/ "
        "is not named as a pass can be (lower-case letters and digits joined by '.', '_' or '-').",
    ),
    ("missing-text", E, "An annotation file <id>.json has no raw text <id>.txt beside it."),
    ("missing-annotation", E, "A raw text <id>.txt has no annotation file <id>.json beside it."),
    ("missing-registry", E, "A registry file (entities.json, propositions.json or events.json) is missing."),
    ("unexpected-file", W, "A file in annotations/ that is neither an article, a registry nor documentation."),
    # JSON syntax
    ("json-syntax", E, "The file is not valid JSON."),
    ("json-not-utf8", E, "The JSON file is not valid UTF-8."),
    ("json-bom", E, "The JSON file starts with a UTF-8 byte-order mark."),
    ("json-duplicate-key", E, "An object has the same key twice (a standard parser silently keeps the last one)."),
    ("json-invalid-constant", E, "NaN, Infinity or -Infinity: not JSON, though Python's parser accepts them."),
    ("json-too-deep", E, "Nesting deeper than the limit."),
    (
        "json-lone-surrogate",
        E,
        "A string holds a lone UTF-16 surrogate (an unpaired \\uD800-\\uDFFF escape): it cannot be written as UTF-8.",
    ),
    # Raw text
    ("text-not-utf8", E, "The raw text is not valid UTF-8."),
    ("text-bom", E, "The raw text starts with a UTF-8 byte-order mark."),
    ("text-hash-mismatch", E, "The sha256 of the raw text differs from text_sha256: the text changed after labelling."),
    ("duplicate-text", E, "Two articles have the same text."),
    (
        "split-changed",
        E,
        "An article of a published release is in another split than it was released in (releases/splits.json): "
        "splits never change once released.",
    ),
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
    ("schema-not", E, 'A value that is explicitly forbidden (the reserved key "author").'),
    ("schema-other", E, "Any other schema violation (a fallback: the published schemas use only the keywords above)."),
    # Article semantics
    ("id-mismatch", E, "The id inside the file differs from the file name."),
    ("span-out-of-range", E, "A span ends past the end of the text."),
    ("span-reversed", E, "A span whose start is not before its end."),
    ("span-text-mismatch", E, "The text of a span differs from the article at its offsets."),
    ("span-whitespace", E, "A span starts or ends with whitespace."),
    (
        "span-invisible-edge",
        E,
        "A span starts or ends with an invisible character (zero-width, bidi mark, soft hyphen, "
        "BOM): two spans that look equal would differ.",
    ),
    (
        "span-splits-character",
        E,
        "A span starts or ends inside a character: before a combining mark or a variation "
        "selector, or beside a zero-width joiner.",
    ),
    ("date-impossible", E, "A date that matches the pattern but is not a day of the calendar (2014-02-31)."),
    (
        "text-blank",
        E,
        "A string that is only whitespace where a value is expected (the schema counts a space as content).",
    ),
    (
        "attribution-contradicts-claimer",
        E,
        'Claimer "author" with attribution "reported", or a source claimer '
        'with "asserted" (GUIDELINES.md: the author asserts, a source is reported).',
    ),
    ("segment-overlap", E, "Segments overlap or are out of text order."),
    ("segment-gap", E, "Text outside every segment."),
    ("label-in-boilerplate", E, "A mention or claim inside a boilerplate segment: boilerplate gets no labels."),
    ("mention-overlap", E, "Two entity mentions overlap."),
    ("mention-cut-by-tokenizer", E, "A mention starts or ends inside a token of the project tokenizer."),
    ("mention-crosses-sentence", E, "A mention spans two sentences of the project sentence splitter."),
    ("duplicate-id", E, "Two mentions or claims of one file share an id."),
    ("unknown-entity", E, "A mention links to a key missing from the entity registry."),
    ("unknown-claimer", E, 'A claim\'s claimer is neither "author" nor a key of the entity registry.'),
    ("unknown-about-entity", E, "A claim's about list names a key missing from the entity registry."),
    ("unknown-proposition", E, "A claim links to a key missing from the proposition registry."),
    ("unknown-event", E, "A claim links to a key missing from the event registry."),
    ("entity-type-mismatch", E, "A mention's label differs from the type of the entity it links to."),
    ("mention-unlinked", W, "A mention of a named type (not a date or number) links to no entity."),
    (
        "article-unlabelled",
        W,
        "An article with no mentions and no claims: a skeleton from `cyberclaims new` not labelled yet.",
    ),
    # Provenance and passes
    (
        "provenance-missing",
        E,
        "A layer that holds labels (or every layer of a pass: a pass makes at least one) does not record how it "
        "was made: who, a person or a model, from which suggestions, under which guidelines version, when.",
    ),
    (
        "provenance-invalid",
        E,
        "A provenance record that cannot be true where it is: an adjudicated layer in a pass; a pass layer whose "
        "suggestions name a file the pass folder does not hold, or another system or version than its "
        "SUGGESTIONS.json.",
    ),
    (
        "provenance-unknown-pass",
        E,
        "An adjudicated gold layer names a pass that is not a folder of annotations/passes/.",
    ),
    ("span-origin-missing", E, "A span of a layer that started from suggestions does not record its origin."),
    (
        "span-origin-unexpected",
        E,
        "A span records an origin though its layer had no suggestions, or its origin names a suggestion "
        "(or none) against its kind.",
    ),
    (
        "span-origin-dangling",
        E,
        "A span of a pass says it came from a suggestion that the pass's SUGGESTIONS.json does not hold, or that "
        "it kept that suggestion unchanged while its span or a field the suggestion gave differs.",
    ),
    ("pass-register-invalid", E, "annotations/passes/SHA256SUMS has a line that is not '<sha256>  <pass>/<file>'."),
    ("pass-file-unrecorded", E, "A pass file is not recorded in annotations/passes/SHA256SUMS."),
    (
        "pass-file-changed",
        E,
        "A pass file differs from the checksum recorded when it was made: passes are append-only.",
    ),
    ("pass-file-missing", E, "A pass file recorded in annotations/passes/SHA256SUMS is gone."),
    ("pass-instructions-missing", E, "A pass folder has no INSTRUCTIONS.md (the instructions its annotator received)."),
    # Adjudication (annotations/adjudication.json, GUIDELINES.md 15.6)
    ("adjudication-unknown-pass", E, "The decisions file names a pass that is not a folder of annotations/passes/."),
    ("adjudication-unknown-article", E, "A decision names an article that is not in both adjudicated passes."),
    (
        "adjudication-unknown-section",
        E,
        "A decision cites a section that is not a numbered heading of annotations/GUIDELINES.md (nor a numbered "
        "item or table row under one).",
    ),
    (
        "adjudication-unknown-item",
        E,
        "A decision's location names nothing that the two passes can be compared on, or shows offsets or a text "
        "(what ADJUDICATION.md prints) that are not those of what it locates.",
    ),
    ("adjudication-pass-mismatch", E, "A decision says a pass has a value that the pass does not have there."),
    (
        "adjudication-choice-inconsistent",
        E,
        "A decision's choice and value disagree: pass A or B chosen with another value, 'neither' with a pass's "
        "value, or a grouping that is not a partition of its claims.",
    ),
    ("adjudication-duplicate-decision", E, "Two decisions on one item."),
    (
        "adjudication-gold-differs",
        E,
        "The gold does not hold the value a decision chose (it says what the gold holds).",
    ),
    (
        "adjudication-added-claim-text",
        E,
        "A decision adding a claim gives a proposition or event key that neither pass has without its statement "
        "or description, or one for a key a pass has (that pass's text is kept).",
    ),
    ("adjudication-undecided", E, "A disagreement of the two adjudicated passes has no decision."),
    (
        "adjudication-report-stale",
        E,
        "annotations/ADJUDICATION.md is missing or is not what the decisions file generates "
        "(`cyberclaims adjudicate --report`).",
    ),
    # Registries
    ("registry-duplicate-key", E, "A registry lists the same key twice."),
    ("registry-unused-entry", W, "A registry entry that no article uses."),
    (
        "registry-duplicate-external-id",
        E,
        "Two entities of the registry (or one entity twice) give the same id of a knowledge base (the same "
        "db_name and db_id in external_ids): an id denotes one entry.",
    ),
    (
        "attribution-unknown-entity",
        E,
        "A proposition's attribution names an actor or an attack missing from the entity registry.",
    ),
    # Lint (`cyberclaims lint`): likely annotation errors across the gold corpus, never found by `validate`
    (
        "mention-unlabelled-elsewhere",
        W,
        "A string labelled as a mention elsewhere in the corpus occurs here "
        "(same case, on token boundaries, outside boilerplate) overlapping no mention (a variation n-gram).",
    ),
    (
        "mention-label-varies",
        W,
        "The same mention string has different labels across the corpus; this "
        "mention's label is not the most frequent one (or there is a tie).",
    ),
    (
        "mention-link-varies",
        W,
        "The same mention string with the same label links to different entities "
        "across the corpus; this mention's entity is not the most frequent one (or there is a tie).",
    ),
    (
        "claim-hedged-but-certain",
        W,
        "A claim span holds a cue of the guidelines' certainty-cues table of a level weaker than the claim's "
        "certainty (a probable or possible cue in a certain claim, a possible cue in a probable one); a cue of "
        "the evidence-cues table counts as probable, except in an evidence claim (its normalized states the "
        "evidence, cue and all), which is rightly certain (GUIDELINES.md 10.1, 10.2.5).",
    ),
    (
        "claim-contains-claim",
        W,
        "A claim span contains another claim's span and, touching it inside the outer span, a coordinator "
        '("and", "but", "or", "nor", a comma or a semicolon) and the conjunct beyond it: the span swallows a '
        "neighbouring claim. Not flagged: a comma that closes a parenthetical opened earlier in the outer span "
        '("Harlow Mutual, Kestrel\'s insurer, paid"), an inner span between commas (", B,"), and an outer claim '
        'whose other conjunct is a claim too and that holds words beyond both (its own predicate: "X and Y '
        'could hold the answer") (GUIDELINES.md 8.5.4).',
    ),
    (
        "claim-not-checkable",
        W,
        "A claim whose predicate is an evaluative cue of the guidelines' evaluative-cues table (right after a "
        'form of "be", "have", "seem" or "become" with only articles, negation and degree words between, or '
        'opening the span before such a form: "was deeply odd", "What a week it has been") and that, without '
        "its cues, holds no value mention, no digit and at most one entity mention: nothing a fact-checker "
        "could verify is left (GUIDELINES.md 8.2.1).",
    ),
    (
        "evidence-conclusion-missing",
        W,
        "An evidence claim (a cue of the guidelines' evidence-cues table in its span and in its normalized) "
        "without its conclusion claim: a claim of the same claimer whose normalized holds no evidence cue, "
        "sharing the span and probable or weaker when the cue's complement is in the span (\"was traced to "
        'an exchange"), or anywhere in the sentence, a flat statement included, when the cue ends the span '
        '("as build paths suggest", "indicated so") (GUIDELINES.md 10.2.5).',
    ),
    (
        "normalized-context-word",
        W,
        "A normalized sentence holds a cue of the guidelines' context-words table outside the forms 13.7 "
        'allows ("that" as a conjunction or relative pronoun, read as any "that" not at the start or after '
        'a preposition; "such as"; "other than"; "the same ... as"; "this", "earlier this", "later this" '
        'before a date word; "former" before a role). A capitalised cue inside the sentence is part of a '
        'name ("Still Harbour") and "as well as" joins like "and" (GUIDELINES.md 13.7).',
    ),
    (
        "proposition-near-duplicate",
        W,
        "Two proposition statements whose word sets have a Jaccard index of at "
        "least 0.8: possibly one proposition under two keys.",
    ),
    # Built dataset
    ("dataset-unreadable", E, "A Parquet file of the built dataset cannot be read."),
    ("dataset-schema-mismatch", E, "A built Parquet file's columns differ from the config's features."),
    (
        "dataset-derived-mismatch",
        E,
        "A derived config (claims, ner, the usage columns of entities) differs from "
        "what the documents rows give: rows edited after the build, a deleted config or shard.",
    ),
    (
        "dataset-shard-layout",
        E,
        "A shard that is not <split>-NNNNN-of-NNNNN.parquet of a known config, shards not "
        "numbered 0..n-1, or an article with two documents rows (a shard present twice).",
    ),
    ("dataset-label-out-of-range", E, "A class-label integer that names no class (-1, or past the last name)."),
    ("dataset-text-missing", E, "A documents row without text in a dataset that is not text-withheld."),
    # The guidelines' cue tables, which `cyberclaims lint` reads (GUIDELINES.md 2.11)
    (
        "guidelines-table-missing",
        E,
        "annotations/GUIDELINES.md, or a table that lint reads from it, is missing: a table follows a line "
        "'<!-- table: NAME -->' of its own.",
    ),
    (
        "guidelines-table-invalid",
        E,
        "A cue table of annotations/GUIDELINES.md cannot be read: no header row right after its marker, no "
        "'cues' column, no rule row, a row of another width, a cues cell that is not a comma-separated list of "
        "double-quoted lower-case strings, no rows, the same table twice, or a value its reader needs missing "
        "(certainty-cues: a 'level' column of certainties).",
    ),
    (
        "lint-accepted-invalid",
        E,
        "annotations/LINT-ACCEPTED.md cannot be read (a link, a FIFO, larger than 16 MiB, not UTF-8 or with a "
        "byte-order mark), or has a table whose header is not | code | file | pointer | why |, or a row without a "
        "code, a file or the reason the finding stays.",
    ),
    (
        "lint-accepted-unused",
        W,
        "A row of annotations/LINT-ACCEPTED.md accepts a lint finding that lint no longer reports: remove it.",
    ),
    (
        "dataset-card-mismatch",
        E,
        "The card's metadata cannot be read, or its split sizes (dataset_info) differ from the rows of the "
        "Parquet files: load_dataset refuses such a folder.",
    ),
)


# Codes that exist for completeness but that the published schemas cannot trigger.
FALLBACK_CODES = frozenset({"schema-other"})

# Codes that `cyberclaims lint` reports (never `validate`): each is tested in tests/review/test_lint.py rather than by
# a broken case under tests/cases/invalid/, since a case there is judged by `validate`.
LINT_CODES = frozenset(
    {
        "mention-unlabelled-elsewhere",
        "mention-label-varies",
        "mention-link-varies",
        "claim-hedged-but-certain",
        "claim-contains-claim",
        "claim-not-checkable",
        "evidence-conclusion-missing",
        "normalized-context-word",
        "proposition-near-duplicate",
    }
)

# (lint-accepted-*: annotations/LINT-ACCEPTED.md, tested in tests/review/test_lint_accepted.py)
# Errors of `cyberclaims lint` itself, when the guidelines' cue tables it reads are missing or malformed (never
# `validate`'s findings): tested in tests/review/test_cues.py.
GUIDELINES_TABLE_CODES = frozenset({"guidelines-table-missing", "guidelines-table-invalid"})
# What `cyberclaims lint` finds wrong with annotations/LINT-ACCEPTED.md (tests/review/test_lint_accepted.py).
LINT_ACCEPTED_CODES = frozenset({"lint-accepted-invalid", "lint-accepted-unused"})
