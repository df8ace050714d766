"""The deputy roster ledger (spec/ledgers.md §deputies): import of a real-life sheet full of
mistakes, re-import, export → import round trip, template, report, dry run, unreadable files."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from presidium_app.domain.audit import AuditEntry
from presidium_app.domain.deputies import (
    Deputy,
    DeputyGroup,
    LiaisonStation,
    Mandate,
    StatusChange,
)
from presidium_app.domain.enums import DeputyLevel, DeputyStatus, Gender
from presidium_app.domain.township import Term
from presidium_app.domain.validators import InvalidValue
from presidium_app.ledgers import deputies as ledger
from presidium_app.ledgers import registry
from presidium_app.ledgers.common import (
    ImportOutcome,
    LedgerNotWritten,
    LedgerUnreadable,
    Rejection,
    cell_code,
    cell_date,
    default_report_path,
    header_key,
    write_report,
)
from presidium_app.services import deputies as roster
from presidium_app.services import organisation, township
from presidium_app.services.audit import Actor
from presidium_app.services.deputies import FIELD_LABELS
from presidium_app.services.progress import Cancelled, Progress
from presidium_app.storage.database import Database
from tests.helpers import make_id

SPEC_HEADERS = [
    "姓名*", "性别*", "民族", "出生日期", "公民身份号码", "政治面貌", "文化程度", "工作单位及职务",
    "手机号码", "代表层级*", "届次*", "选区", "代表小组", "联络站", "当选日期", "状态", "离任日期",
    "备注",
]

ID_ZHANG = make_id(dt.date(1970, 5, 17), 131)  # male
ID_LI = make_id(dt.date(1975, 3, 8), 242)  # female
ID_WANG = make_id(dt.date(1968, 11, 2), 153)  # male
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")

# The mistakes sheet: headers as staff type them (spaces, full-width *, an alias, unknown columns).
MISTAKE_HEADER = {
    "seq": "序号", "name": "姓 名＊", "gender": "性别*", "ethnicity": "民族", "birth": "出生日期",
    "id": "身份证号", "party": "政治面貌", "education": "文化程度", "work": "工作单位及职务",
    "mobile": "手机号码", "levels": "代表层级", "term": "届次*", "constituency": "选区",
    "group": "代表小组", "station": "联络站", "elected": "当选日期", "status": "状态",
    "left": "离任日期", "notes": "备注", "wechat": "微信号",
}


def line(**values: object) -> list[object]:
    return [values.get(key) for key in MISTAKE_HEADER]


def wrong_check_digit(id_number: str) -> str:
    return id_number[:17] + ("0" if id_number[17] != "0" else "1")


def mistake_rows() -> list[list[object]]:
    """Sheet rows 2… of a roster as it really arrives (the comment says what each row tests)."""
    common = {"levels": "乡镇", "term": "第十九届"}
    return [
        # 2: valid; a real Excel date, a phone with spaces, 年月日 date, two levels
        line(seq=1, name="张三丰", gender="男", ethnicity="汉族", birth=dt.datetime(1970, 5, 17),
             id=ID_ZHANG, party="中共党员", education="高中", work="东坑村党支部书记",
             mobile="138 1234 5678", levels="乡镇、县", term="第十九届", constituency="第1选区",
             group="东坑片代表小组", station="东坑代表联络站", elected="2021年9月10日",
             wechat="zsf1970"),
        # 3: valid; 2026/3/5-style and 2026.3.5-style dates, a phone with dashes
        line(seq=2, name="李秀英", gender="女", birth="1975/3/8", id=ID_LI, mobile="139-0000-1111",
             group="东坑片代表小组", elected="2021.9.10", **common),
        # 4: valid; no 性别 (the ID gives it), full-width digits in the ID and the phone
        line(seq=3, name="王伟", id=ID_WANG.translate(FULL_WIDTH), mobile="１３７００００２２２２",
             elected=dt.date(2021, 9, 10), **common),
        # 5: wrong check digit
        line(seq=4, name="赵敏", gender="女", birth="1980-01-01",
             id=wrong_check_digit(make_id(dt.date(1980, 1, 1), 244)), **common),
        # 6: an ID of the wrong length
        line(seq=5, name="钱多", gender="男", id=make_id(dt.date(1972, 8, 8), 111)[:17], **common),
        # 7: the ID's birth date disagrees with 出生日期
        line(seq=6, name="孙丽", gender="女", birth="1982-02-02",
             id=make_id(dt.date(1982, 2, 3), 262), **common),
        # 8: the ID's sex disagrees with 性别
        line(seq=7, name="周强", gender="女", id=make_id(dt.date(1979, 7, 7), 171), **common),
        # 9: a phone number too short
        line(seq=8, name="吴军", gender="男", birth="1977-04-04", mobile="1381234567", **common),
        # 10: no 姓名
        line(seq=9, gender="男", birth="1985-05-05", **common),
        # 11: an unknown 代表层级
        line(seq=10, name="郑和", gender="男", birth="1971-01-01", levels="县、区", term="第十九届"),
        # 12: 辞职 with no 离任日期
        line(seq=11, name="冯刚", gender="男", birth="1966-06-06", status="辞职", **common),
        # 13: the same person as row 2 in the same term
        line(seq=12, name="张三丰", gender="男", id=ID_ZHANG, **common),
        # 14: an ID Excel turned into a number (1.1E+17): its last digits are lost
        line(seq=13, name="陈静", gender="女", id=3.61025198505051e17, **common),
        # 15: valid; resigned with its leaving date
        line(seq=14, name="褚红", gender="女", birth="1990.10.10", status="辞职",
             left="2024年6月30日", elected=dt.datetime(2021, 9, 10), **common),
        # 16: three problems in one row
        line(seq=15, name="卫东", gender="未知", birth="1985年13月1日", mobile="abc", **common),
        # 17: only the 序号: not a row
        line(seq=16),
        # 18: valid; an unknown term and a new group, created and told in the notes
        line(seq=17, name="蒋文", gender="男", birth="1960-02-29", levels="县", term="第十八届",
             group="西岭片代表小组"),
        # 19: valid; 张三丰 again, in another term: a second mandate (phone filled from row 2)
        line(seq=18, name="张三丰", gender="男", id=ID_ZHANG, levels="乡镇", term="第十八届"),
    ]


EXPECTED_REJECTIONS = [
    Rejection(5, "身份证号", "公民身份号码校验码不正确，请核对是否录错"),
    Rejection(6, "身份证号", "公民身份号码应为18位，实为17位"),
    Rejection(7, "身份证号", "出生日期1982年2月2日与公民身份号码中的1982年2月3日不一致"),
    Rejection(8, "身份证号", "性别“女”与公民身份号码（第17位）不一致"),
    Rejection(9, "手机号码", "手机号码应为11位，实为10位"),
    Rejection(10, "姓名", "请填写姓名"),
    Rejection(11, "代表层级", "未知的代表层级“区”，应为乡镇、县、市、省、全国（可填多个，用“、”分开）"),
    Rejection(12, "离任日期", "状态为“辞职”时须填写离任日期"),
    Rejection(13, "身份证号", "与第2行是同一人、同一届次（第十九届），重复填写；请删去其中一行"),
    Rejection(14, "身份证号", "身份证号被Excel存成了数字，后几位已丢失；请把该列设置为“文本”格式后重新录入"),
    Rejection(16, "性别", "性别应为“男”或“女”，不能是“未知”"),
    Rejection(16, "出生日期", "日期“1985年13月1日”不存在"),
    Rejection(16, "手机号码", "手机号码只能包含数字"),
]
VALID_ROWS = 6  # rows 2, 3, 4, 15, 18, 19


def write_book(path: Path, header: list[object], rows: list[list[object]],
               title_rows: list[list[object]] | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "名册"
    for title in title_rows or []:
        sheet.append(title)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def mistakes(tmp_path: Path) -> Path:
    return write_book(tmp_path / "名册.xlsx", list(MISTAKE_HEADER.values()), mistake_rows())


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the roster's tables, versions included."""
    tables = (Deputy, Mandate, StatusChange, Term, DeputyGroup, LiaisonStation)
    with db.session() as session:
        return {
            model.__tablename__: [tuple(r) for r in session.execute(
                select(model.__table__).order_by(model.__table__.c.id)).all()]
            for model in tables
        }


