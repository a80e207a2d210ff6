"""The rules, as pure functions: what a reading says, when a status is taken, what energy counts.

- Offline: no answer. Hanged: the API accepts but does not answer in time, or the miner answers
  and hashes nothing (no hashrate, zero, or mining switched off). Lowhash: hashrate below the
  facility's threshold share of the hashrate the miner itself expects. Active otherwise.
- A status other than the miner's own is taken only when two cycles in a row see it (one lost
  packet changes nothing); a miner never polled before takes its first reading at once.
- Energy: reported watts if the firmware reports them, else the nominal power while the miner
  hashes (active or lowhash), else nothing; offline or hung counts nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.telemetry.snapshot import MinerSnapshot, Reach

ACTIVE, LOWHASH, HANGED, OFFLINE = "active", "lowhash", "hanged", "offline"
HASHING = frozenset({ACTIVE, LOWHASH})

SOURCE_NONE, SOURCE_MEASURED, SOURCE_NOMINAL = 0, 1, 2  # storage.models.SAMPLE_SOURCES


def hashrate_of(snapshot: MinerSnapshot) -> float | None:
    """The miner's total hashrate (TH/s); the sum of its boards when it gives no total."""
    if snapshot.hashrate_ths is not None:
        return snapshot.hashrate_ths
    boards = [b.hashrate_ths for b in snapshot.boards if b.hashrate_ths is not None]
    return sum(boards) if boards else None


def classify(snapshot: MinerSnapshot, lowhash_pct: int) -> str:
    """The status one reading says."""
    if snapshot.reach is Reach.OFFLINE:
        return OFFLINE
    if snapshot.reach is Reach.HUNG:
        return HANGED
    rate = hashrate_of(snapshot)
    if not snapshot.is_mining or rate is None or rate <= 0:
        return HANGED
    expected = snapshot.expected_ths
    if expected and rate * 100 < expected * lowhash_pct:
        return LOWHASH
    return ACTIVE


@dataclass(frozen=True, slots=True)
class Settled:
    status: str  # the miner's status after this reading
    pending: str | None  # a different status seen once, waiting for the next cycle
    changed: bool


def settle(current: str, pending: str | None, observed: str, *, first: bool) -> Settled:
    """The two-cycles-in-a-row rule (`first`: the miner was never polled before)."""
    if first:
        return Settled(observed, None, observed != current)
    if observed == current:
        return Settled(current, None, False)
    if pending == observed:
        return Settled(observed, None, True)
    return Settled(current, observed, False)


def counted_watts(
    snapshot: MinerSnapshot, observed: str, nominal_w: int | None
) -> tuple[int | None, int]:
    """(watts counted for energy, source code) over the interval this reading stands for."""
    if snapshot.reach is not Reach.OK:
        return None, SOURCE_NONE
    if snapshot.watts is not None:
        return max(snapshot.watts, 0), SOURCE_MEASURED
    if observed in HASHING and nominal_w:
        return nominal_w, SOURCE_NOMINAL
    return None, SOURCE_NONE


def covers(ts: int, previous: int | None, interval_s: int) -> int:
    """Seconds a sample at `ts` stands for: since the previous poll, at most two intervals
    (after a gap, such as the bot being stopped, the rest counts nothing); 0 for a first."""
    if previous is None:
        return 0
    return max(0, min(ts - previous, 2 * interval_s))
