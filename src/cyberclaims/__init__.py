"""CyberClaims: news articles about cyberattacks with hand-labelled entity mentions and claims."""

__version__ = "0.1.0"
