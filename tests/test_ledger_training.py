"""The training ledger (spec/ledgers.md §training): months for planned sessions, held vs planned,
names resolved like the activities ledger, re-import and export → import unchanged, dry run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from presidium_app.domain.activities import Activity, Participation
from presidium_app.domain.audit import AuditEntry
from presidium_app.domain.enums import ActivityType, Attendance, DeputyStatus, TrainingForm
from presidium_app.domain.training import TrainingPlan, TrainingSession
from presidium_app.ledgers import training as ledger
from presidium_app.ledgers.common import ImportOutcome
from presidium_app.services import deputies, training
from presidium_app.services.activities import ParticipantInput, get_activity
from presidium_app.services.audit import Actor
from presidium_app.services.progress import Cancelled, Progress
from presidium_app.storage.database import Database
from tests.test_training import add_deputy, record

SPEC_HEADERS = ["年度*", "日期*", "主题*", "形式", "主讲人", "地点", "学时", "培训对象", "参训代表"]
TOWN_TITLE = "2026年度青山镇人大代表学习培训计划"


@pytest.fixture
def people(db: Database, actor: Actor) -> dict[str, Any]:
    """张三, 李四, two 王伟 (ids wang1, wang2 and their ID tails), and 赵六 who resigned in 2025."""
    found: dict[str, Any] = {}
    for seq, name in enumerate(("张三", "李四", "王伟", "王伟", "赵六")):
        mandate_id, deputy_id = add_deputy(db, actor, name, seq)
        key = name if name != "王伟" else f"wang{seq - 1}"
        found[key] = deputy_id
        found[f"{key}_tail"] = deputies.get_deputy(db, mandate_id).data.id_number[-4:]
        if name == "赵六":
            deputies.change_status(db, actor, mandate_id, DeputyStatus.RESIGNED,
                                   dt.date(2025, 6, 30), "辞职")
    return found


def write_book(path: Path, rows: list[list[object]], header: list[str] | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "培训台账"
    sheet.append(header or SPEC_HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def sheet_values(path: Path) -> list[tuple[object, ...]]:
    book = load_workbook(path)
    values = [tuple(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return values


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables a training import may touch, versions included."""
    with db.session() as session:
        return {
            model.__tablename__: [tuple(r) for r in session.execute(
                select(model.__table__).order_by(*model.__table__.primary_key)).all()]
            for model in (TrainingPlan, TrainingSession, Activity, Participation)
        }


def future_day() -> dt.date:
    return dt.date.today() + dt.timedelta(days=10)


def mistake_rows(p: dict[str, Any]) -> list[list[object]]:
    later = future_day()
    return [
        # 2: planned, a month only
        [2026, "2026-03", "宪法和代表法学习", "集中授课", "县人大常委会法工委负责同志", "镇政府三楼会议室", 3,
         "全体镇人大代表", None],
        # 3: held, a real Excel date; 王伟 told apart by his ID tail
        [2026, dt.datetime(2026, 4, 10), "代表建议撰写方法", "专题讲座", "县人大代表工委负责同志",
         "青山镇人大代表之家", 2, "全体镇人大代表", f"张三、李四、王伟({p['wang1_tail']})"],
        # 4: planned, a date in 年月日 and 学时 with its unit
        [2026, "2026年9月15日", "预算审查监督基础", None, None, None, "2学时", None, None],
        # 5: planned, a month in 年月
        ["2026年", "2026年10月", "代表述职评议要点", "集中授课", "镇人大副主席", None, None, None, None],
        # 6: an unknown name
        [2026, "2026-05-06", "乡村振兴政策解读", "专题讲座", None, None, 2, None, "张三、钱七"],
        # 7: 王伟 alone is ambiguous
        [2026, "2026-05-07", "生态环境保护法律法规", "专题讲座", None, None, 2, None, "李四、王伟"],
        # 8: attendance with only a month
        [2026, "2026-05", "安全生产知识", "专题讲座", None, None, 2, None, "张三"],
        # 9: a date outside the year
        [2026, "2025-12-30", "年度不符", None, None, None, None, None, None],
        # 10: an unknown form
        [2026, "2026-06", "代表履职与联系选民", "讲座会", None, None, None, None, None],
        # 11: no topic
        [2026, "2026-07", None, "自学", None, None, None, None, None],
        # 12: 赵六 had left before the day
        [2026, "2026-05-12", "外出考察学习", "外出考察", None, None, 8, None, "赵六"],
        # 13: the same session as row 3
        [2026, "2026-04-10", "代表建议撰写方法", "专题讲座", None, None, 2, None, "张三"],
        # 14: 学时 in words
        [2026, "2026-11", "民生实事项目票决制度", None, None, None, "三小时", None, None],
        # 15: attendance at a session still to come
        [later.year, later, "明天以后的培训", None, None, None, None, None, "张三"],
        # 16: held in 2025: its plan is created
        [2025, "2025-11-20", "年终学习", "视频学习", None, "代表之家", 1, None, "张三"],
        # 17: full-width digits, a full-width comma, 1.5 hours
        ["２０２６", "２０２６-０６-０１", "代表履职能力提升", "专题讲座", "县委党校教师", None, 1.5, None,
         f"李四，王伟（{p['wang2_tail']}）"],
    ]