def sheet_values(path: Path) -> list[tuple[object, ...]]:
    book = load_workbook(path)
    values = [tuple(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return values


def person(db: Database, name: str) -> Deputy:
    with db.session() as session:
        found = session.scalar(select(Deputy).where(Deputy.name == name))
        assert found is not None
        _ = [(m.term.ordinal, m.group, m.station) for m in found.mandates]  # load before close
        return found


def audit_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


# --- import of the mistakes sheet -----------------------------------------------------------------


def test_every_mistake_is_named_with_row_column_and_reason(
        db: Database, actor: Actor, mistakes: Path) -> None:
    outcome = ledger.import_file(db, actor, mistakes)

    assert outcome.rejections == EXPECTED_REJECTIONS
    assert outcome.rejected_rows == 11
    assert (outcome.imported, outcome.created, outcome.updated, outcome.unchanged) == (
        VALID_ROWS, VALID_ROWS, 0, 0)
    assert outcome.unknown_columns == ["序号", "微信号"]
    assert outcome.notes == [
        "新建代表小组“东坑片代表小组”", "新建联络站“东坑代表联络站”",
        "新建届次“第十八届”，起止年份未知，请到设置中补充", "新建代表小组“西岭片代表小组”",
    ]


def test_valid_rows_are_written_as_understood(db: Database, actor: Actor, mistakes: Path) -> None:
    ledger.import_file(db, actor, mistakes)

    with db.session() as session:
        names = sorted(session.scalars(select(Deputy.name)))
        assert names == sorted(["张三丰", "李秀英", "王伟", "褚红", "蒋文"])
        assert session.scalar(select(func.count()).select_from(Mandate)) == VALID_ROWS
        term18 = session.scalar(select(Term).where(Term.ordinal == 18))
        assert term18 is not None
        assert (term18.start_year, term18.end_year, term18.is_current) == (None, None, False)

    zhang = person(db, "张三丰")
    assert (zhang.mobile, zhang.birth_date, zhang.id_number) == (
        "13812345678", dt.date(1970, 5, 17), ID_ZHANG)
    by_term = {m.term.ordinal: m for m in zhang.mandates}
    assert sorted(by_term) == [18, 19]
    assert by_term[19].levels == [DeputyLevel.TOWNSHIP, DeputyLevel.COUNTY]
    assert by_term[19].elected_on == dt.date(2021, 9, 10)
    assert by_term[19].group is not None and by_term[19].group.name == "东坑片代表小组"
    assert by_term[19].station is not None and by_term[19].station.name == "东坑代表联络站"
    assert by_term[18].levels == [DeputyLevel.TOWNSHIP]

    wang = person(db, "王伟")  # sex and birth date from the full-width ID number
    assert (wang.gender, wang.birth_date, wang.id_number, wang.mobile) == (
        Gender.MALE, dt.date(1968, 11, 2), ID_WANG, "13700002222")
    li = person(db, "李秀英")
    assert (li.birth_date, li.mobile, li.mandates[0].elected_on) == (
        dt.date(1975, 3, 8), "13900001111", dt.date(2021, 9, 10))
    chu = person(db, "褚红")
    assert (chu.mandates[0].status, chu.mandates[0].left_on) == (
        DeputyStatus.RESIGNED, dt.date(2024, 6, 30))
    with db.session() as session:
        changes = session.scalars(select(StatusChange)).all()
        assert [(c.new_status, c.changed_on) for c in changes] == [
            (DeputyStatus.RESIGNED, dt.date(2024, 6, 30))]


def test_a_second_import_changes_nothing(db: Database, actor: Actor, mistakes: Path) -> None:
    first = ledger.import_file(db, actor, mistakes)
    before = snapshot(db)

    second = ledger.import_file(db, actor, mistakes)

    assert (second.imported, second.created, second.updated, second.unchanged) == (
        VALID_ROWS, 0, 0, VALID_ROWS)
    assert second.rejections == first.rejections
    assert second.notes == []
    assert snapshot(db) == before  # no new rows, no version bumped


def test_the_import_is_one_audited_unit(db: Database, actor: Actor, mistakes: Path) -> None:
    before = audit_count(db)
    ledger.import_file(db, actor, mistakes)
    with db.session() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()[before:]
    assert [(e.action, e.user, e.success) for e in entries] == [
        ("ledger.import.deputies", "测试员", True)]
    assert "新增6条" in entries[0].summary and "拒绝11行" in entries[0].summary


def test_dry_run_writes_nothing_and_tells_what_the_import_would_do(
        db: Database, actor: Actor, mistakes: Path) -> None:
    before, entries = snapshot(db), audit_count(db)

    dry = ledger.import_file(db, actor, mistakes, dry_run=True)

    assert snapshot(db) == before and audit_count(db) == entries
    real = ledger.import_file(db, actor, mistakes)
    assert dry == real


def test_the_rejection_report_lists_every_rejection(
        db: Database, actor: Actor, mistakes: Path) -> None:
    outcome = ledger.import_file(db, actor, mistakes)
    report = default_report_path(mistakes)
    assert report == mistakes.parent / "名册.errors.xlsx"

    write_report(report, outcome.rejections)

    values = sheet_values(report)
    assert values[0] == ("行号", "列", "原因")
    assert [Rejection(int(str(r[0])), str(r[1]), str(r[2])) for r in values[1:]] == (
        EXPECTED_REJECTIONS)


# --- export and the round trip ----------------------------------------------------------------------


def test_export_writes_the_spec_columns_with_real_dates_and_text_codes(
        db: Database, actor: Actor, mistakes: Path, tmp_path: Path) -> None:
    ledger.import_file(db, actor, mistakes)
    target = tmp_path / "out" / "导出.xlsx"

    count = ledger.export_file(db, actor, target)

    assert count == VALID_ROWS
    book = load_workbook(target)
    sheet = book.worksheets[0]
    assert sheet.title == "代表名册"
    assert [c.value for c in sheet[1]] == SPEC_HEADERS
    assert sheet.freeze_panes == "A2"
    rows = {(r[0].value, r[10].value): r for r in sheet.iter_rows(min_row=2)}
    book.close()
    assert sorted(rows) == sorted([
        ("张三丰", "第十九届"), ("李秀英", "第十九届"), ("王伟", "第十九届"), ("褚红", "第十九届"),
        ("蒋文", "第十八届"), ("张三丰", "第十八届")])
    zhang = rows[("张三丰", "第十九届")]
    assert zhang[3].value == dt.datetime(1970, 5, 17) and zhang[3].number_format == "yyyy-mm-dd"
    assert zhang[4].value == ID_ZHANG and zhang[4].data_type == "s"
    assert zhang[4].number_format == "@"
    assert zhang[8].value == "13812345678" and zhang[8].number_format == "@"
    assert zhang[9].value == "乡镇、县"
    assert zhang[14].value == dt.datetime(2021, 9, 10)
    assert rows[("王伟", "第十九届")][1].value == "男"
    chu = rows[("褚红", "第十九届")]
    assert (chu[15].value, chu[16].value) == ("辞职", dt.datetime(2024, 6, 30))
    assert rows[("张三丰", "第十八届")][8].value == "13812345678"


def test_an_export_imports_back_unchanged(
        db: Database, actor: Actor, mistakes: Path, tmp_path: Path) -> None:
    ledger.import_file(db, actor, mistakes)
    roster.add_deputy(db, actor, roster.DeputyInput(  # typed in the form: no ID, no birth date
        name="刘一", gender=Gender.FEMALE, term_id=_term_id(db, 19), levels=[DeputyLevel.TOWNSHIP],
        notes="第二行\n备注"))
    mandate_id = _mandate_id(db, "李秀英")
    record = roster.get_deputy(db, mandate_id)
    roster.update_deputy(db, actor, mandate_id, _with(record.data, by_election=True))
    first, second = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    ledger.export_file(db, actor, first)
    before = snapshot(db)

    outcome = ledger.import_file(db, actor, first)

    assert outcome.rejections == [] and outcome.unknown_columns == [] and outcome.notes == []
    assert (outcome.imported, outcome.created, outcome.updated, outcome.unchanged) == (
        VALID_ROWS + 1, 0, 0, VALID_ROWS + 1)
    assert snapshot(db) == before
    ledger.export_file(db, actor, second)
    assert sheet_values(second) == sheet_values(first)


def test_export_of_a_year_keeps_the_terms_covering_it_and_who_served_in_it(
        db: Database, actor: Actor, mistakes: Path, tmp_path: Path) -> None:
    ledger.import_file(db, actor, mistakes)
    township.ensure_term(db, actor, 18, 2016, 2021)

    def names(year: int) -> list[tuple[object, object]]:
        target = tmp_path / f"{year}.xlsx"
        count = ledger.export_file(db, actor, target, year=year)
        rows = [(r[0], r[10]) for r in sheet_values(target)[1:]]
        assert count == len(rows)
        return sorted(rows, key=str)

    assert names(2018) == sorted([("张三丰", "第十八届"), ("蒋文", "第十八届")], key=str)
    assert [n for n, _ in names(2024)] == sorted(["张三丰", "李秀英", "王伟", "褚红"], key=str)
    assert [n for n, _ in names(2025)] == sorted(["张三丰", "李秀英", "王伟"], key=str)
    assert len(names(2021)) == VALID_ROWS
    assert names(2030) == []


# --- the template ----------------------------------------------------------------------------------


def test_template_has_the_header_dropdowns_and_notes(tmp_path: Path) -> None:
    target = tmp_path / "模板.xlsx"
    registry.ledger("deputies").write_template(target)

    book = load_workbook(target)
    sheet = book.worksheets[0]
    assert book.sheetnames == ["代表名册", "填写说明"]
    assert [c.value for c in sheet[1]] == SPEC_HEADERS and sheet.max_row == 1
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists == {"B2:B1048576": '"男,女"', "P2:P1048576": '"在任,辞职,罢免,调离,去世,终止"'}
    assert sheet.column_dimensions["E"].number_format == "@"  # 公民身份号码
    assert sheet.column_dimensions["I"].number_format == "@"  # 手机号码
    notes = [v for r in book["填写说明"].iter_rows(values_only=True) for v in r if v]
    book.close()
    for header in SPEC_HEADERS:
        assert notes.count(header) == 2  # explained, and in the example row


def test_an_untouched_template_imports_nothing(db: Database, actor: Actor, tmp_path: Path) -> None:
    target = tmp_path / "模板.xlsx"
    ledger.write_template(target)
    assert ledger.import_file(db, actor, target) == ImportOutcome()


def test_the_columns_are_the_spec_s_and_the_service_s_labels() -> None:
    assert [c.title for c in ledger.COLUMNS] == SPEC_HEADERS
    assert all(FIELD_LABELS[c.field] == c.header for c in ledger.COLUMNS)
    assert registry.KINDS["deputies"] == "代表名册" and registry.title("deputies") == "代表名册"


# --- tolerant reading ----------------------------------------------------------------------------


def test_headers_with_a_title_row_aliases_and_spaces(db: Database, actor: Actor, tmp_path: Path) -> None:
    path = write_book(
        tmp_path / "a.xlsx", ["姓  名", "性别（必填）", "身份证号码", "联系电话", "层级", "届 次 *"],
        [["张三丰", "男", ID_ZHANG, 13812345678.0, "乡镇级", "19"]],
        title_rows=[["青山镇第十九届人大代表名册"], []])
    outcome = ledger.import_file(db, actor, path)
    assert outcome.rejections == [] and outcome.imported == 1
    assert outcome.notes == ["列名在第3行，已从第4行起读取"]
    assert person(db, "张三丰").mobile == "13812345678"


def test_absent_columns_and_a_blank_id_keep_what_is_on_record(
        db: Database, actor: Actor, mistakes: Path, tmp_path: Path) -> None:
    ledger.import_file(db, actor, mistakes)
    before = snapshot(db)
    header: list[object] = ["姓名", "性别", "出生日期", "公民身份号码", "代表层级", "届次"]
    path = write_book(tmp_path / "short.xlsx", header,
                      [["张三丰", "男", "1970-05-17", None, "乡镇、县", "第十九届"]])
    outcome = ledger.import_file(db, actor, path)
    assert (outcome.rejections, outcome.unchanged) == ([], 1)
    assert snapshot(db) == before


def test_same_name_and_birth_date_with_different_ids_are_two_people(
        db: Database, actor: Actor, tmp_path: Path) -> None:
    birth = dt.date(1980, 1, 1)
    rows: list[list[object]] = [
        ["王伟", "男", make_id(birth, 111), "乡镇", "第十九届"],
        ["王伟", "男", make_id(birth, 113), "乡镇", "第十九届"],
        ["李四", "男", None, "乡镇", "第十九届"],  # neither ID nor birth date
    ]
    path = write_book(tmp_path / "a.xlsx", ["姓名", "性别", "公民身份号码", "代表层级", "届次"], rows)
    assert ledger.import_file(db, actor, path).created == 3
    again = ledger.import_file(db, actor, path)
    assert (again.created, again.unchanged, again.rejections) == (0, 3, [])
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Deputy)) == 3


