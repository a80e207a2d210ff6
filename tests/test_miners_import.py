"""The import parser and planner on real files: encodings, delimiters, formulas, mess, bad files."""

from __future__ import annotations

import codecs
import io
import zipfile
from typing import Any

import pytest

from services.errors import Invalid
from services.miners import file_kind, spreadsheet
from services.miners.fields import classify_identifier, clean_mac, clean_text, template_headers
from services.miners.import_plan import (
    Existing,
    MinerIndex,
    MinerRow,
    make_plan,
    parse_file,
)
from tests.miner_files import HEADER, csv_bytes, with_cached_values, xlsx, zip_bomb

ROWS: list[list[Any]] = [
    HEADER,
    ["10.0.0.1", "AA:BB:CC:00:00:01", "JYZZ0001", "Antminer S19", "a@acme.com", 3250, "yes"],
    ["10.0.0.2", "aa-bb-cc-00-00-02", "JYZZ0002", "Antminer S21", "b@beta.io", "3500", "no"],
]


def reasons(parsed) -> list[tuple[int, str]]:
    return [(r.row, r.reason) for r in parsed.rejects]


def refused(data: bytes, name: str) -> str:
    with pytest.raises(Invalid) as error:
        parse_file(data, name)
    assert error.value.field == "file"
    return error.value.reason


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_in_each_encoding_and_delimiter(encoding: str, delimiter: str) -> None:
    rows = [
        ["IP", "Серийный номер", "Модель", "Email клиента", "Оплачен"],
        ["10.0.0.1", "jyzz0001", "Асик 3,5 кВт", "a@acme.com", "да"],
        ["10.0.0.2", "JYZZ0002", "S19; pro", "", "нет"],
    ]
    parsed = parse_file(csv_bytes(rows, encoding=encoding, delimiter=delimiter), "m.csv")
    assert parsed.kind == "csv" and parsed.rejects == []
    first, second = parsed.rows
    assert (first.serial, first.model, first.email, first.paid) == (
        "JYZZ0001",
        "Асик 3,5 кВт",
        "a@acme.com",
        True,
    )
    assert (second.model, second.email, second.paid) == ("S19; pro", None, False)


def test_utf16_tab_separated_and_excel_sep_line() -> None:
    text = "IP\tSerial\r\n10.0.0.1\tA1\r\n"
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    assert [r.serial for r in parse_file(data, "unicode.txt").rows] == ["A1"]
    parsed = parse_file(b"sep=;\r\nIP;Serial\r\n10.0.0.9;B2\r\n", "excel.csv")
    assert [(r.row, r.ip, r.serial) for r in parsed.rows] == [(3, "10.0.0.9", "B2")]


def test_xlsx_with_a_title_blank_rows_trailing_spaces_and_numbers_as_text() -> None:
    data = xlsx(
        [
            ["Miners of container 1"],
            [],
            ["  Nominal power (W) ", "SERIAL NUMBER", "ip", "notes", "Статус", "Paid"],
            ["3 250 W", 123456789012.0, " 10.0.0.1 ", "ignored", "Офлайн", True],
            [],
            [None, None, None, "only an unknown column: a blank row"],
            ["3500.0", " jyzz 7 ", "10.0.0.2\u00a0", None, " active ", "0"],
        ]
    )
    parsed = parse_file(data, "m.xlsx")
    assert parsed.columns == ("power", "serial", "ip", "status", "paid")
    assert parsed.rejects == []
    assert parsed.data_rows == 2
    assert [tuple(r) for r in parsed.rows] == [
        (4, "123456789012", None, "10.0.0.1", None, None, None, None, None, 3250, True, "offline"),
        (7, "JYZZ 7", None, "10.0.0.2", None, None, None, None, None, 3500, False, "active"),
    ]


def test_formulas_are_read_as_their_cached_values() -> None:
    data = xlsx(
        [
            ["Serial", "Model", "Nominal power (W)", "IP"],
            ["A1", '="S"&"19"', "=3000+250", "10.0.0.1"],
            ["A2", "=NA()", None, "10.0.0.2"],
        ]
    )
    cached = with_cached_values(data, {"B2": "S19", "C2": 3250, "B3": "#N/A"})
    parsed = parse_file(cached, "excel.xlsx")
    # An error result reads as an empty cell (see tests/test_miners_formats.py).
    assert [(r.serial, r.model, r.power) for r in parsed.rows] == [
        ("A1", "S19", 3250),
        ("A2", None, None),
    ]
    assert reasons(parsed) == []
    typed = parse_file(b"Serial,Model\r\nA3,#N/A\r\n", "typed.csv")
    assert reasons(typed) == [(2, "error-value")]
    # Without a cached value (a file openpyxl wrote and nothing recalculated) the cell is empty.
    plain = parse_file(data, "openpyxl.xlsx")
    assert [(r.model, r.power) for r in plain.rows[:1]] == [(None, None)]


