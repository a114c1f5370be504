"""The export tests' newsroom, for the export command's tests."""

from annotations.tests.exports.conftest import newsroom

__all__ = ["newsroom"]