def test_rows_of_one_person_must_agree(db: Database, actor: Actor, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["张三丰", "男", ID_ZHANG, "13812345678", "乡镇", "第十九届"],
        ["张三丰", "男", ID_ZHANG, "13900001111", "乡镇", "第十八届"],
    ]
    header: list[object] = ["姓名", "性别", "公民身份号码", "手机号码", "代表层级", "届次"]
    path = write_book(tmp_path / "a.xlsx", header, rows)
    assert ledger.import_file(db, actor, path).rejections == [Rejection(
        3, "手机号码", "与第2行是同一人，但手机号码不同（第2行为“13812345678”）；同一人的个人信息应一致")]


def test_more_row_problems(db: Database, actor: Actor, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["甲", None, None, "乡镇", "第十九届", None],  # no sex and no ID to give it
        ["乙", "男", "1980-01-01", None, "十九", "已故"],  # no level, an unknown status
        ["丙", "男", 2026, "全国", "第几届", None],  # a year alone, a term not understood
        ["丁", "男", 19800101, "乡镇", None, "在任"],  # 19800101 is a date; no term
    ]
    path = write_book(tmp_path / "a.xlsx", ["姓名", "性别", "出生日期", "代表层级", "届次", "状态"], rows)
    assert ledger.import_file(db, actor, path).rejections == [
        Rejection(2, "性别", "未填写性别（填写了正确的公民身份号码时可以不填）"),
        Rejection(3, "代表层级", "请填写代表层级：乡镇、县、市、省、全国，可填多个，用“、”分开"),
        Rejection(3, "状态", "未知的状态“已故”，应为在任、辞职、罢免、调离、去世、终止之一"),
        Rejection(4, "出生日期", "“2026”只有年份，请填写完整日期，如2026-03-05"),
        Rejection(4, "届次", "无法识别的届次“第几届”，请写成“第十九届”"),
        Rejection(5, "届次", "请填写届次，如“第十九届”"),
    ]


