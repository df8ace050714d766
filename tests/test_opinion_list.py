"""The mailbox list service: filters, status tabs and their counts, search by number, name and
phone tail, masked rows, the overdue flag, paging, and one item in full for the detail pane."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from presidium_app.domain.enums import Channel, OpinionAction, OpinionStatus, Satisfaction
from presidium_app.services import handling_units, mailbox, opinion_list
from presidium_app.services.audit import Actor
from presidium_app.services.errors import NotFound
from presidium_app.services.mailbox import OpinionInput, SubmitterInput
from presidium_app.services.opinion_list import TABS, OpinionFilter
from presidium_app.storage.database import Database

A = OpinionAction
S = OpinionStatus
D = dt.date
DAY = D(2026, 3, 2)
TODAY = D(2026, 5, 20)  # the lists are asked "as of" this day


def _register(db: Database, actor: Actor, content: str, on: dt.date = DAY, name: str = "",
              phone: str = "", id_number: str | None = None, **kwargs: Any) -> int:
    submitter = SubmitterInput(name, phone, id_number, "东山村3组") if name or phone else None
    return mailbox.register_opinion(db, actor, OpinionInput(
        received_on=on, channel=kwargs.pop("channel", Channel.VISIT), content=content,
        submitter=submitter, **kwargs))


@pytest.fixture
def units(db: Database, actor: Actor) -> dict[str, int]:
    return {name: handling_units.add_unit(db, actor, name)
            for name in ("镇交通办", "镇农业农村办", "东山村村委会")}


@pytest.fixture
def items(db: Database, actor: Actor, units: dict[str, int]) -> dict[str, int]:
    """Seven items in every corner of the flow (numbers 2026-0001 … 2026-0007)."""
    ids = {
        "road": _register(db, actor, "村口道路破损，雨天积水严重", name="张三丰", phone="13812345678",
                          id_number="361025197005171310", village="东山村", category="交通道路"),
        "light": _register(db, actor, "希望安装路灯", name="李秀英", phone="13900001111",
                           village="西坑村", category="交通道路"),
        "late": _register(db, actor, "灌溉水渠堵塞", name="王芳", phone="0794-2233445",
                          village="东山村", category="农业农村"),
        "reply": _register(db, actor, "垃圾清运不及时", village="西坑村", category="环境卫生"),
        "closed": _register(db, actor, "学校门口缺少减速带", name="赵敏", phone="13711112222",
                            on=D(2026, 1, 5), village="东山村", category="教育医疗"),
        "court": _register(db, actor, "土地纠纷（已起诉）", name="钱七", phone="13600000000",
                           village="西坑村", category="其他"),
        "old": _register(db, actor, "去年的意见", on=D(2025, 12, 30), category="其他"),
    }
    step = dt.timedelta(days=1)
    # In time: assigned with a deadline after TODAY.
    mailbox.apply_action(db, actor, ids["road"], A.ASSIGN, DAY, lead_unit_id=units["镇交通办"],
                         assisting_unit_ids=[units["东山村村委会"]], deadline=D(2026, 6, 30))
    # Overdue: the deadline passed on 2026-04-01.
    mailbox.apply_action(db, actor, ids["late"], A.ASSIGN, DAY, lead_unit_id=units["镇农业农村办"],
                         deadline=D(2026, 4, 1))
    mailbox.apply_action(db, actor, ids["reply"], A.ASSIGN, DAY, lead_unit_id=units["东山村村委会"],
                         deadline=D(2026, 3, 20))
    mailbox.apply_action(db, actor, ids["reply"], A.REPLY, DAY + step, note="已安排每日清运")
    on = D(2026, 1, 6)
    for action, kwargs in ((A.ASSIGN, {"lead_unit_id": units["镇交通办"], "deadline": D(2026, 2, 1)}),
                           (A.REPLY, {}), (A.FEED_BACK, {}),
                           (A.FOLLOW_UP, {"satisfaction": Satisfaction.SATISFIED}), (A.CLOSE, {})):
        mailbox.apply_action(db, actor, ids["closed"], action, on, **kwargs)
        on += step
    mailbox.apply_action(db, actor, ids["court"], A.REJECT, DAY, reason="正在诉讼程序中")
    return ids


def _ids(db: Database, **kwargs: Any) -> list[int]:
    kwargs.setdefault("today", TODAY)
    return opinion_list.search_ids(db, OpinionFilter(**kwargs))


def test_tabs_list_and_count_by_status(db: Database, items: dict[str, int]) -> None:
    assert [tab.label for tab in TABS] == ["全部", "待交办", "办理中", "逾期", "待反馈/回访", "待办结",
                                           "已办结", "不予受理/转信访"]
    counts = opinion_list.tab_counts(db, OpinionFilter(today=TODAY))
    assert counts == {"all": 7, "to_assign": 2, "handling": 2, "overdue": 1, "to_follow_up": 1,
                      "to_close": 0, "closed": 1, "out": 1}
    for tab in TABS:
        found = _ids(db, tab=tab.key)
        assert len(found) == counts[tab.key] == opinion_list.count(db, OpinionFilter(tab=tab.key,
                                                                                     today=TODAY))
    assert set(_ids(db, tab="to_assign")) == {items["light"], items["old"]}
    assert _ids(db, tab="overdue") == [items["late"]]
    assert set(_ids(db, tab="handling")) == {items["road"], items["late"]}
    assert _ids(db, tab="out") == [items["court"]]
    assert _ids(db, tab="nonsense") == []
    assert _ids(db, status=S.REPLIED) == [items["reply"]]
    # Newest number first: 2026 before 2025, then by sequence downwards.
    everything = _ids(db)
    assert everything[-1] == items["old"]
    assert everything[0] == items["court"]


def test_filters_narrow_the_list_and_the_tab_counts(db: Database, items: dict[str, int],
                                                    units: dict[str, int]) -> None:
    assert set(_ids(db, category="交通道路")) == {items["road"], items["light"]}
    assert set(_ids(db, village="东山村")) == {items["road"], items["late"], items["closed"]}
    assert set(_ids(db, lead_unit_id=units["镇交通办"])) == {items["road"], items["closed"]}
    assert _ids(db, overdue_only=True) == [items["late"]]
    assert set(_ids(db, received_from=D(2026, 1, 1), received_to=D(2026, 1, 31))) == {items["closed"]}
    assert _ids(db, received_to=D(2025, 12, 31)) == [items["old"]]
    assert _ids(db, village="东山村", category="农业农村", tab="overdue") == [items["late"]]
    counts = opinion_list.tab_counts(db, OpinionFilter(village="东山村", today=TODAY))
    assert counts["all"] == 3 and counts["handling"] == 2 and counts["overdue"] == 1
    assert counts["closed"] == 1 and counts["to_assign"] == 0
    # Tomorrow's view of an item due today is not overdue yet: the deadline day is in time.
    assert _ids(db, tab="overdue", today=D(2026, 4, 1)) == []
    assert _ids(db, tab="overdue", today=D(2026, 4, 2)) == [items["late"]]


def test_search_by_number_name_phone_tail_and_content(db: Database, items: dict[str, int]) -> None:
    assert _ids(db, text="2026-0001") == [items["road"]]
    assert _ids(db, text="2026-3") == [items["late"]]
    assert _ids(db, text="2025-") == [items["old"]]
    assert _ids(db, text="张三丰") == [items["road"]]
    assert _ids(db, text="秀英") == [items["light"]]
    assert _ids(db, text="5678") == [items["road"]]  # the tail of 13812345678
    assert _ids(db, text="3445") == [items["late"]]  # a landline's tail
    assert _ids(db, text="路灯") == [items["light"]]
    assert _ids(db, text="东山村 水渠") == [items["late"]]  # words are ANDed
    assert _ids(db, text="100%") == []  # LIKE wildcards are taken literally
    assert _ids(db, text="路", tab="to_assign") == [items["light"]]
    assert opinion_list.tab_counts(db, OpinionFilter(text="张三丰", today=TODAY))["all"] == 1


def test_rows_mask_the_submitter_and_flag_overdue(db: Database, items: dict[str, int]) -> None:
    rows = opinion_list.load_rows(db, list(items.values()), today=TODAY)
    road = rows[items["road"]]
    assert road.number == "2026-0001"
    assert road.submitter == "张*丰 138****5678"
    assert road.channel_label == "来访" and road.status_label == "已交办"
    assert road.lead_unit == "镇交通办" and road.deadline == D(2026, 6, 30)
    assert not road.overdue and road.overdue_days == 0
    assert rows[items["reply"]].submitter == "匿名"
    assert rows[items["late"]].submitter == "王* 0794-*****45"
    late = rows[items["late"]]
    assert late.overdue and late.overdue_days == (TODAY - D(2026, 4, 1)).days
    assert not rows[items["reply"]].overdue  # replied: in time, whatever the date
    for row in rows.values():
        flat = " ".join(str(value) for value in vars(row).values())
        for secret in ("张三丰", "13812345678", "李秀英", "13900001111", "361025197005171310",
                       "2233445", "东山村3组"):
            assert secret not in flat
    long_text = "很长的内容" * 40
    assert opinion_list.excerpt(long_text).endswith("…")
    assert len(opinion_list.excerpt(long_text)) == opinion_list.EXCERPT_CHARS
    assert opinion_list.excerpt("第一行\n第二行") == "第一行 第二行"
    assert opinion_list.load_rows(db, []) == {}


def test_paging_in_sql(db: Database, actor: Actor) -> None:
    for number in range(1, 26):
        _register(db, actor, f"第{number}条意见", name="孙悟空", phone=f"1380000{number:04d}")
    query = OpinionFilter(today=TODAY)
    assert opinion_list.count(db, query) == 25
    first = opinion_list.page(db, query, 0, 10)
    second = opinion_list.page(db, query, 10, 10)
    last = opinion_list.page(db, query, 20, 10)
    assert [r.number for r in first][:2] == ["2026-0025", "2026-0024"]
    assert len(first) == 10 and len(second) == 10 and len(last) == 5
    assert [r.id for r in first + second + last] == opinion_list.search_ids(db, query)
    assert last[-1].number == "2026-0001" and last[-1].submitter == "孙*空 138****0001"
    assert opinion_list.page(db, query, 30, 10) == []
    assert [r.number for r in opinion_list.page(db, OpinionFilter(text="2026-0007"))] == ["2026-0007"]


def test_filter_choices_add_typed_values_to_the_list(db: Database, actor: Actor,
                                                     items: dict[str, int]) -> None:
    mailbox.set_choices(db, actor, "village", ["西坑村", "南塘村"])
    assert opinion_list.filter_choices(db, "village") == ["西坑村", "南塘村", "东山村"]
    categories = opinion_list.filter_choices(db, "category")
    assert categories == list(mailbox.DEFAULT_CATEGORIES)


def test_detail_has_the_full_submitter_units_and_timeline(
        db: Database, actor: Actor, items: dict[str, int], units: dict[str, int]) -> None:
    detail = opinion_list.load_detail(db, items["road"], today=TODAY)
    assert detail.number == "2026-0001" and detail.status == S.ASSIGNED
    assert (detail.submitter_name, detail.submitter_phone, detail.submitter_address) == (
        "张三丰", "13812345678", "东山村3组")
    assert detail.lead_unit == "镇交通办" and detail.deadline == D(2026, 6, 30)
    assert [(u.name, u.deadline is not None) for u in detail.assisting_units] == [("东山村村委会", True)]
    assert [e.action for e in detail.events] == [A.REGISTER, A.ASSIGN]
    assign = detail.events[1]
    assert assign.lead_unit == "镇交通办" and assign.user == actor.name
    assert [u.name for u in assign.assisting_units] == ["东山村村委会"]

    closed = opinion_list.load_detail(db, items["closed"], today=TODAY)
    assert [e.action_label for e in closed.events] == ["登记", "交办", "答复", "反馈", "回访", "办结"]
    assert closed.events[4].satisfaction == Satisfaction.SATISFIED
    late = opinion_list.load_detail(db, items["late"], today=TODAY)
    assert late.overdue and late.overdue_days == 49
    assert opinion_list.load_detail(db, items["reply"]).anonymous
    court = opinion_list.load_detail(db, items["court"])
    assert court.events[-1].reason == "正在诉讼程序中"

    # A unit's return sends the item back without its units.
    mailbox.apply_action(db, actor, items["road"], A.UNIT_RETURN, DAY, reason="不属于本单位职责")
    returned = opinion_list.load_detail(db, items["road"], today=TODAY)
    assert returned.status == S.REGISTERED and returned.lead_unit == "" and not returned.assisting_units

    opening = mailbox.record_opening(db, actor, DAY, "王五", "赵六", 1)
    letter = _register(db, actor, "信件内容", channel=Channel.MAILBOX, mailbox_opening_id=opening)
    assert opinion_list.load_detail(db, letter).opening == "2026-03-02 王五、赵六开箱（共1件）"
    with pytest.raises(NotFound):
        opinion_list.load_detail(db, 999_999)


def test_one_pass_gives_the_same_ids_and_counts(db: Database, items: dict[str, int]) -> None:
    for kwargs in ({}, {"tab": "overdue"}, {"tab": "to_follow_up"}, {"village": "东山村"},
                   {"text": "路", "tab": "to_assign"}, {"status": S.ASSIGNED, "tab": "handling"},
                   {"tab": "nonsense"}):
        query = OpinionFilter(today=TODAY, **kwargs)
        result = opinion_list.list_with_counts(db, query)
        assert result.ids == opinion_list.search_ids(db, query)
        assert result.counts == opinion_list.tab_counts(db, query)


def test_matching_ids_read_by_page_in_index_order_and_all_at_once_under_a_condition(
        db: Database, actor: Actor, items: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[tuple[int, int | None]] = []
    search = opinion_list.search_ids

    def counted(db_: Database, query: OpinionFilter, offset: int = 0, limit: int | None = None) -> list[int]:
        reads.append((offset, limit))
        return search(db_, query, offset, limit)

    monkeypatch.setattr(opinion_list, "search_ids", counted)
    every = opinion_list.MatchingIds(db, OpinionFilter())
    assert every.query.today == dt.date.today()  # fixed: a page left open past midnight agrees
    everything = search(db, OpinionFilter())
    assert every.slice(1, 2) == everything[1:3] and reads == [(1, 2)]
    narrowed = opinion_list.MatchingIds(db, OpinionFilter(tab="to_assign", today=TODAY))
    expected = search(db, OpinionFilter(tab="to_assign", today=TODAY))
    reads.clear()
    assert narrowed.slice(0, 1) + narrowed.slice(1, 100) == expected
    assert narrowed.all() == expected
    assert reads == [(0, None)]  # sorted once, kept
