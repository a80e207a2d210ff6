"""The task service tests once more, on PostgreSQL (see tests/backends/conftest.py)."""

from __future__ import annotations

from tests.backends.conftest import rerun

rerun(globals(), "tests.test_tasks_service", needs=("db", "services", "owner"))
