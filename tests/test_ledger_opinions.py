"""The opinions ledger (spec/ledgers.md §opinions): every status rebuilt through the flow, numbers
given and blank, contradictions rejected by row, 接收代表 resolved like the activities ledger,
units created, re-import and forward re-import, export → import round trips, and the commands."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from presidium_app import cli
from presidium_app.domain.audit import AuditEntry
from presidium_app.domain.deputies import Deputy
from presidium_app.domain.enums import Channel, OpinionAction, OpinionStatus, Satisfaction
from presidium_app.domain.mailbox import HandlingUnit, Opinion, OpinionEvent
from presidium_app.ledgers import opinions as ledger
from presidium_app.ledgers import registry
from presidium_app.ledgers.common import ImportOutcome
from presidium_app.services import handling_units, mailbox, settings, township, workdays
from presidium_app.services.audit import Actor
from presidium_app.services.errors import ServiceError, ValidationFailed
from presidium_app.services.mailbox import TRANSITIONS, OpinionInput, SubmitterInput
from presidium_app.services.progress import Progress
from presidium_app.storage.database import Database
from presidium_app.storage.opening import open_database
from tests.test_ledger_activities import WANG_1234, add_roster

S = OpinionStatus
A = OpinionAction
D = dt.date
SPEC_HEADERS = ["编号", "收到日期*", "来源渠道*", "反映人", "联系电话", "所在村（社区）", "类别", "内容*",
                "接收代表", "承办单位", "交办日期", "办理期限", "答复日期", "答复内容", "回访日期", "满意度",
                "状态"]
HEADER = [h.rstrip("*") for h in SPEC_HEADERS]


def line(number: object = None, received: object = "2025-03-02", channel: object = "信箱",
         person: object = "陈光明", phone: object = "138 1234 5678", content: object = "东坑村道路破损",
         deputy: object = None, unit: object = None, assigned: object = None, deadline: object = None,
         replied: object = None, reply: object = None, visited: object = None,
         satisfaction: object = None, status: object = None) -> list[object]:
    """A row in the spec's column order."""
    return [number, received, channel, person, phone, "东坑村", "交通道路", content, deputy, unit, assigned,
            deadline, replied, reply, visited, satisfaction, status]


def write_book(path: Path, rows: list[list[object]], header: list[str] | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "社情民意台账"
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def sheet_values(path: Path) -> list[tuple[object, ...]]:
    book = load_workbook(path)
    values = [tuple(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return values


def stored(db: Database) -> dict[str, tuple[OpinionStatus, list[tuple[OpinionAction, dt.date]]]]:
    """Number → (status, [(action, date), …]) of every item."""
    with db.session() as session:
        items = session.scalars(select(Opinion).options(selectinload(Opinion.events)))
        return {o.number: (o.status, [(e.action, e.at) for e in o.events]) for o in items}


def assert_agrees_with_the_flow(db: Database) -> None:
    """Every history starts with 登记 on the day received, each step is allowed by TRANSITIONS
    from the one before, dates never go back, and the status is the last step's."""
    with db.session() as session:
        for opinion in session.scalars(select(Opinion).options(selectinload(Opinion.events))):
            events = opinion.events
            assert (events[0].action, events[0].at, events[0].to_status) == (
                A.REGISTER, opinion.received_on, S.REGISTERED)
            for before, event in itertools.pairwise(events):
                assert event.from_status == before.to_status
                assert TRANSITIONS[(before.to_status, event.action)] == event.to_status
                assert before.at <= event.at
            assert opinion.status == events[-1].to_status


def event_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(OpinionEvent)) or 0


def second_database(tmp_path: Path, actor: Actor) -> Database:
    other = open_database(tmp_path / "other")
    township.set_up_township(other, actor, "青山镇", "临川县", 19, 2021, 2026)
    return other


# --- template and registry ----------------------------------------------------------------------


def test_template_has_the_spec_header_dropdowns_and_notes(tmp_path: Path) -> None:
    target = tmp_path / "模板.xlsx"
    registry.ledger("opinions").write_template(target)
    book = load_workbook(target)
    sheet = book.worksheets[0]
    assert book.sheetnames == ["社情民意", "填写说明"]
    assert [c.value for c in sheet[1]] == SPEC_HEADERS and sheet.max_row == 1
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists == {"C2:C1048576": '"信箱,来访,电话,微信,网络,代表转交"',
                     "P2:P1048576": '"满意,基本满意,不满意"',
                     "Q2:Q1048576": '"已登记,已交办,已答复,已办结,不予受理,转信访"'}
    notes = [v for r in book["填写说明"].iter_rows(values_only=True) for v in r if v]
    book.close()
    for header in SPEC_HEADERS:
        assert notes.count(header) == 2
    assert registry.KINDS["opinions"] == "社情民意" and registry.title("opinions") == "社情民意"
    assert "opinions" in cli.LEDGER_KINDS


def test_an_untouched_template_imports_nothing(db: Database, actor: Actor, tmp_path: Path) -> None:
    target = tmp_path / "模板.xlsx"
    ledger.write_template(target)
    assert ledger.import_file(db, actor, target) == ImportOutcome()


# --- import: every status -------------------------------------------------------------------------


def every_status_rows() -> list[list[object]]:
    unit = "镇交通管理站"
    return [
        # 2: 已登记 (status derived), anonymous
        line(person=None, phone=None, content="路灯不亮"),
        # 3: 已交办 with its deadline
        line(content="水渠堵塞", unit=unit, assigned="2025-03-03", deadline="2025-04-02", status="已交办"),
        # 4: 已交办 with the deadline left to the settings (30 days)
        line(content="垃圾清运不及时", unit="镇环卫所", assigned="2025/3/4"),
        # 5: 已答复
        line(content="桥梁护栏缺失", unit=unit, assigned="2025-03-03", replied="2025-03-20",
             reply="已安装护栏", status="已答复"),
        # 6: 已办结, given
        line(content="村道坑洼", unit=unit, assigned="2025-03-03", replied="2025-03-20", reply="已修补",
             visited="2025-03-25", satisfaction="满意", status="已办结"),
        # 7: blank status, satisfied follow-up: 已办结
        line(content="公交站牌破损", unit=unit, assigned="2025-03-03", replied="2025-03-20",
             visited="2025年3月26日", satisfaction="基本满意"),
        # 8: 已答复 and followed up, not closed yet
        line(content="路面积水", unit=unit, assigned="2025-03-03", replied="2025-03-20",
             visited="2025-03-26", satisfaction="满意", status="已答复"),
        # 9: 不满意: back to the unit, 已交办 again
        line(content="噪音扰民", unit=unit, assigned="2025-03-03", replied="2025-03-20",
             visited="2025-03-26", satisfaction="不满意", status="已交办"),
        # 10: 不予受理 with its reason
        line(content="土地承包纠纷", replied="2025-03-05", reply="已进入诉讼程序", status="不予受理"),
        # 11: 转信访 with neither date nor reason
        line(content="个人补偿诉求", status="转信访"),
    ]


def test_every_status_is_rebuilt_through_the_flow(db: Database, actor: Actor, tmp_path: Path) -> None:
    handling_units.add_unit(db, actor, "镇交通管理站")
    source = write_book(tmp_path / "台账.xlsx", every_status_rows())

    outcome = ledger.import_file(db, actor, source)

    assert (outcome.rejections, outcome.created, outcome.imported) == ([], 10, 10)
    assert outcome.notes == ["承办单位目录中没有“镇环卫所”，已新建该单位"]
    items = stored(db)
    assert [items[f"2025-{n:04d}"][0] for n in range(1, 11)] == [
        S.REGISTERED, S.ASSIGNED, S.ASSIGNED, S.REPLIED, S.CLOSED, S.CLOSED, S.FOLLOWED_UP, S.ASSIGNED,
        S.REJECTED, S.REDIRECTED]
    assert items["2025-0008"][1] == [
        (A.REGISTER, D(2025, 3, 2)), (A.ASSIGN, D(2025, 3, 3)), (A.REPLY, D(2025, 3, 20)),
        (A.FEED_BACK, D(2025, 3, 26)), (A.REDO, D(2025, 3, 26))]
    assert [a for a, _ in items["2025-0005"][1]] == [
        A.REGISTER, A.ASSIGN, A.REPLY, A.FEED_BACK, A.FOLLOW_UP, A.CLOSE]
    assert_agrees_with_the_flow(db)
    with db.session() as session:
        by_number = {o.number: o for o in session.scalars(
            select(Opinion).options(selectinload(Opinion.events), selectinload(Opinion.submitter)))}
        assert by_number["2025-0001"].submitter is None  # 反映人 blank: anonymous
        person = by_number["2025-0002"].submitter
        assert person is not None and (person.name, person.phone) == ("陈光明", "138 1234 5678")
        assert by_number["2025-0002"].deadline == D(2025, 4, 2)
        assert by_number["2025-0003"].deadline == D(2025, 4, 3)  # 2025-03-04 + 30 days
        assert by_number["2025-0004"].events[2].note == "已安装护栏"
        assert by_number["2025-0006"].events[4].satisfaction == Satisfaction.BASICALLY_SATISFIED
        rejected, redirected = by_number["2025-0009"].events[1], by_number["2025-0010"].events[1]
        assert (rejected.at, rejected.reason) == (D(2025, 3, 5), "已进入诉讼程序")
        assert (redirected.at, redirected.reason) == (D(2025, 3, 2), "台账导入")
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "ledger.import.opinions")).all()
        assert len(audit) == 1 and "新增10条" in audit[0].summary
        assert session.scalar(select(func.count()).select_from(HandlingUnit)) == 2


