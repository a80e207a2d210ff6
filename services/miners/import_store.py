"""Parsed imports waiting for Apply, kept on disk so a restart of the bot loses nothing.

Each import is two JSON files under the data directory: `<id>.json` (who, which file, the
preview) and `<id>.rows.json` (the accepted rows, read again on Apply). JSON, not pickle: the
files hold data only. Files are written atomically; abandoned ones are purged after a day.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from services.miners.import_plan import MinerRow

_ID = re.compile(r"^[0-9a-f]{16}$")
KEEP_FOR = timedelta(days=1)


def valid_id(import_id: str) -> bool:
    return bool(_ID.match(import_id))


class ImportStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @staticmethod
    def new_id() -> str:
        return secrets.token_hex(8)

    def _path(self, import_id: str, suffix: str) -> Path:
        if not valid_id(import_id):  # ids come back in callback data: never trust a path
            raise ValueError(f"bad import id {import_id!r}")
        return self.directory / f"{import_id}{suffix}"

    def _write(self, path: Path, payload: Any) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(payload, out, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def save(self, import_id: str, meta: dict[str, Any], rows: list[MinerRow]) -> None:
        self._write(self._path(import_id, ".rows.json"), rows)
        self._write(self._path(import_id, ".json"), meta)

    def save_meta(self, import_id: str, meta: dict[str, Any]) -> None:
        self._write(self._path(import_id, ".json"), meta)

    def load_meta(self, import_id: str) -> dict[str, Any] | None:
        if not valid_id(import_id):
            return None
        try:
            text = self._path(import_id, ".json").read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        data = json.loads(text)
        return data if isinstance(data, dict) else None

    def load_rows(self, import_id: str) -> list[MinerRow]:
        with self._path(import_id, ".rows.json").open(encoding="utf-8") as source:
            return [MinerRow(*r) for r in json.load(source)]

    def delete(self, import_id: str) -> None:
        if not valid_id(import_id):
            return
        for suffix in (".json", ".rows.json"):
            self._path(import_id, suffix).unlink(missing_ok=True)

    def purge(self, now: datetime, keep_for: timedelta = KEEP_FOR) -> int:
        """Delete imports created before `now - keep_for` (by the time in their meta, which the
        service's clock wrote), and leftovers (rows without meta, temporary files) older than
        that on the file system's clock. Returns how many imports were deleted."""
        if not self.directory.is_dir():
            return 0
        cutoff = now - keep_for
        stale_mtime = time.time() - keep_for.total_seconds()
        removed = 0
        for path in sorted(self.directory.iterdir()):
            name = path.name
            import_id = name.split(".", 1)[0]
            if valid_id(import_id) and name == f"{import_id}.json":
                meta = self.load_meta(import_id)
                created = _created(meta)
                if created is None or created < cutoff:
                    self.delete(import_id)
                    removed += 1
            elif (
                path.is_file()
                and path.stat().st_mtime < stale_mtime
                and not (valid_id(import_id) and self._path(import_id, ".json").exists())
            ):
                path.unlink(missing_ok=True)
        return removed


def _created(meta: dict[str, Any] | None) -> datetime | None:
    try:
        return datetime.fromisoformat(str((meta or {})["created"]))
    except (KeyError, ValueError):
        return None
