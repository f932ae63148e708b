"""Tests of cyberclaims.dataset."""
