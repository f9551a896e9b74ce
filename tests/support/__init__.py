"""Helpers shared by the test suites (fixtures that are more than a few lines)."""
