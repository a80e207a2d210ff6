"""The service tests of tests/ once more, on PostgreSQL: the same code, the other backend.

Each listed module's tests are collected here again, where the `db` fixture is a fresh PostgreSQL
database (tests/backends/conftest.py) instead of an SQLite file.
"""

from __future__ import annotations

from tests.backends.conftest import rerun

for _module in (
    "tests.test_staff_service",
    "tests.test_facility_service",
    "tests.test_clients_service",
    "tests.test_storage",
    "tests.test_backend_behaviour",
    "tests.test_exports_service",
    "tests.test_bills_service",
):
    rerun(globals(), _module, needs=("db", "services", "owner"))
