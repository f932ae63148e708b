"""Unit tests of cyberclaims.validation, one module per source module.

A package (imported as ``validation.test_<name>``) so that its module names cannot collide with a
top-level ``tests/test_<name>.py``; ``tests/`` itself stays a plain rootdir-conftest folder.
"""
