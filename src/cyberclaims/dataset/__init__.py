"""The built Hugging Face dataset: one table of configs (``configs``) that every part reads; the shard layout
(``layout``); rows and Arrow tables; Parquet shards and the manifest; the build (``build``) and its pipeline
(``pipeline``, with its cache of runs, ``cache``), its freshness check and the built-dataset checks; the
text-withheld copy and rehydration; the card, Croissant metadata, citation and summary.

Imported lazily by the CLI: ``datasets`` and ``pyarrow`` take a second to import.
"""
