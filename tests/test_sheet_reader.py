"""The ledgers' sheet reader (`ledgers.common`) against openpyxl's own read-only sheet, value by
value, whatever the size of the pieces the sheet's XML is parsed in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from presidium_app.ledgers import common


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["编号", "内容", "日期", "数量", "比例", "是否", "时间"])
    text = "乡镇人大主席团组织代表开展视察调研活动，听取选民意见建议"
    for number in range(300):
        sheet.append([f"SQ{number:05d}", text * (number % 4),
                      dt.date(2024, 1, 1) + dt.timedelta(days=number), number, number / 7, number % 2 == 0,
                      dt.datetime(2024, 5, 1, 8, 30) + dt.timedelta(minutes=number)])
    sheet.append([])
    sheet["C305"] = "跳过一行之后"
    sheet["H306"] = CellRichText(["张", TextBlock(InlineFont(b=True), "三丰")])
    path = tmp_path_factory.mktemp("sheet") / "台账.xlsx"
    book.save(path)
    return path


def openpyxl_rows(path: Path) -> list[tuple[object, ...]]:
    book = load_workbook(path, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    sheet.reset_dimensions()  # type: ignore[union-attr]
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


@pytest.mark.parametrize("chunk", [7, 4096, 1 << 18])
def test_every_value_is_openpyxls_whatever_the_pieces(ledger: Path, chunk: int,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """7 bytes split tags, numbers and the three bytes of a Chinese character between pieces."""
    monkeypatch.setattr(common, "_SHEET_CHUNK", chunk)
    with ledger.open("rb") as handle:
        rows = common._read_first_sheet(handle)
    expected = openpyxl_rows(ledger)
    assert len(rows) == len(expected) == 306
    assert rows == expected
    assert rows[0][0] == "编号" and rows[304] == (None, None, "跳过一行之后") and rows[305][7] == "张三丰"
