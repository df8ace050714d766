"""The mailbox and suggestion documents (登记表, 交办单, 答复反馈单, 满意度测评表, 台账, 公示, 建议办理单)
and the voter reception record, printed from the demo township and read back."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from presidium_app.domain.activities import Activity
from presidium_app.domain.enums import (
    ActivityType,
    Channel,
    OpinionAction,
    OpinionStatus,
    Satisfaction,
    SuggestionAction,
)
from presidium_app.domain.mailbox import Opinion, OpinionEvent, Submitter
from presidium_app.domain.suggestions import SuggestionEvent
from presidium_app.printing import registry
from presidium_app.printing.documents import common, satisfaction_form
from presidium_app.printing.fonts import resolve_fonts
from presidium_app.printing.model import cn_date
from presidium_app.printing.registry import PrintRequest, RenderedDocument, UnknownDocument
from presidium_app.services import (
    activities,
    handling_units,
    mailbox,
    opinion_list,
    settings,
    stats,
    suggestion_list,
)
from presidium_app.services.audit import Actor, count_entries
from presidium_app.services.masking import mask_name, mask_phone, public_submitter
from presidium_app.storage.database import Database
from presidium_app.storage.opening import open_database
from presidium_app.storage.paths import resolve_data_paths
from tests.printing.pdfcheck import Page, bad_line_starts, embedded_font_files, read_pdf

YEAR = 2026
ACTOR = Actor("测试员")
PORTRAIT, LANDSCAPE = (210, 297), (297, 210)


class Printed:
    """A rendered document and what its pages say."""

    def __init__(self, rendered: RenderedDocument) -> None:
        self.rendered = rendered
        self.pages: list[Page] = read_pdf(rendered.pdf)
        self.text = "\n".join(page.text for page in self.pages)
        self.flat = "".join(self.text.split())  # no spaces or line breaks: words cut by a wrap join


def render(db: Database, key: str, object_id: int | None, year: int = YEAR) -> Printed:
    return Printed(registry.render(db, key, PrintRequest(year, object_id), ACTOR))


def check_pages(printed: Printed, paper: tuple[int, int] = PORTRAIT) -> None:
    """Paper, page count, embedded fonts and 避头尾: what every document must hold to."""
    assert printed.rendered.pdf.startswith(b"%PDF") and printed.rendered.pages == len(printed.pages) >= 1
    for page in printed.pages:
        assert (round(page.width_mm), round(page.height_mm)) == paper
    if resolve_fonts().all_embedded:
        for page in printed.pages:
            embedded = set(embedded_font_files(page))
            assert embedded and {c.font for c in page.chunks if c.text.strip()} <= embedded
    assert bad_line_starts(printed.pages) == []


def submitters(db: Database) -> list[tuple[str, str]]:
    with db.session() as session:
        return [(name, phone) for name, phone in session.execute(select(Submitter.name, Submitter.phone))]


@pytest.fixture(scope="module")
def db(demo_db: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A copy of the demo township: these tests register and assign a few items, which the other
    printing tests must not see."""
    paths = resolve_data_paths(tmp_path_factory.mktemp("mailbox-print") / "data")
    paths.ensure()
    source = sqlite3.connect(demo_db.paths.database_file)
    target = sqlite3.connect(paths.database_file)
    with target:
        source.backup(target)
    source.close()
    target.close()
    copy = open_database(paths.root)
    yield copy
    copy.dispose()


def _with_actions(db: Database, *actions: OpinionAction) -> int:
    """The year's first opinion whose steps include every one of `actions`."""
    with db.session() as session:
        found: dict[int, set[OpinionAction]] = {}
        for opinion_id, action in session.execute(
                select(OpinionEvent.opinion_id, OpinionEvent.action).join(Opinion)
                .where(Opinion.year == YEAR).order_by(Opinion.seq)):
            found.setdefault(opinion_id, set()).add(action)
    return next(i for i, done in found.items() if set(actions) <= done)


@pytest.fixture(scope="module")
def handled(db: Database) -> int:
    """An opinion assigned, replied, fed back, followed up and closed."""
    return _with_actions(db, OpinionAction.ASSIGN, OpinionAction.REPLY, OpinionAction.FEED_BACK,
                         OpinionAction.FOLLOW_UP, OpinionAction.CLOSE)


