"""The watcher links service tests once more, on PostgreSQL (tests/backends/conftest.py): the
partial unique index of live links, the view's window query and aggregates on that backend."""

from __future__ import annotations

from tests.backends.conftest import rerun

rerun(globals(), "tests.test_watchers_service")