def test_blank_numbers_are_numbered_and_given_ones_kept(db: Database, actor: Actor, tmp_path: Path) -> None:
    source = write_book(tmp_path / "台账.xlsx", [
        line(number="2025-0042", received="2025-05-01", content="甲"),
        line(received="2025-03-01", content="乙"),
        line(received="2025-02-01", content="丙"),
        line(number="２０２４－７", received="2024-12-30", content="丁"),  # full-width, no padding
        line(number="2024-0008", received="2025-01-02", content="戊"),  # the year is not the year received
        line(number="第八号", content="己"),
    ])

    outcome = ledger.import_file(db, actor, source)

    assert outcome.created == 4
    assert [(r.row, r.column) for r in outcome.rejections] == [(6, "编号"), (7, "编号")]
    assert "年份与收到日期（2025-01-02）的年份不一致" in outcome.rejections[0].reason
    assert "应写成年份-序号，如2026-0042" in outcome.rejections[1].reason
    with db.session() as session:
        numbers = dict(session.execute(select(Opinion.content, Opinion.seq)).tuples().all())
        years = dict(session.execute(select(Opinion.content, Opinion.year)).tuples().all())
    assert numbers == {"甲": 42, "丙": 43, "乙": 44, "丁": 7}  # blanks after 42, in the order received
    assert years["丁"] == 2024
    later = mailbox.register_opinion(db, actor, OpinionInput(D(2025, 6, 1), Channel.PHONE, "庚"))
    assert mailbox.get_opinion(db, later).number == "2025-0045"


def test_the_service_keeps_a_given_number_and_refuses_a_taken_one(db: Database, actor: Actor) -> None:
    data = OpinionInput(D(2025, 3, 1), Channel.PHONE, "甲", number=(2025, 9))
    assert mailbox.get_opinion(db, mailbox.register_opinion(db, actor, data)).number == "2025-0009"
    for number, message in (((2025, 9), "编号2025-0009已被其他条目使用"),
                            ((2024, 10), "编号的年份2024与收到日期的年份2025不一致")):
        with pytest.raises(ValidationFailed) as refused:
            data = OpinionInput(D(2025, 3, 1), Channel.PHONE, "乙", number=number)
            mailbox.register_opinion(db, actor, data)
        assert refused.value.field_errors == {"number": message}


# --- contradictions -----------------------------------------------------------------------------