def test_a_term_with_its_years_is_created_with_them(db: Database, actor: Actor, tmp_path: Path) -> None:
    path = write_book(tmp_path / "a.xlsx", ["姓名", "性别", "出生日期", "代表层级", "届次"],
                      [["甲", "女", "1980-01-01", "县", "第二十届（2026—2031）"]])
    assert ledger.import_file(db, actor, path).notes == ["新建届次“第二十届”（2026—2031）"]
    term = next(t for t in township.list_terms(db) if t.ordinal == 20)
    assert (term.start_year, term.end_year) == (2026, 2031)


# --- progress and cancel ------------------------------------------------------------------------


def _many(tmp_path: Path, count: int) -> Path:
    rows: list[list[object]] = [
        [f"代表{i:03d}", "男", make_id(dt.date(1970, 1, 1) + dt.timedelta(days=i), 101), "乡镇",
         "第十九届", "新建小组"]
        for i in range(count)]
    header: list[object] = ["姓名", "性别", "公民身份号码", "代表层级", "届次", "代表小组"]
    return write_book(tmp_path / "many.xlsx", header, rows)


def test_progress_is_reported_every_fifty_rows(db: Database, actor: Actor, tmp_path: Path) -> None:
    calls: list[tuple[int, int, str]] = []
    outcome = ledger.import_file(db, actor, _many(tmp_path, 120),
                                 progress=Progress(lambda d, t, s: calls.append((d, t, s))))
    assert outcome.created == 120
    checks = [c for c in calls if c[2].startswith("正在校验第")]
    assert checks == [(50, 120, "正在校验第51行"), (100, 120, "正在校验第101行"),
                      (120, 120, "正在校验第121行")]
    assert [c[0] for c in calls if c[2].startswith("正在写入")] == [50, 100, 120]


