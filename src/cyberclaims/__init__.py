"""CyberClaims: news articles about cyberattacks with labelled entity mentions and claims."""

__version__ = "0.1.0"
