"""The telemetry service and energy tests once more, on PostgreSQL (tests/backends/conftest.py)."""

from __future__ import annotations

from tests.backends.conftest import rerun

for _module in ("tests.test_telemetry_service", "tests.test_telemetry_energy"):
    rerun(globals(), _module)
