"""Tests of cyberclaims.cli."""