def test_a_legacy_ledger_with_contradictions_is_rejected_row_by_row(
        db: Database, actor: Actor, tmp_path: Path) -> None:
    unit = "镇交通管理站"
    rows = [
        # 2: valid
        line(content="有效一", unit=unit, assigned="2025-03-03", replied="2025-03-20", status="已答复"),
        # 3: 已办结 without a reply
        line(content="甲", unit=unit, assigned="2025-03-03", status="已办结"),
        # 4: 已答复 without 答复日期
        line(content="乙", unit=unit, assigned="2025-03-03", status="已答复"),
        # 5: 已登记 but assigned
        line(content="丙", unit=unit, assigned="2025-03-03", status="已登记"),
        # 6: replied before assigned
        line(content="丁", unit=unit, assigned="2025-03-10", replied="2025-03-05"),
        # 7: assigned before received
        line(content="戊", unit=unit, assigned="2025-02-20"),
        # 8: assigned without a unit
        line(content="己", assigned="2025-03-03"),
        # 9: 满意度 without 回访日期
        line(content="庚", unit=unit, assigned="2025-03-03", replied="2025-03-20", satisfaction="满意"),
        # 10: 回访日期 without 满意度
        line(content="辛", unit=unit, assigned="2025-03-03", replied="2025-03-20", visited="2025-03-22"),
        # 11: 不予受理 yet assigned to a unit
        line(content="壬", unit=unit, assigned="2025-03-03", status="不予受理"),
        # 12: 已办结 but 不满意
        line(content="癸", unit=unit, assigned="2025-03-03", replied="2025-03-20", visited="2025-03-22",
             satisfaction="不满意", status="已办结"),
        # 13: a deadline before the day assigned, an unknown channel, no content
        line(content=None, channel="来电", unit=unit, assigned="2025-03-03", deadline="2025-03-01"),
        # 14: a reply with no reply date
        line(content="子", unit=unit, assigned="2025-03-03", reply="已处理"),
        # 15: a follow-up in the future
        line(content="丑", unit=unit, assigned="2025-03-03", replied="2025-03-20",
             visited=dt.date.today() + dt.timedelta(days=3), satisfaction="满意"),
        # 16: a status of the app the ledger does not use
        line(content="寅", unit=unit, assigned="2025-03-03", replied="2025-03-20", visited="2025-03-22",
             satisfaction="满意", status="已回访"),
        # 17: valid: 不满意 and redone
        line(content="有效二", unit=unit, assigned="2025-03-03", replied="2025-03-20", visited="2025-03-22",
             satisfaction="不满意"),
    ]
    source = write_book(tmp_path / "台账.xlsx", rows)

    outcome = ledger.import_file(db, actor, source)

    found = [(r.row, r.column, r.reason) for r in outcome.rejections]
    expected = [
        (3, "状态", "状态为“已办结”，但未填写答复日期"),
        (4, "状态", "状态为“已答复”，但未填写答复日期"),
        (5, "状态", "状态为“已登记”（尚未交办），但填写了交办日期"),
        (6, "答复日期", "答复日期（2025-03-05）早于交办日期（2025-03-10）"),
        (7, "交办日期", "交办日期（2025-02-20）早于收到日期（2025-03-02）"),
        (8, "承办单位", "填写了交办日期，请同时填写承办单位"),
        (9, "回访日期", "填写了满意度，请同时填写回访日期"),
        (10, "满意度", "填写了回访日期，请同时填写满意度"),
        (11, "状态", "状态为“不予受理”的条目未交办，不应填写承办单位、交办日期"),
        (12, "状态", "满意度为“不满意”的条目须退回承办单位重办"),
        (13, "来源渠道", "未知的来源渠道“来电”"),
        (13, "内容", "请填写反映内容"),
        (13, "办理期限", "办理期限（2025-03-01）早于交办日期（2025-03-03）"),
        (14, "答复内容", "填写了答复内容，请同时填写答复日期"),
        (15, "回访日期", "晚于今天"),
        (16, "状态", "台账中不用“已回访”：请填“已答复”，并填写回访日期和满意度"),
    ]
    assert [(row, column) for row, column, _ in found] == [(row, column) for row, column, _ in expected]
    for (_, _, reason), (_, _, part) in zip(found, expected, strict=True):
        assert part in reason
    assert (outcome.created, outcome.rejected_rows) == (2, 14)
    assert sorted(status for status, _ in stored(db).values()) == sorted([S.REPLIED, S.ASSIGNED])
    assert_agrees_with_the_flow(db)


# --- 接收代表 and 承办单位 --------------------------------------------------------------------------


def test_receiving_deputies_are_resolved_like_the_activities_ledger(
        db: Database, actor: Actor, tmp_path: Path) -> None:
    roster = add_roster(db, actor)
    source = write_book(tmp_path / "台账.xlsx", [
        line(content="甲", deputy="张三丰", channel="代表转交"),
        line(content="乙", deputy="王伟（１２３４）"),
        line(content="丙", deputy="王伟"),
        line(content="丁", deputy="李四"),
        line(content="戊", deputy="张三丰、赵敏"),
    ])

    outcome = ledger.import_file(db, actor, source)

    assert outcome.created == 2
    reasons = {r.row: (r.column, r.reason) for r in outcome.rejections}
    assert reasons[4][0] == "接收代表" and "名册中有2位王伟" in reasons[4][1]
    assert reasons[5] == ("接收代表", "“李四”不是名册中的代表，请核对姓名（或先录入代表名册）")
    assert reasons[6] == ("接收代表", "接收代表只能填写一位代表")
    with db.session() as session:
        deputies = dict(session.execute(select(Opinion.content, Opinion.receiving_deputy_id)).tuples().all())
    assert deputies == {"甲": roster["张三丰"], "乙": roster["王伟(1234)"]}
    assert WANG_1234.endswith("1234")


def test_units_are_created_once_and_a_deactivated_one_is_refused(
        db: Database, actor: Actor, tmp_path: Path) -> None:
    old = handling_units.add_unit(db, actor, "镇农技站")
    handling_units.update_unit(db, actor, old, "镇农技站", active=False)
    source = write_book(tmp_path / "台账.xlsx", [
        line(content="甲", unit="镇水利站", assigned="2025-03-03"),
        line(content="乙", unit="镇 水利站", assigned="2025-03-04"),
        line(content="丙", unit="镇农技站", assigned="2025-03-04"),
    ])

    outcome = ledger.import_file(db, actor, source)

    assert outcome.created == 2 and outcome.notes == ["承办单位目录中没有“镇水利站”，已新建该单位"]
    assert [(r.row, r.column) for r in outcome.rejections] == [(4, "承办单位")]
    assert "已停用" in outcome.rejections[0].reason
    names = [u.name for u in handling_units.list_units(db, include_inactive=True)]
    assert sorted(names) == ["镇农技站", "镇水利站"]