@pytest.fixture(scope="module")
def with_assisting_units(db: Database) -> int:
    """A new item handed to a lead unit with two assisting units."""
    opinion_id = mailbox.register_opinion(db, ACTOR, mailbox.OpinionInput(
        received_on=dt.date(YEAR, 11, 2), channel=Channel.PHONE, village="石桥村", category="交通道路",
        content="石桥村至镇区道路夜间没有照明，希望加装路灯。",
        submitter=mailbox.SubmitterInput(name="欧阳明华", phone="13912345678", address="石桥村三组")))
    units = [u.id for u in handling_units.list_units(db)]
    mailbox.apply_action(db, ACTOR, opinion_id, OpinionAction.ASSIGN, dt.date(YEAR, 11, 3),
                         lead_unit_id=units[4], assisting_unit_ids=units[:2])
    return opinion_id


# --- 社情民意登记表 --------------------------------------------------------------------------------


def test_opinion_form_holds_the_full_submitter_and_is_logged(db: Database, handled: int) -> None:
    detail = opinion_list.load_detail(db, handled)
    before = count_entries(db)
    printed = render(db, "opinion-form", handled)
    check_pages(printed)
    assert printed.rendered.pages == 1 and count_entries(db) == before + 1  # personal: audited
    registered = next(e for e in detail.events if e.action == OpinionAction.REGISTER)
    for fact in (detail.number, detail.submitter_name, detail.submitter_phone, detail.village,
                 detail.category, detail.channel.label, cn_date(detail.received_on), "登记人",
                 registered.user, detail.content[:12]):
        assert fact and fact in printed.flat, fact
    assert registry.DOCUMENTS["opinion-form"].personal


def test_opinion_form_of_a_letter_names_its_opening_and_of_an_anonymous_item_says_so(db: Database) -> None:
    with db.session() as session:
        letter = session.scalar(select(Opinion).where(Opinion.year == YEAR,
                                                      Opinion.mailbox_opening_id.is_not(None)))
        anonymous = session.scalar(select(Opinion.id).where(Opinion.year == YEAR,
                                                            Opinion.submitter_id.is_(None)))
        assert letter is not None and anonymous is not None
        letter_id, opened = letter.id, letter.mailbox_opening_id
    text = render(db, "opinion-form", letter_id).flat
    assert "开箱记录" in text and "开箱（本次共" in text and opened
    assert "匿名" in render(db, "opinion-form", anonymous).flat


# --- 交办单 ---------------------------------------------------------------------------------------


def test_assignment_slip_names_unit_deadline_and_requirements_and_masks_the_submitter(
        db: Database, with_assisting_units: int) -> None:
    detail = opinion_list.load_detail(db, with_assisting_units)
    printed = render(db, "assignment-slip", with_assisting_units)
    check_pages(printed)
    assert printed.rendered.pages == 1
    text = printed.flat
    assert detail.deadline is not None and len(detail.assisting_units) == 2
    for fact in (detail.number, detail.lead_unit, cn_date(detail.deadline),
                 *(u.name for u in detail.assisting_units), "书面答复", "承办单位签收：", "日期：", "回执",
                 "青山镇人大主席团"):
        assert fact in text, fact
    days = int(settings.get(db, "deadlines.return_working_days"))
    due = mailbox.return_due(db, dt.date(YEAR, 11, 3))
    assert f"{days}个工作日内" in text and cn_date(due) in text
    assert "欧阳明华" not in text and "13912345678" not in text and "139****5678" not in text
    assert mask_name("欧阳明华") in text
    assert not registry.DOCUMENTS["assignment-slip"].personal


def test_assignment_slip_is_only_for_items_handed_to_a_unit(db: Database) -> None:
    with db.session() as session:
        refused = session.scalar(select(Opinion.id).where(
            Opinion.status.in_([OpinionStatus.REJECTED, OpinionStatus.REDIRECTED])))
    assert refused is not None
    with pytest.raises(UnknownDocument, match="尚未交办"):
        render(db, "assignment-slip", refused)
    offered = {i for i, _label in registry.choices(db, "assignment-slip", YEAR)}
    assert refused not in offered and offered
    everything = {i for i, _label in registry.choices(db, "opinion-form", YEAR)}
    assert offered < everything


