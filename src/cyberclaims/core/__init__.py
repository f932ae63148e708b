"""The core every layer stands on: the model (``Article``, ``Registry``, ``Corpus``), the vocabulary derived
once from the JSON Schema, problem codes and issues, one error base class, files, JSON with positions,
text (tokens, sentences) and progress bars. It imports nothing else of the package.

Layers, each importing only those before it: ``core`` → ``validation`` → ``dataset`` → ``benchmark`` →
``cli``; ``viewer`` and ``formats`` are tools over ``core`` (and ``validation``) that the layers above use.
"""