def test_a_file_with_only_some_columns(db: Database, actor: Actor, tmp_path: Path) -> None:
    """Aliases are understood and unknown columns reported; a file with no handling columns says
    nothing about the handling, so steps taken in the app since do not make its rows differ."""
    source = write_book(tmp_path / "简表.xlsx", [[1, "2025年3月2日", "电话", "路灯不亮", "王"]],
                        header=["序号", "日期", "渠道", "反映内容", "经办人"])
    outcome = ledger.import_file(db, actor, source)
    assert (outcome.created, outcome.unknown_columns, outcome.rejections) == (1, ["序号", "经办人"], [])
    unit = handling_units.add_unit(db, actor, "镇供电所")
    with db.session() as session:
        opinion_id = session.scalar(select(Opinion.id))
    assert opinion_id is not None
    mailbox.apply_action(db, actor, opinion_id, A.ASSIGN, D(2025, 3, 3), lead_unit_id=unit)
    again = ledger.import_file(db, actor, source)
    assert (again.unchanged, again.rejections) == (1, [])
    assert stored(db)["2025-0001"][0] == S.ASSIGNED


# --- re-import ----------------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(db: Database, actor: Actor, tmp_path: Path) -> None:
    source = write_book(tmp_path / "台账.xlsx", every_status_rows())
    ledger.import_file(db, actor, source)
    before, events = stored(db), event_count(db)
    with db.session() as session:
        versions = dict(session.execute(select(Opinion.id, Opinion.version)).tuples().all())

    again = ledger.import_file(db, actor, source)

    assert (again.created, again.updated, again.unchanged, again.rejections) == (0, 0, 10, [])
    assert again.notes == []
    assert stored(db) == before and event_count(db) == events
    with db.session() as session:
        assert dict(session.execute(select(Opinion.id, Opinion.version)).tuples().all()) == versions


def test_a_row_that_goes_further_appends_the_missing_steps(
        db: Database, actor: Actor, tmp_path: Path) -> None:
    unit = "镇交通管理站"
    first = write_book(tmp_path / "一.xlsx", [
        line(content="甲", unit=unit, assigned="2025-03-03"),
        line(number="2025-0100", content="乙"),
    ])
    ledger.import_file(db, actor, first)
    later = write_book(tmp_path / "二.xlsx", [
        line(content="甲", unit=unit, assigned="2025-03-03", replied="2025-03-20", reply="已修复",
             visited="2025-03-25", satisfaction="满意"),
        line(number="2025-0100", content="乙", unit=unit, assigned="2025-03-04", replied="2025-03-21"),
    ])

    outcome = ledger.import_file(db, actor, later)

    assert (outcome.created, outcome.updated, outcome.rejections) == (0, 2, [])
    items = stored(db)
    assert items["2025-0101"] == (S.CLOSED, [
        (A.REGISTER, D(2025, 3, 2)), (A.ASSIGN, D(2025, 3, 3)), (A.REPLY, D(2025, 3, 20)),
        (A.FEED_BACK, D(2025, 3, 25)), (A.FOLLOW_UP, D(2025, 3, 25)), (A.CLOSE, D(2025, 3, 25))])
    assert items["2025-0100"][0] == S.REPLIED and "2025-0101" in items  # blank numbers after 0100
    assert_agrees_with_the_flow(db)
    assert ledger.import_file(db, actor, later).unchanged == 2


def test_a_row_contradicting_the_record_is_rejected(db: Database, actor: Actor, tmp_path: Path) -> None:
    unit = "镇交通管理站"
    ledger.import_file(db, actor, write_book(tmp_path / "一.xlsx", [
        line(number="2025-0001", content="甲", unit=unit, assigned="2025-03-03", replied="2025-03-20"),
        line(number="2025-0002", content="乙", unit=unit, assigned="2025-03-03"),
        line(number="2025-0003", content="丙", unit=unit, assigned="2025-03-03", replied="2025-03-20",
             visited="2025-03-22", satisfaction="满意"),
        line(number="2025-0004", content="丁", unit=unit, assigned="2025-03-03"),
    ]))
    events = event_count(db)
    source = write_book(tmp_path / "二.xlsx", [
        # 2: other content under the same number
        line(number="2025-0001", content="甲乙", unit=unit, assigned="2025-03-03", replied="2025-03-20"),
        # 3: the same number twice in the file
        line(number="2025-0001", content="甲", unit=unit, assigned="2025-03-03", replied="2025-03-20"),
        # 4: another unit than recorded
        line(number="2025-0002", content="乙", unit="镇水利站", assigned="2025-03-03"),
        # 5: a changed 交办日期, though the new reply would be a further step
        line(number="2025-0004", content="丁", unit=unit, assigned="2025-03-05", replied="2025-03-20"),
        # 6: 已办结 recorded, the row says 已答复 with the same dates
        line(number="2025-0003", content="丙", unit=unit, assigned="2025-03-03", replied="2025-03-20",
             visited="2025-03-22", satisfaction="满意", status="已答复"),
    ])

    outcome = ledger.import_file(db, actor, source)

    found = {r.row: (r.column, r.reason) for r in outcome.rejections}
    assert list(found) == [2, 3, 4, 5, 6] and outcome.imported == 0
    assert found[2] == ("内容", "与系统中的2025-0001不一致：系统中为“甲”，本行为“甲乙”；"
                                "登记信息请在软件中修改")
    assert found[3][0] == "编号" and "与第2行编号相同" in found[3][1]
    assert found[4][0] == "承办单位" and "系统中为“镇交通管理站”，本行为“镇水利站”" in found[4][1]
    assert found[5][0] == "交办日期" and "系统中为“2025-03-03”，本行为“2025-03-05”" in found[5][1]
    assert found[6][0] == "状态" and "系统中为“已办结”，本行为“已答复”" in found[6][1]
    assert "已记录的办理步骤不能通过台账修改或撤销" in found[6][1]
    assert event_count(db) == events

    alone = ledger.import_file(db, actor, write_book(tmp_path / "三.xlsx", [
        line(number="2025-0001", content="甲", unit=unit, assigned="2025-03-03"),
        line(number="2025-0003", content="丙", phone="13900000000", unit=unit, assigned="2025-03-03",
             replied="2025-03-20", visited="2025-03-22", satisfaction="满意"),
        line(number="2025-0002", content="乙", phone="138-1234-5678", unit=unit, assigned="2025-03-03"),
    ]))
    assert [(r.row, r.column) for r in alone.rejections] == [(2, "答复日期"), (3, "联系电话")]
    assert "系统中为“2025-03-20”，本行为“（空）”" in alone.rejections[0].reason
    assert "本行为“13900000000”" in alone.rejections[1].reason
    assert alone.unchanged == 1  # the phone written with dashes is the same phone
    assert event_count(db) == events


