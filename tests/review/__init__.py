"""Tests of cyberclaims.review."""
