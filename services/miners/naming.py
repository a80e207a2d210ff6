"""How a miner is named to a person: by its serial number, else its MAC, else its IP.

One rule for every screen, log entry and file, so a miner reads the same everywhere.
"""

from __future__ import annotations


def miner_name(
    serial: str | None, mac: str | None, ip: str | None, miner_id: int | None = None
) -> str:
    """The serial number, else the MAC, else the IP; `#id` for a miner with none of them."""
    for value in (serial, mac, ip):
        if value:
            return value
    return f"#{miner_id}" if miner_id is not None else "—"
