"""Screenshots of every page and the main dialogs, made offscreen on a fresh demo township:

    python -m presidium_app.ui.screenshots OUTDIR

Used to look at the UI without a desktop (and to put current pictures in the docs). Nothing is
written outside a temporary data dir and OUTDIR.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

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


def _ensure_training_plan(db: Any) -> None:
    """The demo township's plan for this year (if the demo did not already make one)."""
    import random

    from presidium_app.services import training
    from presidium_app.services.demo_training import fill_training

    year = dt.date.today().year
    if training.find_plan(db, year) is None:
        fill_training(db, ACTOR, year, random.Random(20211116))


def _select_training_session(page: Any) -> None:
    """Select the first session not yet held, so the page shows its actions enabled."""
    waiting = [s for s in page.model.sessions() if not s.held]
    if waiting:
        page.select_session(waiting[0].id)


def _shoot_training_dialogs(ctx: Any, window: Any, shoot: Callable[[Any, str], None]) -> None:
    """学习培训: a new session with a mistake, a planned session being held, the plan's header."""
    from presidium_app.domain.enums import Attendance

    page = window.show_page("training")
    plan = page.plan
    if plan is None:
        return
    from presidium_app.ui.dialogs.hold_session_dialog import HoldSessionDialog
    from presidium_app.ui.dialogs.plan_dialog import PlanDialog
    from presidium_app.ui.dialogs.session_dialog import SessionDialog

    session = SessionDialog(ctx, plan.id, plan.year, None, window)
    session.speaker.setText("县人大常委会代表工作委员会负责同志")
    session.place.setText("镇人民政府三楼会议室")
    session.save()  # the topic left empty: its error shows under the field
    shoot(session, "31-培训场次有误.png")
    session.close()

    edit = PlanDialog(ctx, plan, None, window)
    shoot(edit, "32-修改培训计划.png")
    edit.close()

    waiting = [s for s in plan.sessions if not s.held]
    if waiting:
        hold = HoldSessionDialog(ctx, plan.year, waiting[0], window)
        people = hold.attendance.participants()
        for person in people[1:4]:
            hold.attendance.set_attendance(person.deputy_id, Attendance.EXCUSED)
        if len(people) > 5:
            hold.attendance.set_attendance(people[5].deputy_id, Attendance.ABSENT)
        hold.resize(900, 720)
        shoot(hold, "33-登记举办培训.png")
        hold.close()


def _shoot_archive_dialogs(ctx: Any, window: Any, shoot: Callable[[Any, str], None]) -> None:
    """履职档案 of the roster's third deputy (a year, then the whole term at its score and
    reminders), adding an honour, and the settings' rules and points."""
    from PySide6.QtWidgets import QScrollArea

    from presidium_app.services import archive, awards
    from presidium_app.ui.dialogs.archive_dialog import ArchiveDialog

    roster = window.show_page("roster")
    mandate_id = roster.model.id_at(2)
    if mandate_id is None:
        return
    deputy_id = archive.mandate_deputy(ctx.db, mandate_id)
    today = dt.date.today()
    awards.add_award(ctx.db, ACTOR, deputy_id, min(today, today.replace(month=1, day=10)),
                     "优秀人大代表", "临川县人大常委会")
    dialog = ArchiveDialog(ctx, deputy_id, window)
    shoot(dialog, "41-履职档案.png")
    dialog.set_period(None)
    dialog._show_part("awards")
    shoot(dialog, "42-履职档案（整届）.png")
    add = dialog.add_award()
    if add is not None:
        add.title.setText("履职积极分子")
        add.issuer.setText("青山镇人大主席团")
        shoot(add, "43-添加表彰奖励.png")
        add.close()
    dialog.close()

    page = window.show_page("settings")
    scroll = page.findChild(QScrollArea)
    if scroll is not None:
        scroll.verticalScrollBar().setValue(page.rules_box.y() - 16)
    shoot(window, "44-设置-履职要求与积分.png")
    if scroll is not None:
        scroll.verticalScrollBar().setValue(page.deadlines_box.y() - 16)
    shoot(window, "45-设置-办理期限与节假日.png")
    if scroll is not None:
        scroll.verticalScrollBar().setValue(0)
    units = page.open_units_dialog()
    shoot(units, "46-承办单位名录.png")
    units.reject()