VALID_ROWS = 6  # rows 2, 3, 4, 5, 16, 17


@pytest.fixture
def mistakes(tmp_path: Path, people: dict[str, Any]) -> Path:
    return write_book(tmp_path / "培训.xlsx", mistake_rows(people))


def test_every_mistake_is_named_with_row_column_and_reason(
        db: Database, actor: Actor, mistakes: Path) -> None:
    outcome = ledger.import_file(db, actor, mistakes)

    got = [(r.row, r.column) for r in outcome.rejections]
    assert got == [(6, "参训代表"), (7, "参训代表"), (8, "参训代表"), (9, "日期"), (10, "形式"),
                   (11, "主题"), (12, "参训代表"), (13, "主题"), (14, "学时"), (15, "日期")]
    reasons = {r.row: r.reason for r in outcome.rejections}
    assert "“钱七”不是名册中的代表" in reasons[6]
    assert "2位王伟" in reasons[7] and "王伟(后四位)" in reasons[7]
    assert reasons[8] == "填写了参训代表即为已举办的场次，日期须写举办当天，不能只写月份"
    assert reasons[9] == "日期不在2026年内（“年度”为2026）"
    assert reasons[10] == "未知的培训形式“讲座会”，应为集中授课、专题讲座、视频学习、外出考察、自学之一"
    assert reasons[11] == "请填写培训主题"
    assert reasons[12] == "“赵六”在2026-05-12不是在任代表"
    assert reasons[13] == "与第3行是同一场次（同一年度、日期和主题），重复填写；请删去其中一行"
    assert reasons[14] == "学时应为数字，如2或1.5，不能是“三小时”"
    assert reasons[15] == "举办日期晚于今天；尚未举办的场次请不要填写参训代表"
    assert (outcome.imported, outcome.created, outcome.updated, outcome.unchanged) == (
        VALID_ROWS, VALID_ROWS, 0, 0)
    assert outcome.notes == [f"新建2026年度学习培训计划“{TOWN_TITLE}”",
                             "新建2025年度学习培训计划“2025年度青山镇人大代表学习培训计划”"]


def test_held_rows_are_training_activities_and_planned_rows_are_not(
        db: Database, actor: Actor, mistakes: Path, people: dict[str, Any]) -> None:
    ledger.import_file(db, actor, mistakes)

    plan = training.get_plan(db, 2026)
    by_topic = {s.data.topic: s for s in plan.sessions}
    assert sorted(by_topic) == sorted(
        ["宪法和代表法学习", "代表建议撰写方法", "预算审查监督基础", "代表述职评议要点", "代表履职能力提升"])
    constitution = by_topic["宪法和代表法学习"]
    assert (constitution.held, constitution.data.planned_month, constitution.data.planned_date,
            constitution.data.hours, constitution.data.form) == (False, 3, None, 3.0, TrainingForm.LECTURE)
    budget = by_topic["预算审查监督基础"]
    assert (budget.data.planned_date, budget.data.hours, budget.data.form) == (
        dt.date(2026, 9, 15), 2.0, TrainingForm.LECTURE)  # a blank 形式 is 集中授课
    assert by_topic["代表述职评议要点"].data.planned_month == 10
    held = by_topic["代表建议撰写方法"]
    assert (held.held, held.held_on, held.held_place, held.present) == (
        True, dt.date(2026, 4, 10), "青山镇人大代表之家", 3)
    assert held.activity_id is not None
    activity = get_activity(db, held.activity_id).data
    assert (activity.type, activity.topic, activity.organiser) == (
        ActivityType.TRAINING, "代表建议撰写方法", "青山镇人大主席团")
    assert sorted(p.deputy_id for p in activity.participants) == sorted(
        [people["张三"], people["李四"], people["wang1"]])
    late = by_topic["代表履职能力提升"]
    assert (late.present, late.data.hours) == (2, 1.5)
    assert [s.data.topic for s in training.get_plan(db, 2025).sessions] == ["年终学习"]
    assert [r.name for r in training.untrained_this_term(db, dt.date(2026, 6, 2))] == []