def test_steps_recorded_in_the_app_meet_the_ledger(db: Database, actor: Actor, tmp_path: Path) -> None:
    """An item fed back in the app exports as 已答复; the same row changes nothing, and a row
    with the follow-up appends only 回访 and 办结 (反馈 is already recorded)."""
    unit = handling_units.add_unit(db, actor, "镇交通管理站")
    item = mailbox.register_opinion(db, actor, OpinionInput(
        D(2025, 3, 2), Channel.VISIT, "甲", SubmitterInput("陈光明", "138 1234 5678"), "东坑村", "交通道路"))
    mailbox.apply_action(db, actor, item, A.ASSIGN, D(2025, 3, 3), lead_unit_id=unit)
    mailbox.apply_action(db, actor, item, A.REPLY, D(2025, 3, 20), note="已修复")
    mailbox.apply_action(db, actor, item, A.FEED_BACK, D(2025, 3, 21))
    exported = tmp_path / "导出.xlsx"
    ledger.export_file(db, actor, exported)
    row = list(sheet_values(exported)[1])
    assert row[0] == "2025-0001" and row[-1] == "已答复" and row[14:16] == [None, None]

    assert ledger.import_file(db, actor, exported).unchanged == 1
    early = [*row[:14], D(2025, 3, 20), "满意", None]
    refused = ledger.import_file(db, actor, write_book(tmp_path / "早.xlsx", [early]))
    assert [(r.row, r.column) for r in refused.rejections] == [(2, "回访日期")]
    assert "早于系统中2025-0001已记录的上一步“反馈”（2025-03-21）" in refused.rejections[0].reason
    further = [*row[:14], D(2025, 3, 25), "满意", None]
    outcome = ledger.import_file(db, actor, write_book(tmp_path / "回访.xlsx", [further]))

    assert (outcome.updated, outcome.rejections) == (1, [])
    assert [a for a, _ in stored(db)["2025-0001"][1]] == [
        A.REGISTER, A.ASSIGN, A.REPLY, A.FEED_BACK, A.FOLLOW_UP, A.CLOSE]
    assert_agrees_with_the_flow(db)


# --- export -------------------------------------------------------------------------------------


def rich_histories(db: Database, actor: Actor) -> None:
    """Items made in the app, with histories a row can only summarise."""
    roster = add_roster(db, actor)
    road = handling_units.add_unit(db, actor, "镇交通管理站")
    water = handling_units.add_unit(db, actor, "镇水利站")

    def item(day: dt.date, content: str, **extra: object) -> int:
        data = OpinionInput(day, Channel.MAILBOX, content, **extra)  # type: ignore[arg-type]
        return mailbox.register_opinion(db, actor, data)

    def step(opinion: int, action: OpinionAction, day: dt.date, **extra: object) -> None:
        mailbox.apply_action(db, actor, opinion, action, day, **extra)  # type: ignore[arg-type]

    item(D(2024, 11, 5), "去年的条目")
    anonymous = item(D(2025, 1, 6), "匿名反映路灯", receiving_deputy_id=roster["王伟(1234)"])
    step(anonymous, A.ASSIGN, D(2025, 1, 7), lead_unit_id=road, assisting_unit_ids=[water])
    moved = item(D(2025, 2, 3), "退回后改派", submitter=SubmitterInput("李红", "0794-1234567"))
    step(moved, A.ASSIGN, D(2025, 2, 4), lead_unit_id=road)
    step(moved, A.UNIT_RETURN, D(2025, 2, 5), reason="不属本单位职责")
    step(moved, A.ASSIGN, D(2025, 2, 6), lead_unit_id=water, deadline=D(2025, 3, 1))
    step(moved, A.REPLY, D(2025, 2, 20), note="已清淤")
    redone = item(D(2025, 3, 2), "两轮办理", submitter=SubmitterInput("陈光明", ""), village="西坑村")
    step(redone, A.ASSIGN, D(2025, 3, 3), lead_unit_id=road)
    step(redone, A.REPLY, D(2025, 3, 10), note="初次答复")
    step(redone, A.FEED_BACK, D(2025, 3, 11))
    step(redone, A.REDO, D(2025, 3, 12))
    step(redone, A.REPLY, D(2025, 3, 30), note="再次答复")
    step(redone, A.FEED_BACK, D(2025, 4, 1))
    step(redone, A.FOLLOW_UP, D(2025, 4, 2), satisfaction=Satisfaction.SATISFIED)
    step(redone, A.CLOSE, D(2025, 4, 3))
    waiting = item(D(2025, 4, 1), "重办中", category="环境卫生")
    step(waiting, A.ASSIGN, D(2025, 4, 2), lead_unit_id=water)
    step(waiting, A.REPLY, D(2025, 4, 9))
    step(waiting, A.FEED_BACK, D(2025, 4, 10))
    step(waiting, A.REDO, D(2025, 4, 10), note="仍未解决")
    returned = item(D(2025, 5, 6), "退回待改派")
    step(returned, A.ASSIGN, D(2025, 5, 7), lead_unit_id=road)
    step(returned, A.UNIT_RETURN, D(2025, 5, 8), reason="交办有误")
    refused = item(D(2025, 5, 9), "诉讼中的纠纷")
    step(refused, A.REJECT, D(2025, 5, 10), reason="已进入诉讼程序")
    followed = item(D(2025, 6, 1), "回访未办结")
    step(followed, A.ASSIGN, D(2025, 6, 2), lead_unit_id=road)
    step(followed, A.REPLY, D(2025, 6, 5))
    step(followed, A.FEED_BACK, D(2025, 6, 6))
    step(followed, A.FOLLOW_UP, D(2025, 6, 7), satisfaction=Satisfaction.BASICALLY_SATISFIED)


