"""The export tests' newsroom (and its triaged briefing), for the export command's tests."""

from annotations.tests.exports.conftest import newsroom, triaged

__all__ = ["newsroom", "triaged"]