@pytest.mark.parametrize("phase", ["正在校验", "正在写入"])
def test_cancel_writes_nothing(db: Database, actor: Actor, tmp_path: Path, phase: str) -> None:
    path = _many(tmp_path, 120)
    before = snapshot(db)
    progress = Progress()
    progress = Progress(lambda d, t, s: progress.cancel() if s.startswith(phase) else None)
    with pytest.raises(Cancelled):
        ledger.import_file(db, actor, path, progress=progress)
    assert snapshot(db) == before


# --- unreadable files --------------------------------------------------------------------------


def _zip_not_xlsx(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")


@pytest.mark.parametrize(("name", "make", "words"), [
    ("missing.xlsx", None, "文件不存在"),
    ("old.xls", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500), ".xls"),
    ("renamed.xlsx", lambda p: p.write_text("姓名,性别\n张三,男\n", encoding="utf-8"), "不是有效的.xlsx"),
    ("roster.csv", lambda p: p.write_text("姓名,性别\n", encoding="utf-8"), "CSV"),
    ("empty.xlsx", lambda p: p.write_bytes(b""), "不是有效的.xlsx"),
    ("other.xlsx", _zip_not_xlsx, "无法作为Excel工作簿打开"),
    ("folder.xlsx", lambda p: p.mkdir(), "是文件夹"),
])
def test_an_unreadable_file_names_itself(
        db: Database, actor: Actor, tmp_path: Path, name: str, make: Any, words: str) -> None:
    path = tmp_path / name
    if make is not None:
        make(path)
    with pytest.raises(LedgerUnreadable) as caught:
        ledger.import_file(db, actor, path)
    assert name in caught.value.message and words in caught.value.message
    assert "\n" not in caught.value.message and caught.value.exit_code == 2


