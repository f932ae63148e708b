"""Review: what reads a validated corpus to help people review it, and writes nothing.

Agreement between annotation passes (``agreement``), likely annotation errors (``lint``) and what a change
does to the data (``changes``, behind ``cyberclaims diff``). Above ``validation``; the build does not use it.
"""