def _activity_with_photos(ctx: Any, folder: Path) -> int | None:
    """The latest voter reception of the demo, given two photos and a document (the demo has no
    files), so the activities page and form show their thumbnails."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QLinearGradient, QPainter

    from presidium_app.domain.enums import ActivityType
    from presidium_app.services import activities, attachments

    ids = activities.search_ids(ctx.db, activities.ActivityQuery(type=ActivityType.VOTER_RECEPTION))
    if not ids:
        return None
    for top, bottom, caption in (("#8fb8e8", "#d9c9a3", "接待选民现场"),
                                 ("#f2e3c6", "#9c7b55", "代表听取意见")):
        image = QImage(800, 600, QImage.Format.Format_RGB32)
        painter = QPainter(image)
        gradient = QLinearGradient(0, 0, 0, 600)
        gradient.setColorAt(0, QColor(top))
        gradient.setColorAt(1, QColor(bottom))
        painter.fillRect(image.rect(), gradient)
        painter.setBrush(QColor("#7a4b2a"))
        painter.drawRect(QRect(120, 330, 560, 40))  # a table, and people around it
        for x in range(160, 680, 90):
            painter.setBrush(QColor("#2d3e50"))
            painter.drawEllipse(QRect(x, 250, 46, 46))
            painter.drawRect(QRect(x - 4, 296, 54, 40))
        font = QFont()
        font.setPixelSize(40)
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(QRect(0, 60, 800, 80), Qt.AlignmentFlag.AlignCenter, caption)
        painter.end()
        path = folder / f"{caption}.jpg"
        image.save(str(path))  # the format follows the .jpg suffix
        attachments.add_attachment(ctx.db, ACTOR, ids[0], path)
    minutes = folder / "接待选民记录.docx"
    minutes.write_bytes(b"PK\x03\x04 demo")
    attachments.add_attachment(ctx.db, ACTOR, ids[0], minutes)
    return ids[0]


def _shoot_activity_dialogs(ctx: Any, window: Any, shoot: Callable[[Any, str], None],
                            activity_id: int | None) -> None:
    """代表活动: the form of a voter reception with its photos, and a new activity saved with
    its topic left empty (the error shows under the field)."""
    from presidium_app.domain.enums import ActivityType, Attendance
    from presidium_app.ui.dialogs.activity_dialog import ActivityDialog

    if activity_id is not None:
        edit = ActivityDialog(ctx, activity_id, window)
        shoot(edit, "21-修改代表活动.png")
        edit.close()
    new = ActivityDialog(ctx, None, window)
    new.type.setCurrentIndex(new.type.findData(ActivityType.INSPECTION.value))
    new.place.setText("东山村集中供水站")
    groups = [new.attendance.group_combo.itemData(i)
              for i in range(1, new.attendance.group_combo.count())]
    if groups:
        new.attendance.invite_group(int(groups[0]))
    people = new.attendance.participants()
    if len(people) > 2:
        new.attendance.set_attendance(people[1].deputy_id, Attendance.EXCUSED)
    new.save()
    shoot(new, "22-新增代表活动有误.png")
    new.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("用法：python -m presidium_app.ui.screenshots 输出目录", file=sys.stderr)
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
    from presidium_app.ui.operations import wait_for_operations

    app = ensure_application()
    db = open_database(tmp / "data")
    ctx = AppContext(db, ACTOR)
    saved: list[Path] = []

    def settle() -> None:
        wait_for_operations()  # what a page reads on the worker thread (设置's fonts) is shown
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
        _ensure_training_plan(db)

        photographed = _activity_with_photos(ctx, tmp)

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
            if area.key == "training":
                _select_training_session(page)
            if area.key == "activities" and photographed is not None:
                page.select_id(photographed)
            if area.key == "mailbox":  # an overdue item, with its steps
                page.set_tab("overdue")
                page.select_id(page.model.id_at(0))
            if area.key == "suggestions":
                page.select_id(page.model.id_at(0))
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
        _shoot_training_dialogs(ctx, window, shoot)
        _shoot_archive_dialogs(ctx, window, shoot)
        _shoot_activity_dialogs(ctx, window, shoot, photographed)
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
        wait_for_operations()
        db.dispose()
    for path in saved:
        print(path)
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
