"""The activities ledger (spec/ledgers.md §activities): names resolved against the roster (王伟 twice
in it), rejections by row, re-import, export → import round trip, template, and the commands."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from presidium_app import cli
from presidium_app.domain.activities import Activity, Participation
from presidium_app.domain.audit import AuditEntry
from presidium_app.domain.enums import ActivityType, Attendance
from presidium_app.ledgers import activities as ledger
from presidium_app.ledgers import registry
from presidium_app.ledgers.common import ImportOutcome, LedgerUnreadable, Rejection
from presidium_app.services import activities, deputies, township
from presidium_app.services.activities import ActivityInput, ParticipantInput
from presidium_app.services.audit import Actor
from presidium_app.services.progress import Cancelled, Progress
from presidium_app.storage.database import Database
from presidium_app.storage.opening import open_database
from tests.helpers import deputy_input, make_id

SPEC_HEADERS = ["活动日期*", "活动类型*", "主题*", "地点", "组织单位", "参加代表", "请假代表", "缺席代表",
                "内容摘要", "意见建议"]
P, E, A = Attendance.PRESENT, Attendance.EXCUSED, Attendance.ABSENT


def id_ending(tail: str, seq: int) -> str:
    """An ID number whose last four characters are `tail` (the sequence gives the first three)."""
    birth = dt.date(1975, 1, 1)
    while not (number := make_id(birth, seq)).endswith(tail):
        birth += dt.timedelta(days=1)
    return number


WANG_1234 = id_ending("1234", 123)
WANG_OTHER = make_id(dt.date(1968, 11, 2), 153)


def add_roster(db: Database, actor: Actor) -> dict[str, int]:
    """张三丰, 李秀英, 赵敏, and two persons called 王伟; keys are what a ledger writes."""
    term = township.current_term(db)
    assert term is not None
    people = {"张三丰": make_id(dt.date(1970, 5, 17), 131), "李秀英": make_id(dt.date(1975, 3, 8), 242),
              "赵敏": make_id(dt.date(1980, 1, 1), 244), "王伟(1234)": WANG_1234,
              f"王伟({WANG_OTHER[-4:]})": WANG_OTHER}
    ids = {}
    for number, (key, id_number) in enumerate(people.items()):
        name = key.split("(")[0]
        birth = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
        mandate = deputies.add_deputy(db, actor, deputy_input(  # sex from the ID number
            term.id, name, birth_date=birth, id_number=id_number, mobile=f"1390000000{number}",
            gender=None))
        ids[key] = deputies.get_deputy(db, mandate).deputy_id
    return ids


@pytest.fixture
def roster(db: Database, actor: Actor) -> dict[str, int]:
    return add_roster(db, actor)


def write_book(path: Path, header: list[object], rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "活动"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


HEADER: list[object] = ["活动日期", "活动类型", "主题", "地点", "组织单位", "参加代表", "请假代表",
                        "缺席代表", "内容摘要", "意见建议"]


def line(date: object, kind: object, topic: object, present: object = None, excused: object = None,
         absent: object = None, place: object = "东山村", summary: object = None) -> list[object]:
    return [date, kind, topic, place, "青山镇人大主席团", present, excused, absent, summary, None]


def mixed_rows() -> list[list[object]]:
    """Sheet rows 2…: the comment says what each row tests."""
    return [
        # 2: valid; an Excel date, names with 、 and a full-width comma, 王伟 told apart by (1234)
        line(dt.datetime(2025, 4, 10), "视察", "视察农村饮水安全工程", "张三丰、李秀英，王伟(1234)",
             "赵敏", summary="实地察看了水厂。"),
        # 3: valid; full-width brackets and digits, a 年月日 date, a blank absent list
        line("2025年5月6日", "执法检查", "食品安全法执法检查", "王伟（１２３４）", "张三丰"),
        # 4: an unknown name
        line("2025-06-01", "专题调研", "河长制落实情况调研", "张三丰、李四"),
        # 5: an ambiguous name: two 王伟 in the roster
        line("2025-06-02", "视察", "视察乡村道路", "王伟、赵敏"),
        # 6: the same deputy in two lists
        line("2025-06-03", "视察", "视察养老服务中心", "张三丰、赵敏", "赵敏"),
        # 7: an unknown type and no date
        line(None, "座谈会", "座谈"),
        # 8: a tail no 王伟 has
        line("2025-06-04", "视察", "视察秸秆禁烧", "王伟(9999)"),
        # 9: the same activity as row 2
        line("2025/4/10", "视察", "视察农村饮水安全工程", "张三丰"),
        # 10: no topic, and a name twice in one list
        line("2025-06-05", "代表小组活动", None, "李秀英、李秀英"),
        # 11: valid; nobody named (an activity recorded before its attendance)
        line("2025-06-06", "学习培训", "代表履职培训"),
    ]


def expected_rejections() -> list[Rejection]:
    other = WANG_OTHER[-4:]
    return [
        Rejection(4, "参加代表", "“李四”不是名册中的代表，请核对姓名（或先录入代表名册）"),
        Rejection(5, "参加代表", "名册中有2位王伟，请在姓名后加身份证号后四位以区分，写成“王伟(后四位)”，"
                             f"如：王伟(1234)、王伟({other})"),
        Rejection(6, "请假代表", "赵敏已填在“参加代表”中，同一代表只能填在一列"),
        Rejection(7, "活动日期", "请填写活动日期"),
        Rejection(7, "活动类型", "未知的活动类型“座谈会”，应为视察、执法检查、专题调研、专题询问、列席会议、"
                             "人代会、接待选民、代表述职、代表小组活动、学习培训、民生实事票决、其他之一"),
        Rejection(8, "参加代表", "名册中没有身份证号后四位为9999的王伟，请核对"),
        Rejection(9, "主题",
                  "与第2行是同一活动（日期、类型和主题都相同），重复填写；请删去其中一行或合并为一行"),
        Rejection(10, "主题", "请填写活动主题"),
        Rejection(10, "参加代表", "李秀英在本列中填写了两次"),
    ]


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    return write_book(tmp_path / "活动台账.xlsx", HEADER, mixed_rows())


def tables(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the activity tables, versions included."""
    with db.session() as session:
        return {
            "activity": [tuple(r) for r in session.execute(
                select(Activity.__table__).order_by(Activity.id)).all()],
            "participation": [tuple(r) for r in session.execute(
                select(Participation.__table__).order_by(Participation.activity_id,
                                                         Participation.deputy_id)).all()],
        }


