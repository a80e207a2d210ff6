"""A fake fleet of miners on loopback, for tests and benchmarks.

Each fake speaks the cgminer-style RPC API of a Whatsminer (API 2.x) on port 4028 of a loopback
address of its own, which is how pyasic-rs finds a miner (it has no port setting). Addresses are
drawn at random from 127.16.0.0–127.254.255.255 and bound without SO_REUSEADDR, so a fake never
shares an address with anything else on the machine: two test runs at once draw again where they
clash. Taking a fake offline stops it listening (`shutdown` of the listening socket) but keeps the
address bound, so connections are refused and no other run can take the address meanwhile (a
socket of another run binds without SO_REUSEADDR, so it cannot share it).

Behaviours (`Mode`): healthy, lowhash (one of three boards hashes nothing), zero (answers, hashes
nothing), hot (boards at 92–95 °C), hung (accepts, reads, never answers), offline (refuses),
flapping (healthy and zero in turn, one poll each). Each reports watts or not (`watts=None`).

    python -m tests.fakefleet --miners 10000   # serves a mixed fleet until stdin closes

prints one JSON line ``{"miners": [[ip, mode, watts], ...]}`` first (used by bench.telemetry).
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import random
import resource
import socket
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

PORT = 4028
MODEL = "M30S+_VE40"  # as a Whatsminer names itself in `devdetails`
DESCRIPTION = "btminer"


class Mode(StrEnum):
    HEALTHY = "healthy"
    LOWHASH = "lowhash"
    ZERO = "zero"
    HOT = "hot"
    HUNG = "hung"
    OFFLINE = "offline"
    FLAPPING = "flapping"


def _status(msg: str, code: int = 11) -> list[dict[str, Any]]:
    now = int(time.time())
    return [{"STATUS": "S", "When": now, "Code": code, "Msg": msg, "Description": DESCRIPTION}]


def _flat(msg: Any) -> dict[str, Any]:
    """Whatsminer's own commands answer with a flat STATUS and a `Msg` object."""
    return {"STATUS": "S", "When": int(time.time()), "Code": 131, "Msg": msg, "Description": ""}


