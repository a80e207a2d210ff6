"""The alerts service tests once more, on PostgreSQL (tests/backends/conftest.py)."""

from __future__ import annotations

from tests.backends.conftest import rerun

rerun(globals(), "tests.test_alerts_service")
