"""Annotation tools' formats: Label Studio and doccano in, Label Studio, brat and doccano out; and STIX 2.1 out
for threat-intelligence tools (``stix``, docs/stix.md), with the curation of the registries' CTI fields
(``registry_cti``).

Each module converts offsets itself (see ``offsets``) and says what its format cannot carry;
``common`` validates and writes imported files. ``docs/formats.md`` has the overview.

| | Label Studio | doccano | brat |
|---|---|---|---|
| offsets | UTF-16 code units | UTF-16 code units | code points |
| mentions and labels | yes | yes | yes |
| entity keys | yes (text area) | no: kept from the current file | yes (N lines) |
| claims and their attributes | yes (per-region controls) | no: kept from the current file | yes (A and # lines) |
| segments | yes (``segment`` labels) | no: kept / one per line | no: kept / one per line |
| ids | yes (``m1``, ``c1``) | no: renumbered in text order | no: renumbered in text order |
| metadata, annotators, notes | yes (task data, not editable) | no: kept / defaults | no: kept / defaults |
| registries | no | no | no |
"""