def test_export_writes_the_spec_columns_by_number(db: Database, actor: Actor, tmp_path: Path) -> None:
    rich_histories(db, actor)
    target = tmp_path / "导出.xlsx"

    assert ledger.export_file(db, actor, target) == 8
    values = sheet_values(target)
    assert list(values[0]) == SPEC_HEADERS
    rows = {r[0]: r for r in values[1:]}
    assert [r[0] for r in values[1:]] == ["2024-0001", *[f"2025-{n:04d}" for n in range(1, 8)]]
    assert rows["2025-0001"][3:5] == (None, None) and rows["2025-0001"][8] == "王伟(1234)"
    assert rows["2025-0002"][3:5] == ("李红", "0794-1234567")  # full name and phone: internal
    assert rows["2025-0002"][9:14] == ("镇水利站", dt.datetime(2025, 2, 6), dt.datetime(2025, 3, 1),
                                       dt.datetime(2025, 2, 20), "已清淤")
    assert rows["2025-0003"][12:] == (dt.datetime(2025, 3, 30), "再次答复", dt.datetime(2025, 4, 2), "满意",
                                      "已办结")
    assert rows["2025-0004"][12:] == (dt.datetime(2025, 4, 9), None, dt.datetime(2025, 4, 10), "不满意",
                                      "已交办")
    assert rows["2025-0005"][9:] == (None,) * 7 + ("已登记",)
    assert rows["2025-0006"][12:] == (dt.datetime(2025, 5, 10), "已进入诉讼程序", None, None, "不予受理")
    assert rows["2025-0007"][14:] == (dt.datetime(2025, 6, 7), "基本满意", "已答复")

    assert ledger.export_file(db, actor, target, year=2024) == 1
    assert [r[0] for r in sheet_values(target)[1:]] == ["2024-0001"]
    assert ledger.export_file(db, actor, target, year=2023) == 0 and len(sheet_values(target)) == 1


def test_export_imports_back_unchanged(db: Database, actor: Actor, tmp_path: Path) -> None:
    rich_histories(db, actor)
    exported = tmp_path / "导出.xlsx"
    ledger.export_file(db, actor, exported)
    before, events = stored(db), event_count(db)

    outcome = ledger.import_file(db, actor, exported)

    assert (outcome.created, outcome.updated, outcome.unchanged, outcome.rejections) == (0, 0, 8, [])
    assert stored(db) == before and event_count(db) == events


def test_export_import_export_gives_the_same_rows(db: Database, actor: Actor, tmp_path: Path) -> None:
    rich_histories(db, actor)
    first = tmp_path / "一.xlsx"
    ledger.export_file(db, actor, first)
    other = second_database(tmp_path, actor)
    try:
        add_roster(other, actor)
        outcome = ledger.import_file(other, actor, first)
        assert (outcome.created, outcome.rejections) == (8, [])
        assert_agrees_with_the_flow(other)
        second = tmp_path / "二.xlsx"
        ledger.export_file(other, actor, second)
        assert sheet_values(second) == sheet_values(first)
        assert ledger.import_file(other, actor, second).unchanged == 8
    finally:
        other.dispose()


# --- dry run and the commands -------------------------------------------------------------------


def test_a_dry_run_reports_the_same_and_writes_nothing(db: Database, actor: Actor, tmp_path: Path) -> None:
    source = write_book(tmp_path / "台账.xlsx", [*every_status_rows(), line(content=None)])
    dry = ledger.import_file(db, actor, source, dry_run=True)
    assert (dry.created, dry.rejected_rows) == (10, 1)
    assert stored(db) == {} and handling_units.list_units(db) == []
    real = ledger.import_file(db, actor, source)
    assert (real.created, real.rejections, real.notes) == (dry.created, dry.rejections, dry.notes)


