"""The ledger commands of spec/cli.md: template, import (exit 0 / 3 / 2, report, dry run), export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from presidium_app.cli import main
from tests.helpers import make_id


def run(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    folder = tmp_path / "d"
    code, _, _ = run(capsys, folder, "init", "--township", "青山镇")
    assert code == 0
    return folder


def fill(template: Path, target: Path, rows: list[list[object]]) -> Path:
    """What staff do: open the template, type rows under the header, save under a new name."""
    book = load_workbook(template)
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    book.save(target)
    return target


def deputy_row(name: str, birth: dt.date, seq: int, mobile: str = "") -> list[object]:
    """A row in the template's column order (姓名 … 备注)."""
    return [name, None, "汉族", birth, make_id(birth, seq), "群众", "高中", "村委会主任", mobile,
            "乡镇", "第十九届", "第2选区", None, None, "2021-09-10", "在任", None, None]


@pytest.fixture
def template(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    target = tmp_path / "模板.xlsx"
    code, out, _ = run(capsys, data, "template", "deputies", "-o", str(target))
    assert code == 0 and "已生成模板" in out and target.exists()
    return target


def test_a_good_file_imports_with_exit_0(
        data: Path, template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = fill(template, tmp_path / "名册.xlsx", [
        deputy_row("张三丰", dt.date(1970, 5, 17), 131, "138 1234 5678"),
        deputy_row("李秀英", dt.date(1975, 3, 8), 242),
    ])
    code, out, err = run(capsys, data, "import", "deputies", str(good))
    assert (code, out.splitlines()[0], err) == (0, "导入 2 条，拒绝 0 条", "")
    assert not (tmp_path / "名册.errors.xlsx").exists()

    code, out, _ = run(capsys, data, "import", "deputies", str(good))  # again: nothing changes
    assert (code, out.splitlines()[0]) == (0, "导入 2 条，拒绝 0 条")

    exported = tmp_path / "导出.xlsx"
    code, out, _ = run(capsys, data, "export", "deputies", str(exported))
    assert (code, out.strip()) == (0, f"已导出 2 条：{exported}")
    code, out, _ = run(capsys, data, "export", "deputies", str(exported), "--year", "2019")
    assert (code, out.strip()) == (0, f"已导出 0 条：{exported}")


def test_rejections_give_exit_3_and_a_report_next_to_the_file(
        data: Path, template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wrong = deputy_row("赵敏", dt.date(1980, 1, 1), 244)
    good_id = str(wrong[4])
    wrong[1], wrong[4] = "女", good_id[:17] + ("0" if good_id[17] != "0" else "1")
    short_phone = deputy_row("吴军", dt.date(1977, 4, 4), 113, "1381234567")
    source = fill(template, tmp_path / "名册.xlsx", [
        deputy_row("张三丰", dt.date(1970, 5, 17), 131), wrong, short_phone])

    code, out, err = run(capsys, data, "import", "deputies", str(source))

    report = tmp_path / "名册.errors.xlsx"
    assert code == 3
    assert out.splitlines()[0] == "导入 1 条，拒绝 2 条"
    assert f"错误报告：{report}" in out
    assert "第3行 公民身份号码" in err and "第4行 手机号码：手机号码应为11位，实为10位" in err
    book = load_workbook(report)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert rows[0] == ("行号", "列", "原因")
    assert [r[:2] for r in rows[1:]] == [(3, "公民身份号码"), (4, "手机号码")]


def test_report_option_and_dry_run(
        data: Path, template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = fill(template, tmp_path / "名册.xlsx", [
        deputy_row("张三丰", dt.date(1970, 5, 17), 131),
        deputy_row("", dt.date(1975, 3, 8), 242)])
    report = tmp_path / "错误" / "报告.xlsx"

    code, out, _ = run(capsys, data, "import", "deputies", str(source), "--dry-run",
                       "--report", str(report))

    assert code == 3 and out.splitlines()[0] == "（试导入，未写入）导入 1 条，拒绝 1 条"
    assert report.exists()
    exported = tmp_path / "导出.xlsx"
    code, out, _ = run(capsys, data, "export", "deputies", str(exported))
    assert (code, out.strip()) == (0, f"已导出 0 条：{exported}")  # the dry run wrote nothing


@pytest.mark.parametrize("content", [b"", b"\xd0\xcf\x11\xe0" + b"\0" * 100, "姓名,性别\n".encode()])
def test_an_unreadable_file_gives_exit_2_and_one_line(
        data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes) -> None:
    source = tmp_path / "名册.xlsx"
    source.write_bytes(content)
    code, out, err = run(capsys, data, "import", "deputies", str(source))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("presidium：") and "名册.xlsx" in err


def test_a_missing_file_and_missing_columns_give_exit_2(
        data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, data, "import", "deputies", str(tmp_path / "无此文件.xlsx"))
    assert code == 2 and "文件不存在" in err and "无此文件.xlsx" in err
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["姓名", "性别"])
    book.save(tmp_path / "少列.xlsx")
    code, _, err = run(capsys, data, "import", "deputies", str(tmp_path / "少列.xlsx"))
    assert code == 2 and "缺少必填列：代表层级、届次" in err and len(err.strip().splitlines()) == 1
