"""The built Hugging Face dataset: one table of configs (``configs``) that every part reads; rows and Arrow
tables; Parquet shards and the manifest; the build, its freshness check and the built-dataset checks;
the text-withheld copy and rehydration; the card, Croissant metadata, citation and summary.

Imported lazily by the CLI: ``datasets`` and ``pyarrow`` take a second to import.
"""
