"""Tests of cyberclaims.core."""
