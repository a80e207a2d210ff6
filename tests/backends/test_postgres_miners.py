"""The Miners service tests once more, on PostgreSQL (see tests/backends/conftest.py)."""

from __future__ import annotations

from tests.backends.conftest import rerun

for _module in ("tests.test_miners_service", "tests.test_miners_imports_service"):
    rerun(globals(), _module)