def run(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    code = cli.main(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_commands_and_their_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d"
    assert run(capsys, data, "init", "--township", "青山镇")[0] == 0
    template = tmp_path / "模板.xlsx"
    code, out, _ = run(capsys, data, "template", "opinions", "-o", str(template))
    assert code == 0 and "已生成模板" in out
    book = load_workbook(template)
    for row in (line(content="甲"), line(content="乙", unit="镇交通管理站", assigned="2025-03-03")):
        book.worksheets[0].append(row)
    book.save(tmp_path / "好.xlsx")
    code, out, err = run(capsys, data, "import", "opinions", str(tmp_path / "好.xlsx"))
    assert (code, out.splitlines()[0], err) == (0, "导入 2 条，拒绝 0 条", "")
    assert run(capsys, data, "import", "opinions", str(tmp_path / "好.xlsx"))[0] == 0  # unchanged

    bad = write_book(tmp_path / "坏.xlsx", [line(content="丙"), line(content="丁", status="已办结")])
    code, out, err = run(capsys, data, "import", "opinions", str(bad), "--dry-run")
    assert code == 3 and out.splitlines()[0] == "（试导入，未写入）导入 1 条，拒绝 1 条"
    code, out, err = run(capsys, data, "import", "opinions", str(bad))
    assert code == 3 and out.splitlines()[0] == "导入 1 条，拒绝 1 条"
    assert "第3行 状态：状态为“已办结”，但未填写答复日期" in err
    assert [r[:2] for r in sheet_values(tmp_path / "坏.errors.xlsx")[1:]] == [(3, "状态")]

    exported = tmp_path / "导出.xlsx"
    code, out, _ = run(capsys, data, "export", "opinions", str(exported), "--year", "2025")
    assert (code, out.strip()) == (0, f"已导出 3 条：{exported}")
    code, out, _ = run(capsys, data, "export", "opinions", str(exported), "--year", "2024")
    assert (code, out.strip()) == (0, f"已导出 0 条：{exported}")


# --- a large file: the bulk writing gives what the per-item path gave --------------------------

NEW_UNITS = ("镇环卫所", "镇水利站", "东坑村委会")  # not in the directory: the import creates them
KINDS = ("已登记", "已交办", "已答复", "已回访", "已办结", "满意未写状态", "不满意", "不予受理", "转信访")


@dataclass
class Item:
    """One generated item: what its ledger row says, and how far along the flow it is (`kind`)."""

    index: int
    kind: str
    number: tuple[int, int] | None
    received: dt.date
    channel: Channel
    person: str
    phone: str
    content: str
    deputy: str | None
    unit: str | None = None
    assigned: dt.date | None = None
    deadline: dt.date | None = None
    replied: dt.date | None = None
    reply: str = ""
    visited: dt.date | None = None
    satisfaction: Satisfaction | None = None
    status: str | None = None

    def ledger_line(self) -> list[object]:
        number = f"{self.number[0]}-{self.number[1]:04d}" if self.number else None
        return line(number=number, received=self.received, channel=self.channel.label,
                    person=self.person or None, phone=self.phone or None, content=self.content,
                    deputy=self.deputy, unit=self.unit, assigned=self.assigned, deadline=self.deadline,
                    replied=self.replied, reply=self.reply or None, visited=self.visited,
                    satisfaction=self.satisfaction.label if self.satisfaction else None, status=self.status)


def generated_items(count: int) -> list[Item]:
    """`count` items of every kind over two years, a third with their number given."""
    rng = random.Random(20251122)
    items = []
    for i in range(count):
        received = D(2024, 11, 1) + dt.timedelta(days=rng.randrange(200))
        kind = KINDS[i % len(KINDS)]
        anonymous = i % 7 == 0
        item = Item(i, kind, (received.year, 200 + i) if i % 3 == 0 else None, received,
                    rng.choice(list(Channel)), "" if anonymous else f"反映人{i}",
                    "" if anonymous else f"1380000{i:04d}", f"第{i}件：{rng.choice(['道路破损', '路灯'])}",
                    "张三丰" if i % 5 == 0 else None, status=kind)
        assigned = received + dt.timedelta(days=rng.randrange(3))
        replied = assigned + dt.timedelta(days=rng.randrange(1, 20))
        visited = replied + dt.timedelta(days=rng.randrange(5))
        if kind in ("不予受理", "转信访"):
            item.replied = replied if i % 2 else None
            item.reply = "不属受理范围" if i % 4 == 1 else ""
        elif kind != "已登记":
            item.unit, item.assigned = rng.choice(("镇交通管理站", *NEW_UNITS)), assigned
            item.deadline = assigned + dt.timedelta(days=15) if i % 4 == 0 else None
            if kind != "已交办":
                item.replied, item.reply = replied, f"已处理{i}"
            if kind in ("已回访", "已办结", "满意未写状态", "不满意"):
                item.visited = visited
                item.satisfaction = (Satisfaction.DISSATISFIED if kind == "不满意" else Satisfaction.SATISFIED
                                     if kind == "已办结" else Satisfaction.BASICALLY_SATISFIED)
            item.status = {"已回访": "已答复", "满意未写状态": None, "不满意": "已交办"}.get(kind, kind)
        items.append(item)
    return items


def register_one_by_one(db: Database, actor: Actor, items: list[Item], deputy_id: int) -> None:
    """The items as the import wrote them before it wrote in bulk: `register_in_session` and then
    `apply_action_in_session` step by step, given numbers first, then the blank ones in the order
    received."""
    units = {u.name: u.id for u in handling_units.list_units(db)}
    for name in NEW_UNITS:
        units[name] = handling_units.add_unit(db, actor, name)
    values = settings.get_all(db)
    items = sorted(items, key=lambda i: (0, *i.number) if i.number else (1, i.received.toordinal(), i.index))
    with db.transaction() as session:
        for item in items:
            person = SubmitterInput(item.person, item.phone) if item.person else None
            opinion = mailbox.register_in_session(session, actor, OpinionInput(
                item.received, item.channel, item.content, submitter=person, village="东坑村",
                category="交通道路", receiving_deputy_id=deputy_id if item.deputy else None, note="台账导入",
                number=item.number))
            steps: list[tuple[OpinionAction, dt.date, dict[str, object]]] = []
            if item.kind in ("不予受理", "转信访"):
                action = A.REJECT if item.kind == "不予受理" else A.REDIRECT
                steps.append((action, item.replied or item.received, {"reason": item.reply or "台账导入"}))
            if item.assigned and item.unit:
                steps.append((A.ASSIGN, item.assigned, {"lead_unit_id": units[item.unit],
                                                        "deadline": item.deadline}))
            if item.replied and item.kind not in ("不予受理", "转信访"):
                steps.append((A.REPLY, item.replied, {"note": item.reply}))
            if item.visited:
                steps.append((A.FEED_BACK, item.visited, {}))
                if item.satisfaction == Satisfaction.DISSATISFIED:
                    steps.append((A.REDO, item.visited, {"satisfaction": item.satisfaction}))
                else:
                    steps.append((A.FOLLOW_UP, item.visited, {"satisfaction": item.satisfaction}))
                if item.kind in ("已办结", "满意未写状态"):
                    steps.append((A.CLOSE, item.visited, {}))
            for action, on, more in steps:
                mailbox.apply_action_in_session(session, actor, opinion, action, on, values, **more)  # type: ignore[arg-type]


def what_users_see(db: Database) -> dict[str, tuple[object, ...]]:
    """Number → the item as users see it: its registration, status, unit and deadline, and each
    step (day, statuses, note, reason, unit, deadline, satisfaction, user, assisting units)."""
    with db.session() as session:
        units = dict(session.execute(select(HandlingUnit.id, HandlingUnit.name)).tuples().all())
        deputies = dict(session.execute(select(Deputy.id, Deputy.name)).tuples().all())
        items = session.scalars(select(Opinion).options(
            selectinload(Opinion.submitter),
            selectinload(Opinion.events).selectinload(OpinionEvent.assisting_units)))
        return {o.number: (
            o.received_on, o.channel, (o.submitter.name, o.submitter.phone) if o.submitter else None,
            o.village, o.category, o.content, deputies.get(o.receiving_deputy_id or 0), o.status,
            units.get(o.lead_unit_id or 0), o.deadline,
            [(e.action, e.at, e.from_status, e.to_status, e.note, e.reason, units.get(e.lead_unit_id or 0),
              e.deadline, e.satisfaction, e.user,
              sorted((units[a.unit_id], a.deadline) for a in e.assisting_units)) for e in o.events],
        ) for o in items}


def test_a_large_file_gives_what_the_per_item_path_gave(db: Database, actor: Actor, tmp_path: Path) -> None:
    items = generated_items(270)
    source = write_book(tmp_path / "台账.xlsx", [item.ledger_line() for item in items])
    handling_units.add_unit(db, actor, "镇交通管理站")
    add_roster(db, actor)
    reported: list[tuple[int, int]] = []

    outcome = ledger.import_file(db, actor, source,
                                 progress=Progress(lambda done, total, _text: reported.append((done, total))))

    assert (outcome.rejections, outcome.created, outcome.imported) == ([], 270, 270)
    assert sorted(outcome.notes) == sorted(f"承办单位目录中没有“{name}”，已新建该单位" for name in NEW_UNITS)
    assert reported[-1] == (270, 270)
    imported = what_users_see(db)
    other = second_database(tmp_path, actor)
    try:
        handling_units.add_unit(other, actor, "镇交通管理站")
        register_one_by_one(other, actor, items, add_roster(other, actor)["张三丰"])
        assert imported == what_users_see(other)
    finally:
        other.dispose()
    assert_agrees_with_the_flow(db)
    assert {item[7] for item in imported.values()} == {S.REGISTERED, S.ASSIGNED, S.REPLIED, S.FOLLOWED_UP,
                                                       S.CLOSED, S.REJECTED, S.REDIRECTED}
    assert {f"{i.number[0]}-{i.number[1]:04d}" for i in items if i.number} < set(imported)
    with db.session() as session:
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "ledger.import.opinions")).all()
        assert len(audit) == 1 and "新增270条" in audit[0].summary