@dataclass(eq=False)
class FakeMiner:
    """One scripted miner. Change `mode`, `expected_ths` or `watts` at any time."""

    ip: str
    mode: Mode = Mode.HEALTHY
    expected_ths: float = 100.0
    watts: int | None = 3340
    worker: str = "farm.001"
    mac: str = "D4:0F:00:00:00:01"
    boards: int = 3
    reboots: int = 0
    requests: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)
    _bad: bool = False  # flapping: this poll hashes nothing
    _cache: dict[tuple[Any, ...], bytes] = field(default_factory=dict)

    @property
    def hashing_share(self) -> float:
        if self.mode is Mode.ZERO or (self.mode is Mode.FLAPPING and self._bad):
            return 0.0
        if self.mode is Mode.LOWHASH:
            return (self.boards - 1) / self.boards
        return 0.995

    def answer(self, request: dict[str, Any]) -> bytes | None:
        """The reply to one request (None: say nothing, as a hung miner does)."""
        if self.mode is Mode.HUNG:
            return None
        if "enc" in request:  # a privileged command; the only one FarmDesk sends is a reboot
            self.requests["reboot"] += 1
            self.reboots += 1
            self.started = time.monotonic()
            return _encode(_flat("reboot"))
        command = str(request.get("command", ""))
        self.requests[command] += 1
        if command == "summary" and self.mode is Mode.FLAPPING:
            self._bad = not self._bad
        uptime = int(time.monotonic() - self.started)
        key = (command, self.mode, self._bad, self.expected_ths, self.watts, uptime // 60)
        cached = self._cache.get(key)
        if cached is None:
            if len(self._cache) > 64:
                self._cache.clear()
            cached = self._cache[key] = _encode(self._reply(command, uptime))
        return cached

    def _reply(self, command: str, uptime: int) -> dict[str, Any]:
        share = self.hashing_share
        mhs = self.expected_ths * 1e6 * share
        hot = self.mode is Mode.HOT
        if command == "devdetails":
            details = [
                {"DEVDETAILS": i, "Name": "SM", "ID": i, "Driver": "bitmicro", "Model": MODEL}
                for i in range(self.boards)
            ]
            return {"STATUS": _status("Device Details"), "DEVDETAILS": details, "id": 1}
        if command == "version":
            return {
                "STATUS": _status("BTMiner versions"),
                "VERSION": [{"BTMiner": "2.0.5", "API": "2.0.5"}],
                "id": 1,
            }
        if command == "get_version":
            return _flat({"api_ver": "2.0.5", "fw_ver": "20230803.11.REL", "platform": "H616"})
        if command == "summary":
            summary: dict[str, Any] = {
                "Elapsed": uptime,
                "MHS av": mhs,
                "HS RT": mhs,
                "Factory GHS": int(self.expected_ths * 1000),
                "Temperature": 93.0 if hot else 66.0,
                "Env Temp": 27.5,
                "Fan Speed In": 6600 if hot else 5400,
                "Fan Speed Out": 6500 if hot else 5300,
                "Power Mode": "Normal",
                "MAC": self.mac,
                "Accepted": 5412,
            }
            if self.watts is not None:
                summary["Power"] = self.watts if share > 0 else 120
                summary["Power Limit"] = 3600
            return {"STATUS": _status("Summary"), "SUMMARY": [summary], "id": 1}
        if command == "devs":
            per_board = self.expected_ths * 1e6 / self.boards
            devs = []
            for i in range(self.boards):
                dead = share == 0 or (self.mode is Mode.LOWHASH and i == self.boards - 1)
                devs.append(
                    {
                        "ASC": i,
                        "Slot": i,
                        "ID": i,
                        "Enabled": "Y",
                        "Status": "Alive",
                        "MHS av": 0.0 if dead else per_board * 0.995,
                        "Factory GHS": int(per_board / 1000),
                        "Temperature": (92.0 + i) if hot else (64.0 + i),
                        "Chip Temp Min": 60.0,
                        "Chip Temp Max": (99.0 + i) if hot else (79.0 + i),
                        "Chip Temp Avg": 70.0,
                        "Effective Chips": 0 if dead else 148,
                        "PCB SN": f"PCB{self.mac[-5:].replace(':', '')}{i}",
                        "Frequency": 600.0,
                    }
                )
            return {"STATUS": _status(f"{self.boards} ASC(s)"), "DEVS": devs, "id": 1}
        if command == "pools":
            pools = [
                {
                    "POOL": 1,
                    "URL": "stratum+tcp://btc.pool.example:3333",
                    "User": self.worker,
                    "Status": "Alive",
                    "Stratum Active": True,
                    "Priority": 0,
                    "Accepted": 5412,
                    "Rejected": 3,
                }
            ]
            return {"STATUS": _status("1 Pool(s)"), "POOLS": pools, "id": 1}
        if command == "status":
            return _flat({"mineroff": "false", "FirmwareVersion": "20230803.11.REL"})
        if command == "get_miner_info":
            return _flat({"hostname": "WhatsMiner", "ledstat": "auto", "mac": self.mac})
        if command == "get_psu":
            return _flat({"fan_speed": "6000", "model": "P222B"})
        if command == "get_error_code":
            return _flat({"error_code": []})
        if command == "get_token":
            stamp = str(int(time.time()) % 10000)
            return _flat({"time": stamp, "salt": "BQ5hoXV9", "newsalt": "YhNqjs2T"})
        refused = {"STATUS": "E", "When": int(time.time()), "Code": 14, "Msg": "Invalid command"}
        return {"STATUS": [refused], "id": 1}


def _encode(reply: dict[str, Any]) -> bytes:
    return json.dumps(reply, separators=(",", ":")).encode() + b"\x00"


class _Connection(asyncio.Protocol):
    def __init__(self, fleet: FakeFleet, miner: FakeMiner) -> None:
        self.fleet = fleet
        self.miner = miner
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.fleet._open.add(transport)

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.buffer += data
        try:
            request = json.loads(self.buffer.rstrip(b"\x00\n"))
        except ValueError:
            if len(self.buffer) > 65536:
                self.transport.close()
            return  # more is coming
        reply = self.miner.answer(request if isinstance(request, dict) else {})
        if reply is not None:
            self.transport.write(reply)
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.transport is not None:
            self.fleet._open.discard(self.transport)


def _bind_free_loopback(rng: random.Random) -> socket.socket:
    """A TCP socket bound to port 4028 of a loopback address nobody else holds."""
    for _ in range(10_000):
        ip = f"127.{rng.randint(16, 254)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind((ip, PORT))
        except OSError as exc:
            sock.close()
            if exc.errno in (errno.EADDRINUSE, errno.EADDRNOTAVAIL):
                continue
            raise
        # Bound exclusively above; from now on our own connections in TIME_WAIT must not stop
        # the socket listening again after an offline spell.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setblocking(False)
        return sock
    raise RuntimeError("no free loopback address for a fake miner")


class FakeFleet:
    """Many fake miners at once, served by the running event loop."""

    def __init__(self, *, seed: int | None = None) -> None:
        self.miners: dict[str, FakeMiner] = {}
        self._sockets: dict[str, socket.socket] = {}
        self._listening: set[str] = set()
        self._open: set[asyncio.Transport] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._rng = random.Random(seed)
        self._loop: asyncio.AbstractEventLoop | None = None

    def __getitem__(self, ip: str) -> FakeMiner:
        return self.miners[ip]

    async def __aenter__(self) -> FakeFleet:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def add(
        self, mode: Mode | str = Mode.HEALTHY, *, watts: int | None = 3340, **kw: Any
    ) -> FakeMiner:
        """Start one more fake miner and return it (its `ip` is where it listens)."""
        self._loop = asyncio.get_running_loop()
        sock = _bind_free_loopback(self._rng)
        ip = sock.getsockname()[0]
        number = len(self.miners) + 1
        miner = FakeMiner(
            ip,
            Mode(mode),
            watts=watts,
            mac=kw.pop("mac", "D4:0F:{:02X}:{:02X}:{:02X}:{:02X}".format(*number.to_bytes(4))),
            worker=kw.pop("worker", f"farm.{number:05d}"),
            **kw,
        )
        self.miners[ip] = miner
        self._sockets[ip] = sock
        self._apply(miner)
        return miner

    async def start(self, modes: Sequence[Mode | str], **kw: Any) -> list[FakeMiner]:
        return [await self.add(m, **kw) for m in modes]

    def set_mode(self, ip: str, mode: Mode | str) -> None:
        miner = self.miners[ip]
        miner.mode = Mode(mode)
        miner._bad = False
        self._apply(miner)

    def _apply(self, miner: FakeMiner) -> None:
        """Listen or refuse, as the miner's mode says."""
        assert self._loop is not None
        sock = self._sockets[miner.ip]
        up = miner.mode is not Mode.OFFLINE
        if up and miner.ip not in self._listening:
            sock.listen(1024)
            self._loop.add_reader(sock.fileno(), self._accept, miner)
            self._listening.add(miner.ip)
        elif not up and miner.ip in self._listening:
            self._loop.remove_reader(sock.fileno())
            sock.shutdown(socket.SHUT_RD)  # refuses from now on; the address stays ours
            self._listening.discard(miner.ip)

    def _accept(self, miner: FakeMiner) -> None:
        assert self._loop is not None
        sock = self._sockets[miner.ip]
        while True:
            try:
                conn, _ = sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            conn.setblocking(False)
            task = self._loop.create_task(
                self._loop.connect_accepted_socket(lambda: _Connection(self, miner), conn)
            )
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        for ip in list(self._listening):
            if self._loop is not None:
                self._loop.remove_reader(self._sockets[ip].fileno())
        self._listening.clear()
        for transport in list(self._open):
            transport.abort()
        for sock in self._sockets.values():
            sock.close()
        self._sockets.clear()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.sleep(0)


# --- a fleet in a process of its own (benchmarks) ------------------------------------------------

MIX = (
    (Mode.HEALTHY, 0.86),
    (Mode.LOWHASH, 0.04),
    (Mode.ZERO, 0.02),
    (Mode.HOT, 0.02),
    (Mode.FLAPPING, 0.02),
    (Mode.OFFLINE, 0.03),
    (Mode.HUNG, 0.01),
)
WATTS_SHARE = 0.7  # the share of miners whose firmware reports watts


def mixed_modes(count: int, seed: int = 11) -> list[tuple[Mode, int | None]]:
    """A realistic fleet: mostly healthy, a few of each kind of trouble; 70 % report watts."""
    rng = random.Random(seed)
    modes = [mode for mode, share in MIX for _ in range(round(share * count))]
    modes = (modes + [Mode.HEALTHY] * count)[:count]
    rng.shuffle(modes)
    return [(m, 3340 if rng.random() < WATTS_SHARE else None) for m in modes]


async def _serve(count: int, seed: int) -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    fleet = FakeFleet(seed=None)
    listed = []
    for mode, watts in mixed_modes(count, seed):
        miner = await fleet.add(mode, watts=watts)
        listed.append([miner.ip, str(mode), watts])
    sys.stdout.write(json.dumps({"miners": listed}) + "\n")
    sys.stdout.flush()
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until the parent closes our stdin
    await fleet.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--miners", type=int, default=100)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    asyncio.run(_serve(args.miners, args.seed))


if __name__ == "__main__":
    main()