def test_missing_required_columns_are_named(db: Database, actor: Actor, tmp_path: Path) -> None:
    path = write_book(tmp_path / "a.xlsx", ["姓名", "性别", "手机号码"], [["张三", "男", "13812345678"]])
    with pytest.raises(LedgerUnreadable) as caught:
        ledger.import_file(db, actor, path)
    assert "a.xlsx" in caught.value.message and "缺少必填列：代表层级、届次" in caught.value.message


def test_a_column_twice_is_unreadable(db: Database, actor: Actor, tmp_path: Path) -> None:
    path = write_book(tmp_path / "a.xlsx", ["姓名", "性别", "代表层级", "届次", "姓名*"], [])
    with pytest.raises(LedgerUnreadable, match="“姓名”列出现了两次（第A列和第E列）"):
        ledger.import_file(db, actor, path)


# --- cells ---------------------------------------------------------------------------------------


def test_cells_excel_mangled() -> None:
    assert cell_code(13812345678.0, "手机号码") == "13812345678"
    with pytest.raises(InvalidValue, match="“文本”格式"):
        cell_code(1.1e17, "公民身份号码")
    assert cell_date(46086) == dt.date(2026, 3, 5)  # a date whose format was lost
    assert cell_date("2026-03-05 00:00:00") == dt.date(2026, 3, 5)
    assert cell_date(" ") is None
    assert header_key("  姓 名＊ ") == "姓名" and header_key("性别(必填)") == "性别"


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
       st.sampled_from(["{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}.{m}.{d}", "{y}年{m}月{d}日",
                        "{y}{m:02d}{d:02d}", "excel"]),
       st.booleans())
