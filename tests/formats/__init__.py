"""Tests of cyberclaims.formats."""
