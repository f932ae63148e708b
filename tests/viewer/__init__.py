"""Tests of cyberclaims.viewer."""
