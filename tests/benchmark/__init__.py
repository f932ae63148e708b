"""Tests of cyberclaims.benchmark."""
