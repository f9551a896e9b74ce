"""Swan Desktop: the live master schedule of a personal-training studio."""

__version__ = "0.2.0"