def test_a_second_import_changes_nothing(db: Database, actor: Actor, mistakes: Path) -> None:
    first = ledger.import_file(db, actor, mistakes)
    before = snapshot(db)

    second = ledger.import_file(db, actor, mistakes)

    assert (second.imported, second.created, second.updated, second.unchanged) == (
        VALID_ROWS, 0, 0, VALID_ROWS)
    assert second.rejections == first.rejections and second.notes == []
    assert snapshot(db) == before


def test_the_import_is_one_audited_unit_and_a_dry_run_writes_nothing(
        db: Database, actor: Actor, mistakes: Path) -> None:
    before = snapshot(db)
    with db.session() as session:
        entries = session.scalar(select(func.count()).select_from(AuditEntry))
    dry = ledger.import_file(db, actor, mistakes, dry_run=True)
    assert snapshot(db) == before
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == entries

    real = ledger.import_file(db, actor, mistakes)

    assert dry == real
    with db.session() as session:
        new = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()[entries or 0:]
    assert [(e.action, e.success) for e in new] == [("ledger.import.training", True)]
    assert "新增6条" in new[0].summary and "拒绝10行" in new[0].summary


def test_a_cancelled_import_writes_nothing(db: Database, actor: Actor, tmp_path: Path) -> None:
    path = write_book(tmp_path / "多.xlsx", [
        [2026, f"2026-{n % 12 + 1:02d}", f"专题学习第{n}讲", None, None, None, 1, None, None]
        for n in range(60)])
    before = snapshot(db)

    def cancel_on_writing(done: int, total: int, text: str) -> None:
        if text.startswith("正在写入"):
            progress.cancel()

    progress = Progress(cancel_on_writing)
    with pytest.raises(Cancelled):
        ledger.import_file(db, actor, path, progress=progress)
    assert snapshot(db) == before  # cancelled while writing: rolled back


def test_an_export_imports_back_unchanged(
        db: Database, actor: Actor, mistakes: Path, people: dict[str, Any], tmp_path: Path) -> None:
    ledger.import_file(db, actor, mistakes)
    # recorded in the app: a session held with an excused and an absent deputy
    plan_id = training.get_plan(db, 2026).id
    session_id = training.add_session(db, actor, plan_id, training.SessionInput(
        planned_month=7, topic="宪法宣誓制度（第二讲）", form=TrainingForm.SELF_STUDY, hours=0.5))
    training.hold_session(db, actor, session_id, dt.date(2026, 7, 8), [
        ParticipantInput(people["wang1"]), ParticipantInput(people["wang2"], Attendance.EXCUSED),
        ParticipantInput(people["李四"], Attendance.ABSENT)])
    first, second = tmp_path / "1.xlsx", tmp_path / "2.xlsx"

    count = ledger.export_file(db, actor, first)

    values = sheet_values(first)
    assert count == VALID_ROWS + 1 and list(values[0]) == SPEC_HEADERS
    rows = {(r[0], r[2]): r for r in values[1:]}
    assert rows[(2026, "宪法和代表法学习")][1] == "2026-03"  # a month stays a month
    assert rows[(2026, "预算审查监督基础")][1] == dt.datetime(2026, 9, 15)
    assert rows[(2026, "代表建议撰写方法")][8] == f"李四、王伟({people['wang1_tail']})、张三"  # pinyin order
    # only who was present
    assert rows[(2026, "宪法宣誓制度（第二讲）")][8] == f"王伟({people['wang1_tail']})"
    assert rows[(2026, "宪法宣誓制度（第二讲）")][6] == 0.5
    assert [r[0] for r in values[1:]] == [2025] + [2026] * VALID_ROWS  # plans in year order
    before = snapshot(db)

    outcome = ledger.import_file(db, actor, first)

    assert outcome.rejections == [] and outcome.unknown_columns == [] and outcome.notes == []
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, VALID_ROWS + 1)
    assert snapshot(db) == before  # the excused and absent deputies are kept
    ledger.export_file(db, actor, second)
    assert sheet_values(second) == sheet_values(first)
    assert ledger.export_file(db, actor, tmp_path / "2025.xlsx", year=2025) == 1


