"""Callback data of every button. Short prefixes and ids only: Telegram allows 64 bytes."""

from __future__ import annotations

from typing import Self

from aiogram.filters.callback_data import CallbackData
from pydantic import ConfigDict

UNPACKED_KEPT = 4096  # distinct data strings remembered (then forgotten all at once)


class Callback(CallbackData, prefix="_"):
    """The base of every button's data: immutable, so one unpacked value serves every filter.

    aiogram's filters unpack a tap's data once for each handler they try, and a tap on the
    client list is tried by a score of `ClientCb` handlers, each building the same model only to
    test its rule against it. Data of another class is refused on its prefix alone."""

    model_config = ConfigDict(frozen=True)

    @classmethod
    def unpack(cls, value: str) -> Self:
        if value.partition(cls.__separator__)[0] != cls.__prefix__:
            raise ValueError(f"{value!r} is not {cls.__name__} data")
        key = (cls, value)
        found = _unpacked.get(key)
        if found is None:
            found = super().unpack(value)
            if len(_unpacked) >= UNPACKED_KEPT:
                _unpacked.clear()
            _unpacked[key] = found
        return found  # type: ignore[return-value]


_unpacked: dict[tuple[type[Callback], str], Callback] = {}


class MenuCb(Callback, prefix="m"):
    area: str  # main | clients | staff | roles | settings


class StaffCb(Callback, prefix="st"):
    action: str  # list | card | roles | role | off | on | invite | inv_role | invites | revoke
    id: int = 0
    page: int = 0


class RoleCb(Callback, prefix="rl"):
    action: str  # list | card | flag | new | tpl
    id: int = 0
    flag: str = ""


class SettingsCb(Callback, prefix="se"):
    action: str  # show | lang | name | tz | cur | plan | cm
    value: str = ""


class LogCb(Callback, prefix="lg"):
    cat: str = ""  # an audit category; empty for all
    page: int = 0


class NoopCb(Callback, prefix="x"):
    """A button that only shows information (a page counter)."""


class ClientCb(Callback, prefix="cl"):
    action: str
    id: int = 0
    page: int = 0
    arg: str = ""


class TaskCb(Callback, prefix="tk"):
    """The Tasks area and task cards. `TaskCb(action="new", client=…)` or `(…, miner=…)`
    starts a new task for a client or for one miner."""

    action: str
    id: int = 0
    page: int = 0
    arg: str = ""
    client: int = 0
    miner: int = 0


class TaskFormCb(Callback, prefix="tf"):
    """A step of the new-task form; the answers so far are in the FSM data."""

    action: str
    value: str = ""


class TaskManagerCb(Callback, prefix="tm"):
    action: str
    id: int = 0
    value: str = ""


class AssetCb(Callback, prefix="as"):
    action: str
    id: int = 0
    client: int = 0
    page: int = 0
    arg: str = ""


class ExportCb(Callback, prefix="ex"):
    """The export form (chosen clients, period and data are in the FSM data) and the Exports
    list. `arg` carries a preset, a kind of data, a month (YYYYMM) or a day (YYYYMMDD)."""

    action: str
    id: int = 0
    page: int = 0
    arg: str = ""


class MinerCb(Callback, prefix="mn"):
    """The Miners area: list pages, filters, ticks, selections and mass actions (the filter and
    the selection are in the FSM data)."""

    action: str
    id: int = 0
    page: int = 0
    arg: str = ""


class ImportCb(Callback, prefix="mi"):
    """A miner import's preview; `key` is the import's id (16 hex digits), `n` a row of it."""

    action: str
    key: str = ""
    n: int = 0


class MinerCardCb(Callback, prefix="mc"):
    """A miner's card and its actions. `src` says where Back leads: "l" the Miners list, "c" the
    miners of client `ref` (page `page`), "t" the miners of task `ref`; "" the main menu."""

    action: str  # open | refresh | reboot | rbok | chart
    id: int
    src: str = ""
    ref: int = 0
    page: int = 0


class TelemetryCb(Callback, prefix="te"):
    """Telemetry: its facility settings, and a client's 24-hour fleet chart (`id`: the client)."""

    action: str  # settings | toggle | interval | lowhash | fleet
    id: int = 0
    value: str = ""


class BillCb(Callback, prefix="bl"):
    """The Billing area, bill cards and their forms, pricing (`id` 0: the facility's), and
    notices' actions; the list's filters and the forms' answers are in the FSM data."""

    action: str
    id: int = 0
    page: int = 0
    arg: str = ""


class WatcherCb(Callback, prefix="wl"):
    """Staff: a client's watcher link (`id`: the client) and Settings → Watcher links (`page`).
    `lang` and `days` (0: until revoked) carry the new link's choices; `src` "s" means Back leads
    to the Watcher links list."""

    action: str  # open | new | lang | make | revoke | revoke_ok | replace | replace_ok | list
    id: int = 0
    lang: str = ""
    days: int = 0
    page: int = 0
    src: str = ""


class WatchCb(Callback, prefix="wv"):
    """A watcher's view (no staff member): `link` the watcher link, `page` and `status` the
    miners list. Checked against the chat's binding to that link on every tap."""

    action: str  # view | refresh | chart | notify | alerts | daily
    link: int
    page: int = 0
    status: str = ""


class AlertCb(Callback, prefix="al"):
    """An alert's buttons (`ack`, `sz` with a preset, `task`, `miners`) and the Alerts area
    (`list`, filters `fc`/`fk`/`fs` with `value`, `page`); settings in AlertSetCb."""

    action: str
    id: int = 0
    value: str = ""
    page: int = 0


class AlertSetCb(Callback, prefix="at"):
    """Settings → Alerts: the member's (`show`, `kind`, `scope`, `unas`, `quiet`, `digest`,
    `dtime`) and the facility's rules (`rules`, `rule` with `field` and `value`)."""

    action: str
    field: str = ""
    value: str = ""