def test_the_batch_writes_and_refuses_as_one_by_one(db: Database, actor: Actor, tmp_path: Path) -> None:
    """`register_many_in_session`, with what no ledger writes (assisting units, a 退回 and a second
    交办), gives what `register_in_session` and `apply_action_in_session` give, and refuses what they
    refuse with the same message, writing nothing."""
    other = second_database(tmp_path, actor)
    try:
        for base in (db, other):
            for name in ("镇交通管理站", "镇水利站", "镇环卫所", "旧单位"):
                handling_units.add_unit(base, actor, name)
        lead, helper, spare, old = (u.id for u in sorted(handling_units.list_units(db), key=lambda u: u.id))
        steps = [
            mailbox.StepInput(A.ASSIGN, D(2025, 3, 3), lead_unit_id=lead,
                              assisting_unit_ids=[helper, spare, helper]),
            mailbox.StepInput(A.UNIT_RETURN, D(2025, 3, 4), reason="非本单位职责"),
            mailbox.StepInput(A.ASSIGN, D(2025, 3, 5), lead_unit_id=spare, assisting_unit_ids=[helper],
                              deadline=D(2025, 3, 30)),
            mailbox.StepInput(A.REPLY, D(2025, 3, 20), note=" 已处理 "),
            mailbox.StepInput(A.FEED_BACK, D(2025, 3, 21)),
            mailbox.StepInput(A.REDO, D(2025, 3, 22)),
        ]
        person = SubmitterInput("王五", "13800000000")
        items = [(OpinionInput(D(2025, 3, 1), Channel.PHONE, f"事项{k}", person,
                               number=(2025, 3) if k == 2 else None), steps[:k])
                 for k in range(len(steps) + 1)]
        values = settings.get_all(db)
        with db.transaction() as session:
            ids = mailbox.register_many_in_session(session, actor, items, values)
        with other.transaction() as session:
            for data, taken in items:
                opinion = mailbox.register_in_session(session, actor, data)
                for step in taken:
                    mailbox.apply_action_in_session(
                        session, actor, opinion, step.action, step.on, values, note=step.note,
                        lead_unit_id=step.lead_unit_id, assisting_unit_ids=step.assisting_unit_ids,
                        deadline=step.deadline, satisfaction=step.satisfaction, reason=step.reason)
        batch = what_users_see(db)
        assert batch == what_users_see(other)
        assert sorted(batch) == [f"2025-{n:04d}" for n in range(1, 8)] and len(set(ids)) == 7
        due = workdays.add_months(D(2025, 3, 3), int(values["deadlines.assisting_months"]))
        first_assign = db_event(db, "2025-0004", 1)
        assert first_assign == (A.ASSIGN, [("镇水利站", due), ("镇环卫所", due)])  # 镇水利站 named once
    finally:
        other.dispose()

    handling_units.update_unit(db, actor, old, "旧单位", active=False)
    wrong = [
        ((2025, 3), []),
        (None, [mailbox.StepInput(A.REPLY, D(2025, 3, 2))]),
        (None, [mailbox.StepInput(A.ASSIGN, D(2025, 3, 2), lead_unit_id=old)]),
        (None, [mailbox.StepInput(A.ASSIGN, D(2025, 3, 2), lead_unit_id=lead,
                                  assisting_unit_ids=[lead, old])]),
        (None, [mailbox.StepInput(A.ASSIGN, D(2025, 2, 27), lead_unit_id=lead)]),
        (None, [mailbox.StepInput(A.ASSIGN, D(2025, 3, 5), lead_unit_id=lead),
                mailbox.StepInput(A.REPLY, D(2025, 3, 4))]),
        (None, [mailbox.StepInput(A.REJECT, D(2025, 3, 2), reason=" ")]),
    ]
    for number, taken in wrong:
        data = OpinionInput(D(2025, 3, 1), Channel.PHONE, "错", number=number)
        with pytest.raises(ServiceError) as one_by_one, db.transaction() as session:
            opinion = mailbox.register_in_session(session, actor, data)
            for step in taken:
                mailbox.apply_action_in_session(
                    session, actor, opinion, step.action, step.on, values, note=step.note,
                    lead_unit_id=step.lead_unit_id, assisting_unit_ids=step.assisting_unit_ids,
                    reason=step.reason)
        with pytest.raises(ServiceError) as in_batch, db.transaction() as session:
            good = OpinionInput(D(2025, 3, 1), Channel.PHONE, "对")
            mailbox.register_many_in_session(session, actor, [(good, []), (data, taken)], values)
        assert refusal(in_batch.value) == refusal(one_by_one.value)
    assert what_users_see(db) == batch


def refusal(error: ServiceError) -> tuple[object, ...]:
    return type(error), str(error), getattr(error, "field_errors", None)


def db_event(db: Database, number: str, index: int) -> tuple[OpinionAction, list[tuple[str, dt.date | None]]]:
    """The action of an item's step and the assisting units it named, with their due dates."""
    year, seq = (int(part) for part in number.split("-"))
    with db.session() as session:
        opinion = session.scalars(select(Opinion).where(Opinion.year == year, Opinion.seq == seq).options(
            selectinload(Opinion.events).selectinload(OpinionEvent.assisting_units))).one()
        event = opinion.events[index]
        units = dict(session.execute(select(HandlingUnit.id, HandlingUnit.name)).tuples().all())
        return event.action, sorted((units[a.unit_id], a.deadline) for a in event.assisting_units)