def test_a_held_row_holds_the_session_planned_for_that_month(
        db: Database, actor: Actor, people: dict[str, Any], tmp_path: Path) -> None:
    plan = write_book(tmp_path / "计划.xlsx", [
        [2026, "2026-03", "宪法和代表法学习", "集中授课", None, "镇政府三楼会议室", 3, None, None]])
    ledger.import_file(db, actor, plan)
    held = write_book(tmp_path / "举办.xlsx", [
        [2026, "2026-03-05", "宪法和代表法学习", None, None, "代表之家", None, None, "张三"]])

    outcome = ledger.import_file(db, actor, held)

    assert (outcome.created, outcome.updated) == (0, 1)
    [session] = training.get_plan(db, 2026).sessions
    assert (session.held_on, session.held_place, session.data.place, session.data.hours) == (
        dt.date(2026, 3, 5), "代表之家", "镇政府三楼会议室", 3.0)  # the plan keeps its place and hours
    again = ledger.import_file(db, actor, plan)  # the original plan file, imported once more
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_a_training_already_recorded_as_an_activity_is_linked_not_doubled(
        db: Database, actor: Actor, people: dict[str, Any], tmp_path: Path) -> None:
    activity_id = record(db, actor, ActivityType.TRAINING, dt.date(2026, 6, 10),
                         {people["张三"]: Attendance.PRESENT, people["李四"]: Attendance.EXCUSED},
                         "安全知识培训")
    path = write_book(tmp_path / "t.xlsx", [
        [2026, "2026-06-10", "安全知识培训", "专题讲座", None, None, 2, None,
         f"张三、王伟({people['wang2_tail']})"]])

    outcome = ledger.import_file(db, actor, path)

    assert (outcome.created, outcome.rejections) == (1, [])
    [session] = training.get_plan(db, 2026).sessions
    assert session.activity_id == activity_id
    with db.session() as session_:
        assert session_.scalar(select(func.count()).select_from(Activity)) == 1
        attendance = {deputy_id: value for deputy_id, value in session_.execute(
            select(Participation.deputy_id, Participation.attendance)
            .where(Participation.activity_id == activity_id))}
    assert attendance == {people["张三"]: Attendance.PRESENT, people["李四"]: Attendance.EXCUSED,
                          people["wang2"]: Attendance.PRESENT}


def test_template_has_the_header_the_form_dropdown_and_notes(tmp_path: Path) -> None:
    target = tmp_path / "模板.xlsx"
    ledger.write_template(target)
    book = load_workbook(target)
    sheet = book.worksheets[0]
    assert book.sheetnames == ["学习培训", "填写说明"]
    assert [c.value for c in sheet[1]] == SPEC_HEADERS and sheet.max_row == 1
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists == {"D2:D1048576": '"集中授课,专题讲座,视频学习,外出考察,自学"'}
    notes = [v for r in book["填写说明"].iter_rows(values_only=True) for v in r if v]
    book.close()
    for header in SPEC_HEADERS:
        assert notes.count(header) == 2
    assert [c.title for c in ledger.COLUMNS] == SPEC_HEADERS
    assert (ledger.KIND, ledger.TITLE) == ("training", "学习培训")


def test_an_untouched_template_imports_nothing(db: Database, actor: Actor, tmp_path: Path) -> None:
    target = tmp_path / "模板.xlsx"
    ledger.write_template(target)
    assert ledger.import_file(db, actor, target) == ImportOutcome()


def test_unknown_columns_are_reported_and_aliases_understood(
        db: Database, actor: Actor, people: dict[str, Any], tmp_path: Path) -> None:
    path = write_book(tmp_path / "a.xlsx", [[1, 2026, "2026-04", "乡村振兴政策解读", "专题讲座", "备注"]],
                      header=["序号", "年度", "培训日期", "培训内容", "培训形式", "说明"])
    outcome = ledger.import_file(db, actor, path)
    assert outcome.unknown_columns == ["序号", "说明"] and outcome.created == 1
    assert outcome.rejections == []
    assert ledger.parse_when("2026年4月") == (None, 2026, 4)
    assert ledger.parse_when(dt.datetime(2026, 4, 3)) == (dt.date(2026, 4, 3), 2026, 4)
    assert ledger.parse_hours(" 2.5 学时") == 2.5 and ledger.parse_hours(None) is None