def test_an_overdue_item_prints_its_slip(db: Database) -> None:
    overdue = mailbox.overdue_ids(db, dt.date.today())
    assert overdue
    detail = opinion_list.load_detail(db, overdue[0])
    printed = render(db, "assignment-slip", overdue[0])
    assert detail.deadline and cn_date(detail.deadline) in printed.flat and detail.lead_unit in printed.flat


# --- 答复反馈单 -----------------------------------------------------------------------------------


def test_reply_form_carries_the_reply_and_the_feedback(db: Database, handled: int) -> None:
    detail = opinion_list.load_detail(db, handled)
    printed = render(db, "reply-form", handled)
    check_pages(printed)
    text = printed.flat
    replies = [e for e in detail.events if e.action == OpinionAction.REPLY]
    feedback = [e for e in detail.events if e.action == OpinionAction.FEED_BACK]
    for fact in (detail.number, detail.lead_unit, "答复情况", "反馈情况", cn_date(replies[-1].at),
                 cn_date(feedback[-1].at), *("".join(e.note.split()) for e in replies + feedback)):
        assert fact in text, fact
    assert detail.submitter_name not in text and detail.submitter_phone not in text
    assert "".join(public_submitter(detail.submitter_name, detail.submitter_phone).split()) in text


def test_reply_form_before_the_reply_leaves_the_boxes_to_fill(db: Database,
                                                              with_assisting_units: int) -> None:
    text = render(db, "reply-form", with_assisting_units).flat
    assert "答复情况" in text and "单位负责人" in text


# --- 回访满意度测评表 ------------------------------------------------------------------------------


class _Spy(common.CheckBoxes):
    ticked: list[str | None] = []

    def __init__(self, options: list[str], chosen: str | None, font: str, size: float) -> None:
        super().__init__(options, chosen, font, size)
        _Spy.ticked.append(chosen)


