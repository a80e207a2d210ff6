"""What one reading of a miner says, in our own terms (no miner library type leaks out)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Reach(StrEnum):
    """How the miner answered: its API gave data, it accepted but gave nothing in time, or no
    answer at all."""

    OK = "ok"
    HUNG = "hung"
    OFFLINE = "offline"


@dataclass(frozen=True, slots=True)
class Board:
    position: int
    hashrate_ths: float | None = None
    temp_c: float | None = None  # the board (PCB) temperature
    chip_temp_c: float | None = None  # its hottest chip, where reported


@dataclass(frozen=True, slots=True)
class Pool:
    url: str
    user: str | None = None
    alive: bool | None = None
    active: bool | None = None


@dataclass(frozen=True, slots=True)
class MinerSnapshot:
    """One reading. Hashrates in TH/s, watts as the firmware reports them (None: it does not)."""

    reach: Reach
    hashrate_ths: float | None = None
    expected_ths: float | None = None
    boards: tuple[Board, ...] = ()
    fans_rpm: tuple[int, ...] = ()
    watts: int | None = None
    uptime_s: int | None = None
    pools: tuple[Pool, ...] = ()
    errors: tuple[str, ...] = ()
    is_mining: bool = True
    make: str | None = None
    model: str | None = None
    firmware: str | None = None
    mac: str | None = None
    serial: str | None = None

    @property
    def hottest_c(self) -> float | None:
        """The hottest board's temperature (its chips' where the board reports none)."""
        temps = [b.temp_c for b in self.boards if b.temp_c is not None]
        if not temps:
            temps = [b.chip_temp_c for b in self.boards if b.chip_temp_c is not None]
        return max(temps) if temps else None


OFFLINE = MinerSnapshot(Reach.OFFLINE)
HUNG = MinerSnapshot(Reach.HUNG)