def test_any_date_in_any_usual_form_reads_back(date: dt.date, form: str, wide: bool) -> None:
    if form == "excel":
        value: object = dt.datetime(date.year, date.month, date.day)
    else:
        text = form.format(y=date.year, m=date.month, d=date.day)
        value = text.translate(FULL_WIDTH) if wide else text
    assert cell_date(value) == date


# --- helpers ---------------------------------------------------------------------------------------


def _term_id(db: Database, ordinal: int) -> int:
    return next(t.id for t in township.list_terms(db) if t.ordinal == ordinal)


def _mandate_id(db: Database, name: str) -> int:
    return person(db, name).mandates[0].id


def _with(data: roster.DeputyInput, **changes: Any) -> roster.DeputyInput:
    from dataclasses import replace

    return replace(data, **changes)


def test_a_nameless_row_is_refused_for_its_name_alone(
        db: Database, actor: Actor, tmp_path: Path) -> None:
    """The ID number still gives the sex when another column is wrong (no second, false error)."""
    path = write_book(tmp_path / "a.xlsx", ["姓名", "性别", "公民身份号码", "代表层级", "届次"],
                      [[None, None, ID_WANG, "乡镇", "第十九届"]])
    assert ledger.import_file(db, actor, path).rejections == [Rejection(2, "姓名", "请填写姓名")]


def test_groups_match_whatever_the_width_of_their_punctuation(
        db: Database, actor: Actor, tmp_path: Path) -> None:
    organisation.add_group(db, actor, "东坑片（一）")
    header: list[object] = ["姓名", "性别", "出生日期", "代表层级", "届次", "代表小组", "备注"]
    path = write_book(tmp_path / "a.xlsx", header,
                      [["甲", "女", "1980-01-01", "乡镇", "第十九届", " 东坑片 (一)", "兼任（村）会计 "]])
    assert ledger.import_file(db, actor, path).notes == []
    first = person(db, "甲")
    assert first.mandates[0].group is not None and first.mandates[0].group.name == "东坑片（一）"
    assert first.notes == "兼任（村）会计"


def test_an_export_that_cannot_be_written_says_so(db: Database, actor: Actor, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(LedgerNotWritten, match="未能保存"):
        ledger.export_file(db, actor, blocker / "out.xlsx")
    assert blocker.read_text(encoding="utf-8") == "x"
