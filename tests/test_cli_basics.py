"""The command line's init, stats and check (spec/cli.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from presidium_app.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_then_stats_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "d")
    code, out, _ = run(capsys, "--data-dir", data, "init", "--township", "青山镇", "--county", "临川县")
    assert code == 0 and "临川县青山镇" in out
    code, out, _ = run(capsys, "--data-dir", data, "stats", "--year", "2026", "--json")
    figures = json.loads(out)
    assert code == 0 and figures["year"] == 2026
    assert figures["deputies"] == {
        "serving": 0,
        "by_level": {"township": 0, "county": 0, "city": 0, "province": 0, "national": 0},
    }
    code, out, _ = run(capsys, "--data-dir", data, "check")
    assert (code, out.strip().splitlines()[-1]) == (0, "检查完成：未发现问题")
    assert "操作日志：已校验 1 条记录，首尾相连、未被改动" in out


def test_init_needs_a_township_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--data-dir", str(tmp_path / "d"), "init")
    assert code == 1 and "--township" in err and "Traceback" not in err


def test_check_reports_a_damaged_file_without_touching_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "d"
    data.mkdir()
    (data / "presidium.db").write_bytes(b"garbage" * 500)
    code, out, _ = run(capsys, "--data-dir", str(data), "check")
    assert code == 4 and "[数据库]" in out
    assert (data / "presidium.db").read_bytes() == b"garbage" * 500


def test_check_reports_a_missing_photo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from presidium_app.services import deputies, township
    from presidium_app.services.audit import Actor
    from presidium_app.storage.opening import open_database
    from tests.helpers import deputy_input

    data = tmp_path / "d"
    db = open_database(data)
    actor = Actor("测试员")
    township.set_up_township(db, actor, "青山镇", "", 19, 2021, 2026)
    term = township.current_term(db)
    assert term is not None
    mandate = deputies.add_deputy(db, actor, deputy_input(term.id))
    photo = tmp_path / "p.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + b"1" * 50)
    stored = deputies.set_photo(db, actor, deputies.get_deputy(db, mandate).deputy_id, photo)
    db.dispose()
    (data / "photos" / stored).unlink()
    code, out, _ = run(capsys, "--data-dir", str(data), "check")
    assert code == 4 and "张三丰的照片文件" in out


def test_check_reports_a_search_index_out_of_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An item's row deleted from the index behind the triggers' back, as another program could."""
    import datetime as dt
    import sqlite3

    from presidium_app.domain.enums import Channel
    from presidium_app.services import mailbox, township
    from presidium_app.services.audit import Actor
    from presidium_app.services.mailbox import OpinionInput
    from presidium_app.storage.opening import open_database

    data = tmp_path / "d"
    db = open_database(data)
    actor = Actor("测试员")
    township.set_up_township(db, actor, "青山镇", "", 19, 2021, 2026)
    opinion_id = mailbox.register_opinion(db, actor, OpinionInput(
        received_on=dt.date(2026, 3, 2), channel=Channel.VISIT, content="希望安装路灯"))
    db.dispose()
    code, out, _ = run(capsys, "--data-dir", str(data), "check")
    assert code == 0, out
    with sqlite3.connect(data / "presidium.db") as connection:
        connection.execute("DELETE FROM opinion_search WHERE rowid = ?", (opinion_id,))
    connection.close()
    code, out, _ = run(capsys, "--data-dir", str(data), "check")
    assert code == 4 and "[社情民意] 搜索索引登记 0 件，社情民意实有 1 件" in out
