"""The miners' own API, through pyasic-rs: the only module that imports the miner library.

It answers with our `MinerSnapshot` and never raises for a miner's fault: a miner that does not
answer within `timeout` seconds is `HUNG` if it still accepts connections (its API hangs),
`OFFLINE` if nothing answers at all. Identified miners are kept by IP (identifying costs several
requests); a miner that stops answering is identified again when it comes back, so a swapped
unit or a new firmware at the same address is picked up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection
from contextlib import suppress
from enum import StrEnum
from typing import Protocol

from pyasic_rs import Miner, MinerFactory
from pyasic_rs.asic_rs import HashRate, HashRateUnit, MinerData

from services.telemetry.snapshot import HUNG, OFFLINE, Board, MinerSnapshot, Pool, Reach

log = logging.getLogger(__name__)

# Ports a miner answers on when it is up: the cgminer-style RPC API, and the web interface of
# firmwares without one. A connection accepted on either means "up, but its API hangs".
PROBE_PORTS = (4028, 80)


class RebootOutcome(StrEnum):
    SENT = "sent"  # the miner took the command (or went down while taking it: it reboots)
    UNSUPPORTED = "unsupported"  # its firmware offers no reboot through the API
    UNREACHABLE = "unreachable"
    FAILED = "failed"  # it answered, but refused or failed the command


class MinerApi(Protocol):
    """What the rest of FarmDesk may ask of a miner."""

    async def read(self, ip: str) -> MinerSnapshot: ...

    async def reboot(self, ip: str) -> RebootOutcome: ...

    def forget_except(self, ips: Collection[str]) -> None: ...


def open_miner_api(
    *, timeout: float = 10.0, username: str | None = None, password: str | None = None
) -> MinerApi:
    """The miners' API as FarmDesk uses it (`timeout`: the hard limit per miner, seconds;
    `username`/`password`: for control commands where the firmware asks for them)."""
    return PyasicRsApi(timeout=timeout, username=username, password=password)


class PyasicRsApi:
    """`MinerApi` over pyasic-rs (Rust; its sockets run on its own threads, not the event loop)."""

    def __init__(
        self, *, timeout: float = 10.0, username: str | None = None, password: str | None = None
    ) -> None:
        self.timeout = timeout
        self._identify_s = max(1, int(timeout // 2))
        self._probe_s = min(2.0, timeout / 4)
        self._factory = MinerFactory().with_identification_timeout_secs(self._identify_s)
        self._auth = (username, password) if username and password else None
        self._handles: dict[str, Miner] = {}

    async def read(self, ip: str) -> MinerSnapshot:
        try:
            return await asyncio.wait_for(self._read(ip), self.timeout)
        except TimeoutError:
            self._handles.pop(ip, None)
            return HUNG
        except Exception:  # a fault of the library or of odd firmware must not end a cycle
            log.warning("reading miner %s failed", ip, exc_info=True)
            self._handles.pop(ip, None)
            return await self._unanswered(ip)

    async def reboot(self, ip: str) -> RebootOutcome:
        try:
            miner = await asyncio.wait_for(self._handle(ip), self.timeout)
            if miner is None:
                return RebootOutcome.UNREACHABLE
            if not miner.supports_restart:
                return RebootOutcome.UNSUPPORTED
            done = await asyncio.wait_for(miner.restart(), self.timeout)
        except TimeoutError:
            return RebootOutcome.FAILED
        except Exception:
            log.warning("rebooting miner %s failed", ip, exc_info=True)
            return RebootOutcome.FAILED
        self._handles.pop(ip, None)  # identified afresh once it is back
        return RebootOutcome.SENT if done else RebootOutcome.FAILED

    def forget_except(self, ips: Collection[str]) -> None:
        """Drop identified miners whose address is no longer polled."""
        keep = set(ips)
        for ip in [ip for ip in self._handles if ip not in keep]:
            del self._handles[ip]

    async def _read(self, ip: str) -> MinerSnapshot:
        miner = await self._handle(ip)
        if miner is None:
            return await self._unanswered(ip)
        snapshot = _snapshot(await miner.get_data())
        if snapshot is None:
            self._handles.pop(ip, None)
            return await self._unanswered(ip)
        return snapshot

    async def _handle(self, ip: str) -> Miner | None:
        miner = self._handles.get(ip)
        if miner is None:
            miner = await self._factory.get_miner(ip)
            if miner is not None:
                if self._auth is not None:
                    miner.set_auth(*self._auth)
                self._handles[ip] = miner
        return miner

    async def _unanswered(self, ip: str) -> MinerSnapshot:
        return HUNG if await self._reachable(ip) else OFFLINE

    async def _reachable(self, ip: str) -> bool:
        async def accepts(port: int) -> bool:
            try:
                _, writer = await asyncio.wait_for(asyncio.open_connection(ip, port), self._probe_s)
            except (OSError, TimeoutError, ValueError):
                return False
            writer.close()
            with suppress(OSError):
                await writer.wait_closed()
            return True

        return any(await asyncio.gather(*(accepts(p) for p in PROBE_PORTS)))


def _ths(rate: HashRate | None) -> float | None:
    return None if rate is None else rate.as_unit(HashRateUnit.TH).value


def _int(value: float | None) -> int | None:
    return None if value is None else round(value)


def _snapshot(data: MinerData) -> MinerSnapshot | None:
    """Our snapshot of the library's data; None when the miner answered nothing at all."""
    boards = tuple(
        Board(
            position=b.position,
            hashrate_ths=_ths(b.hashrate),
            temp_c=b.board_temperature,
            chip_temp_c=b.outlet_chip_temperature,
        )
        for b in data.hashboards
    )
    fans = tuple(round(f.rpm) for f in data.fans if f.rpm is not None)
    uptime = data.uptime
    hashrate = _ths(data.hashrate)
    answered = (
        hashrate is not None
        or uptime is not None
        or data.mac is not None
        or fans
        or any(b.hashrate_ths is not None or b.temp_c is not None for b in boards)
    )
    if not answered:
        return None
    pools = tuple(
        Pool(
            url=str(p.url) if p.url is not None else "",
            user=p.user,
            alive=p.alive,
            active=p.active,
        )
        for group in data.pools
        for p in group.pools
    )
    info = data.device_info
    return MinerSnapshot(
        reach=Reach.OK,
        hashrate_ths=hashrate,
        expected_ths=_ths(data.expected_hashrate),
        boards=boards,
        fans_rpm=fans,
        watts=_int(data.wattage),
        uptime_s=None if uptime is None else int(uptime.total_seconds()),
        pools=pools,
        errors=tuple(m.message for m in data.messages),
        is_mining=data.is_mining,
        make=info.make,
        model=info.model,
        firmware=data.firmware_version,
        mac=data.mac,
        serial=data.serial_number,
    )