def test_bad_values_duplicates_and_missing_identity_are_rejected_with_row_numbers() -> None:
    data = xlsx(
        [
            ["IP", "MAC", "Serial number", "Client email", "Nominal power (W)", "Paid", "Status"],
            ["10.0.0.300", "zz:zz", "S1", "not-an-email", "-5", "maybe", "broken"],
            ["10.0.0.2", "AA:BB:CC:00:00:02", "S2", "ok@x.io", 3000, "yes", None],
            ["10.0.0.3", "aa-bb-cc-00-00-02", "S3", None, None, None, None],
            ["10.0.0.4", None, " s2", None, None, None, None],
            [None, None, None, "c@x.io", 3000, None, None],
            ["10.0.0.5", None, None, None, None, None, None],
            ["10.0.0.5", None, None, None, None, None, None],
            ["10.0.0.6", "00:00:00:00:00:00", "S6", None, None, None, None],
            ["10.0.0.7", None, "S" * 65, None, None, None, None],
            ["10.0.0.8", None, "S8", None, 3000.5, None, None],
        ]
    )
    parsed = parse_file(data, "bad.xlsx")
    assert reasons(parsed) == [
        (2, "ip"),
        (2, "mac"),
        (2, "email"),
        (2, "power"),
        (2, "paid"),
        (2, "status"),
        (4, "dup-mac"),
        (5, "dup-serial"),
        (6, "no-id"),
        (8, "dup-ip"),
        (9, "mac"),
        (10, "too-long"),
        (11, "power"),
    ]
    assert [r.row for r in parsed.rows] == [3, 7]
    duplicate = next(r for r in parsed.rejects if r.reason == "dup-serial")
    assert (duplicate.value, duplicate.other) == ("S2", 3)
    assert parsed.rows[0].mac == "aa:bb:cc:00:00:02" and parsed.rows[0].email == "ok@x.io"
    assert parsed.data_rows == 10


def test_container_rack_and_place_make_the_location() -> None:
    parsed = parse_file(
        csv_bytes([["Serial", "Контейнер", "Стойка", "Место"], ["A", "C01", "R03", "P12"]]), "l.csv"
    )
    assert parsed.rows[0].location == "C01/R03/P12"


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"", "empty.csv", "empty"),
        (b"%PDF-1.4 not a table", "scan.pdf", "not-spreadsheet"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.csv", "not-spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "cut.xls", "corrupt"),
        (b"Model,Worker\r\nS19,w1\r\n", "no-id.csv", "no-id-column"),
        (b"just,some,words\r\n1,2,3\r\n", "no-header.csv", "no-header"),
        (b"this is not an xlsx", "fake.xlsx", "not-spreadsheet"),
    ],
)
def test_unusable_files_are_refused(data: bytes, name: str, reason: str) -> None:
    assert refused(data, name) == reason