def test_satisfaction_form_ticks_the_recorded_rating(db: Database, handled: int,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(satisfaction_form, "CheckBoxes", _Spy)
    _Spy.ticked.clear()
    detail = opinion_list.load_detail(db, handled)
    follow_up = [e for e in detail.events if e.action == OpinionAction.FOLLOW_UP][-1]
    printed = render(db, "satisfaction-form", handled)
    check_pages(printed)
    assert printed.rendered.pages == 1
    assert follow_up.satisfaction is not None and _Spy.ticked == [follow_up.satisfaction.label]
    for fact in (detail.number, "满意", "基本满意", "不满意", cn_date(follow_up.at), "回访日期"):
        assert fact in printed.flat, fact
    assert detail.submitter_name not in printed.flat


def test_satisfaction_form_lists_an_earlier_dissatisfied_follow_up(db: Database) -> None:
    redone = _with_actions(db, OpinionAction.REDO, OpinionAction.FOLLOW_UP)
    detail = opinion_list.load_detail(db, redone)
    redo = next(e for e in detail.events if e.action == OpinionAction.REDO)
    text = render(db, "satisfaction-form", redone).flat
    assert "此前回访" in text and f"{cn_date(redo.at)}回访：不满意" in text


def test_satisfaction_form_needs_a_reply(db: Database, with_assisting_units: int) -> None:
    with pytest.raises(UnknownDocument, match="尚未答复"):
        render(db, "satisfaction-form", with_assisting_units)
    assert with_assisting_units not in {i for i, _ in registry.choices(db, "satisfaction-form", YEAR)}


# --- 台账 -----------------------------------------------------------------------------------------


def test_year_ledger_lists_every_item_with_the_header_on_each_page_and_the_summary(db: Database) -> None:
    printed = render(db, "mailbox-ledger", None)
    check_pages(printed, LANDSCAPE)
    with db.session() as session:
        numbers = [f"{y}-{s:04d}" for y, s in session.execute(
            select(Opinion.year, Opinion.seq).where(Opinion.year == YEAR).order_by(Opinion.seq))]
    assert len(numbers) > 100 and printed.rendered.pages > 3
    for number in numbers:
        assert number in printed.flat
    for page in printed.pages:
        assert any(line.text.replace(" ", "").startswith("编号收到日期渠道反映人") for line in page.lines)
    figures = stats.year_stats(db, YEAR)["opinions"]
    assert f"共{figures['total']}件" in printed.flat
    assert f"回访满意率{figures['satisfaction_rate'] * 100:.1f}%" in printed.flat
    overdue = mailbox.overdue_ids(db, dt.date.today())
    assert overdue and f"逾期未答复{figures['overdue']}件" in printed.flat
    assert printed.flat.count("逾期") >= len(overdue)
    assert not any(name in printed.flat for name, _phone in submitters(db) if len(name) > 1)


def test_month_ledger_holds_the_month_only(db: Database) -> None:
    assert registry.NEEDS["month"] and registry.DOCUMENTS["mailbox-ledger-month"].needs == "month"
    months = registry.choices(db, "mailbox-ledger-month", YEAR)
    assert months[-1] == (1, "1月") and [m for m, _ in months] == sorted((m for m, _ in months), reverse=True)
    printed = render(db, "mailbox-ledger-month", 3)
    check_pages(printed, LANDSCAPE)
    with db.session() as session:
        rows = list(session.execute(select(Opinion.year, Opinion.seq, Opinion.received_on)
                                    .where(Opinion.year == YEAR)))
    inside = [f"{y}-{s:04d}" for y, s, day in rows if day.month == 3]
    outside = [f"{y}-{s:04d}" for y, s, day in rows if day.month != 3]
    assert inside and all(n in printed.flat for n in inside)
    assert not any(n in printed.flat for n in outside)
    assert f"共{len(inside)}件" in printed.flat and "2026年3月社情民意台账" in printed.flat
    with pytest.raises(UnknownDocument, match="月份"):
        render(db, "mailbox-ledger-month", 13)


def test_month_choices_stop_at_the_current_month() -> None:
    today = dt.date(2026, 5, 20)
    assert common.month_choices(2026, today) == [(5, "5月"), (4, "4月"), (3, "3月"), (2, "2月"), (1, "1月")]
    assert len(common.month_choices(2025, today)) == 12 and common.month_choices(2027, today) == []


# --- 办理结果公示 ----------------------------------------------------------------------------------


def test_public_results_show_no_full_name_or_phone(db: Database, with_assisting_units: int) -> None:
    printed = render(db, "public-results", None)
    check_pages(printed, LANDSCAPE)
    people = submitters(db)
    assert len(people) > 100
    for name, phone in people:
        if len(name) > 1:
            assert name not in printed.flat, name
        if phone:
            assert phone not in printed.flat, phone
    with db.session() as session:
        shown = list(session.execute(
            select(Opinion.year, Opinion.seq, Submitter.name, Submitter.phone, Opinion.status)
            .outerjoin(Submitter, Submitter.id == Opinion.submitter_id).where(Opinion.year == YEAR)))
    listed = {OpinionStatus.REPLIED, OpinionStatus.FED_BACK, OpinionStatus.FOLLOWED_UP, OpinionStatus.CLOSED}
    for year, seq, name, phone, status in shown:
        number = f"{year}-{seq:04d}"
        assert (number in printed.flat) == (status in listed), number
        if status in listed and name:  # masked as services.masking masks (name and phone in a cell)
            assert mask_name(name) in printed.flat and (not phone or mask_phone(phone) in printed.flat)
    assert "特此公示" in printed.flat and "青山镇人大主席团" in printed.flat
    last = printed.pages[-1].text
    assert "特此公示" in last and f"{YEAR}-" in last  # the closing never stands alone on a page


# --- 代表建议办理单 --------------------------------------------------------------------------------


def _suggestion(db: Database, *actions: SuggestionAction) -> int:
    with db.session() as session:
        found: dict[int, set[SuggestionAction]] = {}
        for suggestion_id, action in session.execute(
                select(SuggestionEvent.suggestion_id, SuggestionEvent.action).order_by(SuggestionEvent.id)):
            found.setdefault(suggestion_id, set()).add(action)
    return next(i for i, done in sorted(found.items()) if set(actions) <= done)


def test_suggestion_form_holds_replies_contacts_tally_and_rating(db: Database) -> None:
    closed = _suggestion(db, SuggestionAction.REPLY, SuggestionAction.RATE, SuggestionAction.CLOSE)
    detail = suggestion_list.load_detail(db, closed)
    printed = render(db, "suggestion-form", closed)
    check_pages(printed)
    text = printed.flat
    assert detail.result_class is not None and detail.deadline is not None and detail.contacts
    for fact in (detail.number, detail.title, detail.lead_deputy, *detail.co_signers, detail.lead_unit,
                 cn_date(detail.deadline), f"{detail.result_class.letter}{detail.result_class.label}",
                 f"走访{detail.tally.visits}次、见面{detail.tally.meetings}次",
                 *(cn_date(c.contacted_on) for c in detail.contacts)):
        assert fact in text, fact


def test_suggestion_form_shows_the_re_handling(db: Database) -> None:
    redone = _suggestion(db, SuggestionAction.REDO)
    detail = suggestion_list.load_detail(db, redone)
    redo = next(e for e in detail.events if e.action == SuggestionAction.REDO)
    text = render(db, "suggestion-form", redone).flat
    assert f"{cn_date(redo.at)}代表测评不满意" in text and Satisfaction.DISSATISFIED.label in text


# --- 接待选民记录 ----------------------------------------------------------------------------------


def test_voter_reception_record_marks_the_registered_opinions(db: Database) -> None:
    receptions = registry.choices(db, "voter-reception-record", YEAR)
    with db.session() as session:
        kinds = {session.get(Activity, i).type for i, _label in receptions}  # type: ignore[union-attr]
    assert receptions and kinds == {ActivityType.VOTER_RECEPTION}
    reception = next(i for i, _label in receptions if len(activities.raised_opinions(db, i)) >= 2)
    raised = activities.raised_opinions(db, reception)
    numbers = mailbox.register_raised(db, ACTOR, raised[:1])
    assert len(numbers) == 1
    printed = render(db, "voter-reception-record", reception)
    check_pages(printed)
    text = printed.flat
    facts = common.activity_facts(db, reception)
    present = [p.name for p in facts.people if p.attendance is not None and p.attendance.label == "出席"]
    for fact in (numbers[0], "已登记", "未登记", cn_date(facts.date), f"{facts.voters_count}人", *present,
                 *(item.content[:8] for item in raised)):  # a cell's first line
        assert fact in text, fact
    assert "已登记进入社情民意信箱1条" in text


def test_voter_reception_record_refuses_another_kind_of_activity(db: Database) -> None:
    other = next(i for i, label in registry.choices(db, "activity-record", YEAR) if "接待选民" not in label)
    with pytest.raises(UnknownDocument, match="不是接待选民活动"):
        render(db, "voter-reception-record", other)


# --- unknown objects ------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["opinion-form", "assignment-slip", "reply-form", "satisfaction-form",
                                 "suggestion-form", "voter-reception-record"])
def test_an_unknown_id_raises_unknown_document(db: Database, key: str) -> None:
    with pytest.raises(UnknownDocument, match="999999"):
        render(db, key, 999999)
    with pytest.raises(UnknownDocument, match="须指定"):
        render(db, key, None)


def test_the_documents_are_registered_after_the_activity_documents_in_order() -> None:
    keys = list(registry.DOCUMENTS)
    mine = ["opinion-form", "assignment-slip", "reply-form", "satisfaction-form", "mailbox-ledger",
            "mailbox-ledger-month", "public-results", "suggestion-form", "voter-reception-record"]
    positions = [keys.index(k) for k in mine]
    assert positions == sorted(positions) and positions[0] > keys.index("activity-record")


def test_every_year_choice_prints(db: Database) -> None:
    """Each opinion the picker offers for the slip, the reply form and the satisfaction form prints."""
    for key in ("assignment-slip", "reply-form", "satisfaction-form"):
        for object_id, _label in registry.choices(db, key, YEAR)[:: 15]:
            assert render(db, key, object_id).rendered.pages >= 1
