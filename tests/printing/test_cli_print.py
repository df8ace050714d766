"""`presidium print` (spec/cli.md): --list, one document to a file, --all, and exit code 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from presidium_app.cli import main
from presidium_app.printing import registry
from presidium_app.storage.database import Database


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_prints_one_document_a_line_key_then_title(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "print", "--list")
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == list(registry.DOCUMENTS)
    for line, spec in zip(lines, registry.DOCUMENTS.values(), strict=True):
        assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)* \S+", line)  # deputy-board-a3
        assert line == f"{spec.key} {spec.title}"
    assert "binder" not in registry.DOCUMENTS or "binder" in out


def test_an_unknown_document_exits_2_with_one_chinese_line(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--data-dir", str(tmp_path), "print", "no-such-thing", "-o",
                         str(tmp_path / "x.pdf"))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "没有名为“no-such-thing”的文书" in err and "Traceback" not in err
    assert not (tmp_path / "x.pdf").exists()


def _args(db: Database) -> list[str]:
    return ["--data-dir", str(db.paths.root)]


def test_an_unknown_id_exits_2(demo_db: Database, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "x.pdf"
    code, _, err = run(capsys, *_args(demo_db), "print", "sign-in-sheet", "--id", "999999",
                       "-o", str(out_file))
    assert code == 2 and "没有编号为 999999 的活动" in err and not out_file.exists()
    code, _, err = run(capsys, *_args(demo_db), "print", "sign-in-sheet", "-o", str(out_file))
    assert code == 2 and "--id" in err


def test_a_document_is_written_whole_to_the_file(demo_db: Database, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    activity = registry.choices(demo_db, "activity-notice", 2026)[0][0]
    out_file = tmp_path / "通知.pdf"
    code, out, _ = run(capsys, *_args(demo_db), "print", "activity-notice", "--year", "2026",
                       "--id", str(activity), "-o", str(out_file))
    assert code == 0 and "已生成活动通知" in out
    assert len(PdfReader(out_file).pages) >= 1
    assert [p.name for p in tmp_path.iterdir()] == ["通知.pdf"]  # no temporary file left


def test_all_prints_every_object_of_the_year_into_one_pdf(demo_db: Database, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "培训签到表.pdf"
    code, out, _ = run(capsys, *_args(demo_db), "print", "training-sign-in-sheet", "--year", "2026", "--all",
                       "-o", str(out_file))
    sessions = registry.choices(demo_db, "training-sign-in-sheet", 2026)
    assert code == 0 and f"{len(sessions)}份" in out
    assert len(PdfReader(out_file).pages) >= len(sessions)


def test_a_year_document_needs_no_id(demo_db: Database, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "plan.pdf"
    args = [*_args(demo_db), "print", "training-plan", "-o", str(out_file), "--year"]
    code, _, _ = run(capsys, *args, "2026")
    assert code == 0 and out_file.read_bytes().startswith(b"%PDF")
    code, _, err = run(capsys, *args, "2019")
    assert code == 2 and "2019年度还没有学习培训计划" in err
