"""Screenshots of every page and the main dialogs, made offscreen on a fresh demo township:

    python -m presidium_app.tools.screenshots OUTDIR

Used to look at the UI without a desktop (and to put current pictures in the docs). Nothing is
written outside a temporary data dir and OUTDIR.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from presidium_app.services.audit import Actor

WINDOW_SIZE = (1366, 800)
ACTOR = Actor("管理员")


def sample_workbook(path: Path, term_name: str) -> Path:
    """A small roster as staff send it: three good rows and two with typical mistakes."""
    from openpyxl import Workbook

    from presidium_app.domain.validators import id_check_digit

    def id_for(birth: dt.date, seq: int) -> str:
        first17 = f"361024{birth:%Y%m%d}{seq:03d}"
        return first17 + id_check_digit(first17)

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "性别", "民族", "出生日期", "公民身份号码", "手机号码", "代表层级",
                  "届次", "选区", "工作单位及职务"])
    sheet.append(["欧阳明远", "男", "汉族", "1968-04-12", id_for(dt.date(1968, 4, 12), 31),
                  "139 0794 2231", "乡镇", term_name, "第3选区", "青山镇农技站站长"])
    sheet.append(["邹慧敏", "女", "汉族", "1979/8/3", id_for(dt.date(1979, 8, 3), 42),
                  "13607941188", "县、乡镇", term_name, "第5选区", "青山镇中心小学校长"])
    wrong_id = id_for(dt.date(1972, 1, 9), 53)[:17] + "0"  # a typing slip in the last digit
    if wrong_id == id_for(dt.date(1972, 1, 9), 53):
        wrong_id = wrong_id[:17] + "1"
    sheet.append(["黄立新", "男", "汉族", "1972年1月9日", wrong_id, "13979412345",
                  "乡镇", term_name, "第2选区", "黄坑村村民委员会主任"])
    sheet.append(["吴海燕", "女", "汉族", "1985-02-30", "", "1380794", "乡镇", term_name,
                  "第4选区", "吴家村妇联主席"])
    sheet.append(["程国华", "男", "汉族", "1966-07-21", id_for(dt.date(1966, 7, 21), 55),
                  "15979401234", "乡镇", term_name, "第1选区", "程家村党支部书记"])
    book.save(path)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("用法：python -m presidium_app.tools.screenshots 输出目录", file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    outdir = Path(args[0]).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="presidium-shots-") as tmp:
        return _shoot_all(Path(tmp), outdir)


def _shoot_all(tmp: Path, outdir: Path) -> int:
    from PySide6.QtWidgets import QApplication, QWidget

    from presidium_app.domain.enums import DeputyStatus
    from presidium_app.ledgers import registry
    from presidium_app.services import township
    from presidium_app.services.demo import fill_demo
    from presidium_app.storage.opening import open_database
    from presidium_app.ui.application import ensure_application
    from presidium_app.ui.context import AppContext
    from presidium_app.ui.dialogs.deputy_dialog import DeputyDialog
    from presidium_app.ui.dialogs.first_run import FirstRunDialog
    from presidium_app.ui.dialogs.import_summary import ImportSummaryDialog
    from presidium_app.ui.dialogs.status_dialog import StatusDialog
    from presidium_app.ui.main_window import AREAS, MainWindow

    app = ensure_application()
    db = open_database(tmp / "data")
    ctx = AppContext(db, ACTOR)
    saved: list[Path] = []

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    def shoot(widget: QWidget, name: str) -> None:
        widget.show()
        settle()
        path = outdir / name
        widget.grab().save(str(path))
        saved.append(path)

    try:
        first_run = FirstRunDialog(ctx)
        first_run.name.setText("青山镇")
        first_run.county.setText("临川县")
        shoot(first_run, "14-初始设置.png")
        first_run.close()

        township.set_up_township(db, ACTOR, "青山镇", "临川县", 19, 2021, 2026)
        print(fill_demo(db, ACTOR, scale=1))

        window = MainWindow(ctx)
        window.resize(*WINDOW_SIZE)
        window.show()
        settle()
        for number, area in enumerate(AREAS, start=1):
            page = window.show_page(area.key)
            if area.key == "roster":
                page.select_id(page.model.id_at(2))
            if area.key == "audit":
                page.table.selectRow(0)
            settle()
            shoot(window, f"{number:02d}-{area.title}.png")

        roster = window.show_page("roster")
        mandate_id = roster.model.id_at(2)
        edit = DeputyDialog(ctx, mandate_id, window)
        shoot(edit, "11-修改代表.png")
        edit.close()

        wrong = DeputyDialog(ctx, None, window)
        wrong.name.setText("张三丰")
        wrong.id_number.setText("36102419700517131X")
        wrong.mobile.setText("1381234567")
        wrong.save()
        shoot(wrong, "12-代表信息有误.png")
        wrong.close()

        status = StatusDialog(ctx, mandate_id, window)
        status.set_values(DeputyStatus.TRANSFERRED, dt.date.today(), "工作调动，迁出本镇")
        shoot(status, "13-状态变动.png")
        status.close()

        term = township.current_term(db)
        workbook = sample_workbook(tmp / "青山镇代表名册.xlsx", term.name if term else "第十九届")
        outcome = registry.ledger("deputies").import_file(db, ACTOR, workbook, dry_run=True)
        summary = ImportSummaryDialog(ctx, outcome, workbook, window)
        summary.resize(720, 460)
        shoot(summary, "15-导入结果.png")
        summary.close()
        window.close()

        from presidium_app.app import database_error_text
        from presidium_app.storage.database import DatabaseError
        from presidium_app.ui.messages import warning_box

        broken = tmp / "broken"
        broken.mkdir()
        (broken / "presidium.db").write_bytes(b"not a database" * 100)
        try:
            open_database(broken).dispose()
        except DatabaseError as exc:
            text, advice = database_error_text(exc, str(broken))
            shoot(warning_box(None, "无法打开数据库", text, advice), "16-无法打开数据库.png")
    finally:
        db.dispose()
    for path in saved:
        print(path)
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
