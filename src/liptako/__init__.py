"""liptako: a collective-security information system for the Liptako-Gourma Charter."""

__version__ = "0.1.0"
