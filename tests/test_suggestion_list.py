"""The suggestions list service: filters, status tabs and their counts, search by number, title,
content and the names of the lead deputy and the co-signers, the overdue flag, paging, and one
suggestion in full for the detail pane."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from presidium_app.domain.enums import (
    Channel,
    ContactKind,
    ContactStage,
    ResultClass,
    Satisfaction,
    SuggestionAction,
    SuggestionStatus,
)
from presidium_app.services import handling_units, mailbox, suggestion_list, suggestions
from presidium_app.services.audit import Actor
from presidium_app.services.errors import NotFound
from presidium_app.services.suggestion_list import TABS, SuggestionFilter
from presidium_app.services.suggestions import SuggestionInput
from presidium_app.storage.database import Database
from tests.test_training import add_deputy

A = SuggestionAction
S = SuggestionStatus
D = dt.date
DAY = D(2026, 3, 2)
TODAY = D(2026, 7, 20)  # the lists are asked "as of" this day


@pytest.fixture
def people(db: Database, actor: Actor) -> dict[str, int]:
    ids = {name: add_deputy(db, actor, name, seq)[1]
           for seq, name in enumerate(("张三丰", "李秀英", "王芳", "赵敏"))}
    ids["交通办"] = handling_units.add_unit(db, actor, "镇交通办")
    ids["农业办"] = handling_units.add_unit(db, actor, "镇农业农村办")
    ids["财政所"] = handling_units.add_unit(db, actor, "镇财政所")
    return ids


def _make(db: Database, actor: Actor, title: str, lead: int, co: list[int] | None = None,
          on: dt.date = DAY, category: str = "交通道路", content: str = "") -> int:
    return suggestions.create_suggestion(db, actor, SuggestionInput(
        submitted_on=on, title=title, content=content or f"{title}的具体内容。", lead_deputy_id=lead,
        co_signer_ids=co or [], category=category))


def _act(db: Database, actor: Actor, sid: int, action: A, on: dt.date = DAY, **kwargs: Any) -> None:
    suggestions.apply_action(db, actor, sid, action, on, **kwargs)


@pytest.fixture
def items(db: Database, actor: Actor, people: dict[str, int]) -> dict[str, int]:
    """Seven suggestions in every corner of the flow (2026-001 … 2026-006, and one of 2025)."""
    p = people
    ids = {
        "road": _make(db, actor, "关于修缮村道的建议", p["张三丰"], [p["李秀英"], p["王芳"], p["赵敏"]]),
        "light": _make(db, actor, "关于安装路灯的建议", p["李秀英"]),
        "late": _make(db, actor, "关于疏通灌溉水渠的建议", p["王芳"], [p["张三丰"]], category="农业农村",
                      content="东山村水渠堵塞，影响春耕。"),
        "reply": _make(db, actor, "关于垃圾清运的建议", p["赵敏"], category="环境卫生"),
        "rated": _make(db, actor, "关于学校减速带的建议", p["张三丰"], category="教育医疗"),
        "closed": _make(db, actor, "关于文化广场的建议", p["李秀英"], [p["赵敏"]], on=D(2026, 1, 5),
                        category="其他"),
        "old": _make(db, actor, "去年的建议", p["王芳"], on=D(2025, 12, 30), category="其他"),
    }
    # In time: referred with a deadline after TODAY.
    _act(db, actor, ids["road"], A.REFER, lead_unit_id=p["交通办"], assisting_unit_ids=[p["财政所"]],
         deadline=D(2026, 8, 31))
    # Overdue: the deadline passed on 2026-06-02 (three months, the default).
    _act(db, actor, ids["late"], A.REFER, lead_unit_id=p["农业办"])
    _act(db, actor, ids["reply"], A.REFER, lead_unit_id=p["交通办"])
    _act(db, actor, ids["reply"], A.REPLY, result_class=ResultClass.PLANNED, note="列入明年计划")
    _act(db, actor, ids["rated"], A.REFER, lead_unit_id=p["交通办"])
    _act(db, actor, ids["rated"], A.REPLY, result_class=ResultClass.SOLVED, note="已安装")
    _act(db, actor, ids["rated"], A.RATE, satisfaction=Satisfaction.SATISFIED)
    on = D(2026, 1, 6)
    for action, kwargs in ((A.REFER, {"lead_unit_id": p["农业办"]}),
                           (A.REPLY, {"result_class": ResultClass.BEING_SOLVED, "note": "正在建设"}),
                           (A.RATE, {"satisfaction": Satisfaction.BASICALLY_SATISFIED}),
                           (A.CLOSE, {})):
        _act(db, actor, ids["closed"], action, on, **kwargs)
        on += dt.timedelta(days=1)
    return ids


def _ids(db: Database, **kwargs: Any) -> list[int]:
    kwargs.setdefault("today", TODAY)
    return suggestion_list.search_ids(db, SuggestionFilter(**kwargs))


def test_tabs_list_and_count_by_status(db: Database, items: dict[str, int]) -> None:
    assert [tab.label for tab in TABS] == ["全部", "待交办", "办理中", "逾期", "待测评", "待办结", "已办结"]
    counts = suggestion_list.tab_counts(db, SuggestionFilter(today=TODAY))
    assert counts == {"all": 7, "to_refer": 2, "handling": 2, "overdue": 1, "to_rate": 1,
                      "to_close": 1, "closed": 1}
    for tab in TABS:
        found = _ids(db, tab=tab.key)
        assert len(found) == counts[tab.key] == suggestion_list.count(
            db, SuggestionFilter(tab=tab.key, today=TODAY))
    assert set(_ids(db, tab="to_refer")) == {items["light"], items["old"]}
    assert _ids(db, tab="overdue") == [items["late"]]
    assert set(_ids(db, tab="handling")) == {items["road"], items["late"]}
    assert _ids(db, tab="to_rate") == [items["reply"]]
    assert _ids(db, tab="to_close") == [items["rated"]]
    assert _ids(db, tab="closed") == [items["closed"]]
    assert _ids(db, tab="nonsense") == []
    assert _ids(db, status=S.REPLIED) == [items["reply"]]
    everything = _ids(db)  # newest number first: 2026 before 2025, then by sequence downwards
    assert everything[0] == items["closed"] and everything[-1] == items["old"]


def test_filters_narrow_the_list_and_the_tab_counts(db: Database, items: dict[str, int],
                                                    people: dict[str, int]) -> None:
    assert set(_ids(db, category="其他")) == {items["closed"], items["old"]}
    assert set(_ids(db, lead_unit_id=people["交通办"])) == {items["road"], items["reply"], items["rated"]}
    assert _ids(db, result_class=ResultClass.PLANNED) == [items["reply"]]
    assert _ids(db, result_class=ResultClass.SOLVED) == [items["rated"]]
    assert _ids(db, overdue_only=True) == [items["late"]]
    assert _ids(db, submitted_from=D(2026, 1, 1), submitted_to=D(2026, 1, 31)) == [items["closed"]]
    assert _ids(db, submitted_to=D(2025, 12, 31)) == [items["old"]]
    # The deputy filter finds a deputy as lead and as co-signer.
    assert set(_ids(db, deputy_id=people["张三丰"])) == {items["road"], items["late"], items["rated"]}
    assert set(_ids(db, deputy_id=people["赵敏"])) == {items["road"], items["reply"], items["closed"]}
    counts = suggestion_list.tab_counts(db, SuggestionFilter(deputy_id=people["张三丰"], today=TODAY))
    assert counts["all"] == 3 and counts["handling"] == 2 and counts["overdue"] == 1
    assert counts["to_close"] == 1 and counts["to_refer"] == 0
    assert _ids(db, lead_unit_id=people["农业办"], tab="overdue") == [items["late"]]
    # The deadline day itself is in time.
    assert _ids(db, tab="overdue", today=D(2026, 6, 2)) == []
    assert _ids(db, tab="overdue", today=D(2026, 6, 3)) == [items["late"]]


def test_search_by_number_title_content_and_deputy_names(db: Database, items: dict[str, int]) -> None:
    assert _ids(db, text="2026-001") == [items["road"]]
    assert _ids(db, text="2026-3") == [items["late"]]
    assert _ids(db, text="2025-") == [items["old"]]
    assert _ids(db, text="路灯") == [items["light"]]
    assert _ids(db, text="春耕") == [items["late"]]  # the content
    assert set(_ids(db, text="秀英")) == {items["road"], items["light"], items["closed"]}  # lead or co
    assert set(_ids(db, text="赵敏")) == {items["road"], items["reply"], items["closed"]}
    assert _ids(db, text="赵敏 垃圾") == [items["reply"]]  # words are ANDed
    assert set(_ids(db, text="zm")) == {items["road"], items["reply"], items["closed"]}  # initials
    assert set(_ids(db, text="wangfang")) == {items["road"], items["late"], items["old"]}
    assert _ids(db, text="100%") == []  # LIKE wildcards are taken literally
    assert _ids(db, text="张三丰", tab="to_close") == [items["rated"]]
    assert suggestion_list.tab_counts(db, SuggestionFilter(text="路灯", today=TODAY))["all"] == 1


def test_rows_show_the_signers_units_results_and_overdue(db: Database, items: dict[str, int]) -> None:
    rows = suggestion_list.load_rows(db, list(items.values()), today=TODAY)
    road = rows[items["road"]]
    assert (road.number, road.title, road.lead_deputy) == ("2026-001", "关于修缮村道的建议", "张三丰")
    assert road.co_signers == ("李秀英", "王芳", "赵敏") and road.co_signer_count == 3
    assert road.co_signers_text == "李秀英、王芳等3人"
    assert rows[items["late"]].co_signers_text == "张三丰"
    assert rows[items["light"]].co_signers_text == ""
    assert road.lead_unit == "镇交通办" and road.deadline == D(2026, 8, 31)
    assert road.status_label == "已交办" and not road.overdue and road.overdue_days == 0
    late = rows[items["late"]]
    assert late.overdue and late.overdue_days == (TODAY - D(2026, 6, 2)).days
    reply = rows[items["reply"]]
    assert (reply.status_label, reply.result_letter, reply.satisfaction_label) == ("已答复", "C", "")
    assert not reply.overdue  # replied: in time, whatever the date
    closed = rows[items["closed"]]
    assert (closed.status_label, closed.result_letter, closed.satisfaction_label) == (
        "已办结", "B", "基本满意")
    assert rows[items["old"]].number == "2025-001" and rows[items["old"]].lead_unit == ""
    assert suggestion_list.load_rows(db, []) == {}


def test_paging_in_sql(db: Database, actor: Actor, people: dict[str, int]) -> None:
    for number in range(1, 26):
        _make(db, actor, f"第{number}条建议", people["王芳"], [people["赵敏"]])
    query = SuggestionFilter(today=TODAY)
    assert suggestion_list.count(db, query) == 25
    first = suggestion_list.page(db, query, 0, 10)
    second = suggestion_list.page(db, query, 10, 10)
    last = suggestion_list.page(db, query, 20, 10)
    assert [r.number for r in first][:2] == ["2026-025", "2026-024"]
    assert len(first) == 10 and len(second) == 10 and len(last) == 5
    assert [r.id for r in first + second + last] == suggestion_list.search_ids(db, query)
    assert last[-1].number == "2026-001" and last[-1].co_signers == ("赵敏",)
    assert suggestion_list.page(db, query, 30, 10) == []
    assert [r.number for r in suggestion_list.page(db, SuggestionFilter(text="2026-007"))] == ["2026-007"]
    assert [r.title for r in suggestion_list.page(db, SuggestionFilter(text="2026-007"))] == ["第7条建议"]


def test_category_choices_add_typed_values_to_the_list(db: Database, actor: Actor,
                                                       people: dict[str, int]) -> None:
    _make(db, actor, "关于民宿的建议", people["王芳"], category="乡村旅游")
    assert suggestion_list.category_choices(db) == [*mailbox.DEFAULT_CATEGORIES, "乡村旅游"]


def test_detail_has_the_signers_units_contacts_and_timeline(
        db: Database, actor: Actor, items: dict[str, int], people: dict[str, int]) -> None:
    suggestions.add_contact(db, actor, items["road"], DAY, ContactStage.BEFORE, ContactKind.VISIT,
                            people["交通办"], "李主任", "上门听取意见")
    suggestions.add_contact(db, actor, items["road"], DAY, ContactStage.DURING, ContactKind.MEETING)
    detail = suggestion_list.load_detail(db, items["road"], today=TODAY)
    assert (detail.number, detail.status, detail.lead_deputy) == ("2026-001", S.REFERRED, "张三丰")
    assert detail.co_signers == ("李秀英", "王芳", "赵敏")
    assert detail.co_signer_ids == (people["李秀英"], people["王芳"], people["赵敏"])
    assert detail.lead_unit == "镇交通办" and detail.deadline == D(2026, 8, 31)
    assert [(u.name, u.deadline) for u in detail.assisting_units] == [("镇财政所", D(2026, 4, 2))]
    assert detail.tally.text == "走访1次、见面1次（要求三访两见面）"
    first = detail.contacts[0]
    assert (first.stage, first.kind, first.unit, first.people, first.note) == (
        ContactStage.BEFORE, ContactKind.VISIT, "镇交通办", "李主任", "上门听取意见")
    assert detail.contacts[1].unit == ""
    assert [e.action for e in detail.events] == [A.REGISTER, A.REFER]
    refer = detail.events[1]
    assert refer.lead_unit == "镇交通办" and refer.user == actor.name
    assert [u.name for u in refer.assisting_units] == ["镇财政所"]
    assert detail.opinion_id is None and detail.opinion_number == ""
    assert detail.last_step_on == DAY

    closed = suggestion_list.load_detail(db, items["closed"], today=TODAY)
    assert [e.action_label for e in closed.events] == ["登记", "交办", "答复", "代表测评", "办结"]
    assert closed.events[2].result_class == ResultClass.BEING_SOLVED
    assert closed.events[3].satisfaction == Satisfaction.BASICALLY_SATISFIED
    assert closed.assisting_units == ()
    late = suggestion_list.load_detail(db, items["late"], today=TODAY)
    assert late.overdue and late.overdue_days == 48
    with pytest.raises(NotFound):
        suggestion_list.load_detail(db, 99_999)


def test_detail_names_the_opinion_it_came_from(db: Database, actor: Actor,
                                               people: dict[str, int]) -> None:
    oid = mailbox.register_opinion(db, actor, mailbox.OpinionInput(
        received_on=DAY, channel=Channel.DEPUTY, content="村口路灯不亮，夜间出行不便。",
        category="基层治理", receiving_deputy_id=people["王芳"]))
    draft = suggestions.draft_from_opinion(db, oid)
    draft.submitted_on = DAY
    sid = suggestions.create_suggestion(db, actor, draft)
    detail = suggestion_list.load_detail(db, sid)
    assert detail.opinion_id == oid and detail.opinion_number == "2026-0001"
    assert detail.lead_deputy == "王芳"
