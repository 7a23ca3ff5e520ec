"""cxgov — a customer-experience program kept as code."""

__version__ = "0.1.0"