def test_a_truncated_xlsx_is_corrupt_and_a_zip_without_a_workbook_is_not_a_spreadsheet() -> None:
    data = xlsx(ROWS)
    assert refused(data[: len(data) // 2], "cut.xlsx") == "corrupt"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert refused(out.getvalue(), "letter.xlsx") == "not-spreadsheet"
    # a damaged sheet inside an intact zip: the XML fails while rows are read
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            target.writestr(item, content)
    assert refused(broken.getvalue(), "broken.xlsx") == "corrupt"


def test_zip_bombs_are_refused_before_any_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = zip_bomb()
    assert len(bomb) < 100_000
    assert refused(bomb, "bomb.xlsx") == "zip-bomb"
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for n in range(spreadsheet.MAX_ZIP_ENTRIES):
            archive.writestr(f"x/{n}.xml", "")
    assert refused(many.getvalue(), "many.xlsx") == "zip-bomb"
    monkeypatch.setattr(file_kind, "MAX_UNPACKED_BYTES", 2_000)
    assert refused(xlsx(ROWS), "big.xlsx") == "zip-bomb"


def test_a_file_over_the_download_limit_is_refused_unread() -> None:
    assert refused(b"x" * (spreadsheet.MAX_FILE_BYTES + 1), "huge.csv") == "too-big"


def test_progress_is_reported_while_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("services.miners.import_plan.PROGRESS_EVERY", 2)
    rows = [["Serial"]] + [[f"S{n}"] for n in range(7)]
    seen: list[int] = []
    parse_file(xlsx(rows), "p.xlsx", seen.append)
    assert seen == [2, 4, 6]


def test_header_aliases_and_template_headers_round_trip() -> None:
    for lang in ("en", "ru"):
        parsed = parse_file(xlsx([template_headers(lang), ["10.0.0.1"]]), f"{lang}.xlsx")
        assert len(parsed.columns) == len(template_headers(lang))
    assert template_headers("ru")[:3] == ["IP-адрес", "MAC-адрес", "Серийный номер"]


def test_pasted_identifiers_are_classified() -> None:
    assert classify_identifier("A4-5E-60-C1-22-0F") == ("mac", "a4:5e:60:c1:22:0f")
    assert classify_identifier("a45e.60c1.220f") == ("mac", clean_mac("A45E60C1220F"))
    assert classify_identifier("10.0.0.1") == ("ip", "10.0.0.1")
    assert classify_identifier("jyzz123") == ("serial", "JYZZ123")


# --- planning ---------------------------------------------------------------------------------


def row(n: int, **values) -> MinerRow:
    fields = dict.fromkeys(MinerRow._fields[1:])
    fields.update(values)
    return MinerRow(n, **fields)


def miner(miner_id: int, **values) -> Existing:
    fields: dict[str, Any] = dict.fromkeys(Existing._fields[1:])
    fields.update({"paid": True, "status": "unknown", **values})
    return Existing(miner_id, **fields)


def test_plan_matches_by_serial_then_mac_then_ip() -> None:
    index = MinerIndex.of(
        [
            miner(1, serial="S1", ip="10.0.0.1", client_id=7),
            miner(2, mac="aa:bb:cc:00:00:02"),
            miner(3, ip="10.0.0.3"),
            miner(4, serial="S4", ip="10.0.0.4"),
        ]
    )
    plan = make_plan(
        [
            row(2, serial="S1", model="S19"),  # serial → 1, updated
            row(3, mac="aa:bb:cc:00:00:02", serial="NEW2"),  # MAC → 2, gets its serial
            row(4, ip="10.0.0.3", serial="S3"),  # IP → 3 (no serial stored): the same miner
            row(5, ip="10.0.0.4", serial="OTHER"),  # IP of 4, whose serial differs: a new miner
            row(6, serial="S9", ip="10.0.0.9"),  # unknown: new
        ],
        index,
        {},
    )
    updates, inserts = plan.update_values(), plan.insert_values()
    assert [u["id"] for u in updates] == [1, 2, 3]
    assert updates[1]["serial"] == "NEW2" and updates[2]["serial"] == "S3"
    assert [i["serial"] for i in inserts] == ["OTHER", "S9"]
    assert inserts[0]["status"] == "unknown" and inserts[0]["paid"] is True
    assert updates[0]["client_id"] == 7  # no email given: the client stays
    assert updates[0]["model"] == "S19" and updates[0]["ip"] == "10.0.0.1"


def test_plan_unchanged_conflicts_ambiguity_and_the_same_miner_twice() -> None:
    index = MinerIndex.of(
        [
            miner(1, serial="S1", mac="aa:bb:cc:00:00:01", model="S19"),
            miner(2, serial="S2", mac="aa:bb:cc:00:00:02"),
            miner(3, ip="10.0.0.3"),
            miner(4, ip="10.0.0.3"),
        ]
    )
    plan = make_plan(
        [
            row(2, serial="S1", model="S19"),
            row(3, serial="S2", mac="aa:bb:cc:00:00:01"),
            row(4, ip="10.0.0.3"),
            row(5, mac="aa:bb:cc:00:00:01", model="S21"),
        ],
        index,
        {},
    )
    assert plan.unchanged == 1 and not plan.updates and not plan.inserts
    assert [(r.row, r.reason, r.other) for r in plan.rejects] == [
        (3, "conflict", None),
        (4, "ip-ambiguous", None),
        (5, "same-miner", 2),
    ]


def test_plan_clients_gained_lost_and_unknown_emails() -> None:
    index = MinerIndex.of(
        [miner(1, serial="S1", client_id=10), miner(2, serial="S2", client_id=10)]
    )
    plan = make_plan(
        [
            row(2, serial="S1", email="new@owner.io"),
            row(3, serial="S2", email="nobody@x.io"),
            row(4, serial="S3", email="new@owner.io"),
            row(5, serial="S4", email="nobody@x.io"),
        ],
        index,
        {"new@owner.io": 20},
    )
    assert plan.gained == {20: 2} and plan.lost == {10: 2} and plan.moved == 2
    assert plan.unknown_emails == {"nobody@x.io": 2} and plan.without_client == 2
    assert [u["client_id"] for u in plan.update_values()] == [20, None]
    assert [i["client_id"] for i in plan.insert_values()] == [20, None]


def test_control_characters_in_text_become_spaces() -> None:
    """A NUL from a broken CSV would be refused by PostgreSQL; it never reaches the database."""
    assert clean_text("worker", "rig\x00 01\t\x7f") == "rig 01"