def find(db: Database, topic: str) -> activities.ActivityRecord:
    with db.session() as session:
        activity_id = session.scalar(select(Activity.id).where(Activity.topic == topic))
    assert activity_id is not None
    return activities.get_activity(db, activity_id)


def marks(record: activities.ActivityRecord) -> dict[int, Attendance]:
    return {p.deputy_id: p.attendance for p in record.data.participants}


def sheet_values(path: Path) -> list[tuple[object, ...]]:
    book = load_workbook(path)
    values = [tuple(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return values


# --- import -------------------------------------------------------------------------------------


def test_unknown_and_ambiguous_names_reject_their_rows(
        db: Database, actor: Actor, roster: dict[str, int], mixed: Path) -> None:
    outcome = ledger.import_file(db, actor, mixed)

    assert outcome.rejections == expected_rejections()
    assert outcome.rejected_rows == 7
    assert (outcome.imported, outcome.created, outcome.updated, outcome.unchanged) == (3, 3, 0, 0)
    assert outcome.unknown_columns == [] and outcome.notes == []
    with db.session() as session:
        topics = sorted(session.scalars(select(Activity.topic)))
    assert topics == sorted(["视察农村饮水安全工程", "食品安全法执法检查", "代表履职培训"])


def test_names_resolve_to_the_right_deputies(
        db: Database, actor: Actor, roster: dict[str, int], mixed: Path) -> None:
    ledger.import_file(db, actor, mixed)

    water = find(db, "视察农村饮水安全工程")
    assert (water.data.type, water.data.activity_date, water.data.place, water.data.organiser) == (
        ActivityType.INSPECTION, dt.date(2025, 4, 10), "东山村", "青山镇人大主席团")
    assert water.data.summary == "实地察看了水厂。"
    assert marks(water) == {roster["张三丰"]: P, roster["李秀英"]: P, roster["王伟(1234)"]: P,
                            roster["赵敏"]: E}
    food = find(db, "食品安全法执法检查")
    assert food.data.activity_date == dt.date(2025, 5, 6)
    assert marks(food) == {roster["王伟(1234)"]: P, roster["张三丰"]: E}
    assert marks(find(db, "代表履职培训")) == {}


def test_a_second_import_changes_nothing(
        db: Database, actor: Actor, roster: dict[str, int], mixed: Path) -> None:
    first = ledger.import_file(db, actor, mixed)
    before = tables(db)

    second = ledger.import_file(db, actor, mixed)

    assert (second.imported, second.created, second.updated, second.unchanged) == (3, 0, 0, 3)
    assert second.rejections == first.rejections
    assert tables(db) == before  # no new rows, no version bumped


def test_a_changed_file_updates_and_its_attendance_replaces(
        db: Database, actor: Actor, roster: dict[str, int], tmp_path: Path) -> None:
    original = write_book(tmp_path / "a.xlsx", HEADER, [
        line("2025-04-10", "视察", "视察农村饮水安全工程", "张三丰、李秀英", "赵敏")])
    ledger.import_file(db, actor, original)
    record = find(db, "视察农村饮水安全工程")
    activities.update_activity(db, actor, record.id, replace(
        record.data, follow_up="已交镇政府办理",
        participants=[ParticipantInput(roster["张三丰"], P, spoke=True),
                      ParticipantInput(roster["李秀英"], P), ParticipantInput(roster["赵敏"], E)]))
    changed = write_book(tmp_path / "b.xlsx", HEADER, [
        line("2025-04-10", "视察", "视察农村饮水安全工程", "张三丰、赵敏", None, "李秀英",
             place="东山村水厂")])

    outcome = ledger.import_file(db, actor, changed)

    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 0)
    after = find(db, "视察农村饮水安全工程")
    assert after.version == record.version + 2
    assert marks(after) == {roster["张三丰"]: P, roster["赵敏"]: P, roster["李秀英"]: A}
    assert after.data.place == "东山村水厂"
    assert after.data.follow_up == "已交镇政府办理"  # no column for it: kept
    assert [p.spoke for p in after.data.participants if p.deputy_id == roster["张三丰"]] == [True]


def test_absent_columns_keep_what_is_on_record(
        db: Database, actor: Actor, roster: dict[str, int], mixed: Path, tmp_path: Path) -> None:
    ledger.import_file(db, actor, mixed)
    before = tables(db)
    short = write_book(tmp_path / "short.xlsx", ["活动日期", "活动类型", "主题", "参加代表"], [
        ["2025-04-10", "视察", "视察农村饮水安全工程", "张三丰、李秀英、王伟(1234)"]])

    outcome = ledger.import_file(db, actor, short)

    assert (outcome.rejections, outcome.unchanged) == ([], 1)
    assert tables(db) == before  # 请假代表 absent from the file: 赵敏 stays excused


def test_the_import_is_one_audited_unit(
        db: Database, actor: Actor, roster: dict[str, int], mixed: Path) -> None:
    ledger.import_file(db, actor, mixed)
    with db.session() as session:
        entries = list(session.scalars(select(AuditEntry).where(AuditEntry.object_type == "activity")))
    assert [(e.action, e.success) for e in entries] == [("ledger.import.activities", True)]
    assert "新增3条" in entries[0].summary and "拒绝7行" in entries[0].summary


def test_dry_run_writes_nothing_and_tells_what_the_import_would_do(
        db: Database, actor: Actor, roster: dict[str, int], mixed: Path) -> None:
    before = tables(db)
    dry = ledger.import_file(db, actor, mixed, dry_run=True)
    assert tables(db) == before
    assert dry == ledger.import_file(db, actor, mixed)


def test_cancel_writes_nothing(db: Database, actor: Actor, roster: dict[str, int], tmp_path: Path) -> None:
    rows = [line(dt.date(2025, 1, 1) + dt.timedelta(days=i), "视察", f"视察{i}", "张三丰")
            for i in range(120)]
    path = write_book(tmp_path / "many.xlsx", HEADER, rows)
    seen: list[tuple[int, int, str]] = []

    def report(done: int, total: int, text: str) -> None:
        seen.append((done, total, text))
        if text.startswith("正在写入"):
            progress.cancel()

    progress = Progress(report)
    with pytest.raises(Cancelled):
        ledger.import_file(db, actor, path, progress=progress)
    assert tables(db) == {"activity": [], "participation": []}
    assert [c[0] for c in seen if c[2].startswith("正在校验第")] == [50, 100, 120]


def test_missing_required_columns_are_named(db: Database, actor: Actor, tmp_path: Path) -> None:
    path = write_book(tmp_path / "a.xlsx", ["日期", "主题"], [["2025-01-01", "x"]])
    with pytest.raises(LedgerUnreadable) as caught:
        ledger.import_file(db, actor, path)
    assert "缺少必填列：活动类型" in caught.value.message and caught.value.exit_code == 2


# --- export and the round trip --------------------------------------------------------------------


def test_an_export_imports_back_unchanged(
        db: Database, actor: Actor, roster: dict[str, int], mixed: Path, tmp_path: Path) -> None:
    ledger.import_file(db, actor, mixed)
    activities.add_activity(db, actor, ActivityInput(  # typed in the form, with every list
        type=ActivityType.CONGRESS_SESSION, activity_date=dt.date(2025, 2, 20),
        topic="青山镇第十九届人民代表大会第八次会议", summary="第一行\n第二行",
        opinions_raised="1. 建议一\n2. 建议二",
        participants=[ParticipantInput(roster["王伟(1234)"], P),
                      ParticipantInput(roster[f"王伟({WANG_OTHER[-4:]})"], A),
                      ParticipantInput(roster["张三丰"], E), ParticipantInput(roster["赵敏"], P)]))
    first, second = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    assert ledger.export_file(db, actor, first) == 4
    before = tables(db)

    outcome = ledger.import_file(db, actor, first)

    assert outcome.rejections == [] and outcome.unknown_columns == []
    assert (outcome.imported, outcome.created, outcome.updated, outcome.unchanged) == (4, 0, 0, 4)
    assert tables(db) == before
    ledger.export_file(db, actor, second)
    assert sheet_values(second) == sheet_values(first)


def test_export_writes_the_spec_columns_and_tails_only_where_needed(
        db: Database, actor: Actor, roster: dict[str, int], mixed: Path, tmp_path: Path) -> None:
    ledger.import_file(db, actor, mixed)
    target = tmp_path / "out" / "活动.xlsx"
    ledger.export_file(db, actor, target)

    book = load_workbook(target)
    sheet = book.worksheets[0]
    assert sheet.title == "代表活动" and sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == SPEC_HEADERS
    assert sheet["A2"].number_format == "yyyy-mm-dd"
    book.close()
    values = sheet_values(target)
    assert values[1] == (dt.datetime(2025, 4, 10), "视察", "视察农村饮水安全工程", "东山村",
                         "青山镇人大主席团", "李秀英、王伟(1234)、张三丰", "赵敏", None,
                         "实地察看了水厂。", None)
    assert [v[0] for v in values[1:]] == [dt.datetime(2025, 4, 10), dt.datetime(2025, 5, 6),
                                          dt.datetime(2025, 6, 6)]  # oldest first


def test_export_of_a_year(db: Database, actor: Actor, roster: dict[str, int], tmp_path: Path) -> None:
    for year in (2024, 2025, 2025):
        activities.add_activity(db, actor, ActivityInput(
            type=ActivityType.INSPECTION, activity_date=dt.date(year, 3, 1),
            topic=f"视察{year}-{activities.count(db, activities.ActivityQuery())}"))
    assert ledger.export_file(db, actor, tmp_path / "a.xlsx", year=2025) == 2
    assert ledger.export_file(db, actor, tmp_path / "b.xlsx", year=2024) == 1
    assert ledger.export_file(db, actor, tmp_path / "c.xlsx", year=2019) == 0
    assert ledger.export_file(db, actor, tmp_path / "d.xlsx") == 3


def test_the_demo_year_round_trips(db: Database, actor: Actor, tmp_path: Path) -> None:
    from presidium_app.services.demo import fill_demo

    fill_demo(db, actor)
    exported = tmp_path / "demo.xlsx"
    count = ledger.export_file(db, actor, exported)
    before = tables(db)
    outcome = ledger.import_file(db, actor, exported)
    assert outcome.rejections == [] and outcome.unchanged == count > 100
    assert tables(db) == before
    names = " ".join(str(v[5]) for v in sheet_values(exported)[1:])
    assert "王伟(" in names  # the demo roster has two 王伟


# --- template and registry --------------------------------------------------------------------------


def test_template_has_the_header_the_type_list_and_notes(
        db: Database, actor: Actor, tmp_path: Path) -> None:
    target = tmp_path / "模板.xlsx"
    registry.ledger("activities").write_template(target)

    book = load_workbook(target)
    sheet = book.worksheets[0]
    assert book.sheetnames == ["代表活动", "填写说明"]
    assert [c.value for c in sheet[1]] == SPEC_HEADERS and sheet.max_row == 1
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists == {"B2:B1048576": '"' + ",".join(ActivityType.labels()) + '"'}
    assert sheet.column_dimensions["A"].number_format == "yyyy-mm-dd"
    notes = [v for r in book["填写说明"].iter_rows(values_only=True) for v in r if v]
    book.close()
    for header in SPEC_HEADERS:
        assert notes.count(header) == 2
    assert any("王伟(1234)" in str(n) for n in notes)
    assert ledger.import_file(db, actor, target) == ImportOutcome()


def test_the_ledger_is_registered() -> None:
    assert registry.KINDS["activities"] == "代表活动" and registry.title("activities") == "代表活动"
    assert [c.title for c in ledger.COLUMNS] == SPEC_HEADERS
    assert "activities" in cli.LEDGER_KINDS


# --- the commands ---------------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    code = cli.main(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    folder = tmp_path / "d"
    assert run(capsys, folder, "init", "--township", "青山镇")[0] == 0
    db = open_database(folder)
    try:
        add_roster(db, Actor("测试员"))
    finally:
        db.dispose()
    return folder


def test_cli_import_and_export(
        data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = tmp_path / "模板.xlsx"
    code, out, _ = run(capsys, data, "template", "activities", "-o", str(template))
    assert code == 0 and "已生成模板" in out
    book = load_workbook(template)
    book.worksheets[0].append(line("2025-04-10", "视察", "视察农村饮水安全工程", "张三丰、王伟(1234)"))
    book.worksheets[0].append(line("2024-09-09", "专题调研", "河长制落实情况调研", "李秀英", "赵敏"))
    good = tmp_path / "活动.xlsx"
    book.save(good)

    code, out, err = run(capsys, data, "import", "activities", str(good))
    assert (code, out.splitlines()[0], err) == (0, "导入 2 条，拒绝 0 条", "")
    code, out, _ = run(capsys, data, "import", "activities", str(good))
    assert (code, out.splitlines()[0]) == (0, "导入 2 条，拒绝 0 条")

    exported = tmp_path / "导出.xlsx"
    code, out, _ = run(capsys, data, "export", "activities", str(exported), "--year", "2025")
    assert (code, out.strip()) == (0, f"已导出 1 条：{exported}")
    assert [v[2] for v in sheet_values(exported)[1:]] == ["视察农村饮水安全工程"]
    code, out, _ = run(capsys, data, "export", "activities", str(exported))
    assert (code, out.strip()) == (0, f"已导出 2 条：{exported}")


def test_cli_rejections_give_exit_3_and_a_report(
        data: Path, mixed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, data, "import", "activities", str(mixed), "--dry-run")
    assert code == 3 and out.startswith("（试导入，未写入）导入 3 条，拒绝 7 条")
    code, out, err = run(capsys, data, "import", "activities", str(mixed))
    report = mixed.with_name("活动台账.errors.xlsx")
    assert code == 3 and out.splitlines()[0] == "导入 3 条，拒绝 7 条" and f"错误报告：{report}" in out
    assert "第5行 参加代表：名册中有2位王伟" in err
    values = sheet_values(report)
    assert values[0] == ("行号", "列", "原因")
    assert [Rejection(int(str(r[0])), str(r[1]), str(r[2])) for r in values[1:]] == expected_rejections()


def test_cli_unreadable_file_gives_exit_2(
        data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "活动.xlsx"
    bad.write_text("活动日期,活动类型\n", encoding="utf-8")
    code, _, err = run(capsys, data, "import", "activities", str(bad))
    assert code == 2 and "活动.xlsx" in err and "Traceback" not in err
    db = open_database(data)
    try:
        with db.session() as session:
            assert session.scalar(select(func.count()).select_from(Activity)) == 0
    finally:
        db.dispose()
