"""`python -m bot` explains a missing or malformed token in one line, without a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_bot(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_", "OWNER_"))
    }
    environment.update(PYTHONPATH=str(ROOT), **env)
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,  # no .env there
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("token", "expected"),
    [("", "BOT_TOKEN is not set"), ("not-a-token", "BOT_TOKEN is malformed")],
)
def test_token_problems_are_one_clear_line(tmp_path: Path, token: str, expected: str) -> None:
    result = run_bot(tmp_path, BOT_TOKEN=token)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and "@BotFather" in lines[0]
    assert "Traceback" not in result.stderr


def test_a_bad_setting_is_named(tmp_path: Path) -> None:
    result = run_bot(
        tmp_path, BOT_TOKEN="123456789:AAEexampleexampleexampleexample_TEST", TIMEZONE="Mars/Base"
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "farmdesk: TIMEZONE is not valid: Value error, TIMEZONE 'Mars/Base' is not an IANA time "
        "zone name (see .env.example)"
    ]


@pytest.mark.parametrize(("level", "per_update"), [("INFO", False), ("DEBUG", True)])
def test_aiogram_logs_a_line_per_update_only_at_debug(level: str, per_update: bool) -> None:
    code = (
        "import logging\n"
        "from bot.__main__ import configure_logging\n"
        f"configure_logging({level!r})\n"
        "logging.getLogger('aiogram.event').info('Update id=1 is handled. Duration 3 ms')\n"
        "logging.getLogger('aiogram.middlewares').info('Answer to callback query id=7')\n"
        "logging.getLogger('aiogram.event').error('Cause exception while process update')\n"
        "logging.getLogger('farmdesk').info('stopping')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert ("Update id=1 is handled" in done.stderr) is per_update
    assert ("Answer to callback query" in done.stderr) is per_update
    assert "Cause exception" in done.stderr and "farmdesk: stopping" in done.stderr
