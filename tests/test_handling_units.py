"""承办单位的在办与逾期: what each unit has on its desk, counted in SQL (handling_units.unit_workload)."""

from __future__ import annotations

import datetime as dt

import pytest

from presidium_app.domain.enums import Channel, OpinionAction, Satisfaction
from presidium_app.services import handling_units, mailbox
from presidium_app.services.audit import Actor
from presidium_app.storage.database import Database

A = OpinionAction
START = dt.date(2026, 3, 2)
DEADLINE = dt.date(2026, 4, 1)


def register(db: Database, actor: Actor) -> int:
    return mailbox.register_opinion(db, actor, mailbox.OpinionInput(
        received_on=START, channel=Channel.VISIT, content="村口道路破损，雨天积水"))


def assign(db: Database, actor: Actor, lead: int, assisting: tuple[int, ...] = (),
           deadline: dt.date = DEADLINE) -> int:
    opinion_id = register(db, actor)
    mailbox.apply_action(db, actor, opinion_id, A.ASSIGN, START, lead_unit_id=lead,
                         assisting_unit_ids=assisting, deadline=deadline)
    return opinion_id


@pytest.fixture
def units(db: Database, actor: Actor) -> dict[str, int]:
    return {name: handling_units.add_unit(db, actor, name)
            for name in ("镇交通办", "镇农业农村办", "镇民政办", "青山村村委会")}


def counts(db: Database, today: dt.date, unit_id: int) -> tuple[int, int, int]:
    load = handling_units.unit_workload(db, today)[unit_id]
    return load.opinions_open, load.opinions_overdue, load.assisting_open


def test_every_unit_is_listed_with_zeros(db: Database, units: dict[str, int]) -> None:
    workload = handling_units.unit_workload(db, START)
    assert set(workload) == set(units.values())
    for unit_id, load in workload.items():
        assert load == handling_units.UnitWorkload(unit_id)
        assert load.open_total == 0 and load.overdue_total == 0


def test_open_and_overdue_per_lead_unit(db: Database, actor: Actor, units: dict[str, int]) -> None:
    traffic, farming = units["镇交通办"], units["镇农业农村办"]
    assign(db, actor, traffic)
    assign(db, actor, traffic, deadline=DEADLINE + dt.timedelta(days=10))
    assign(db, actor, farming)
    register(db, actor)  # registered, not assigned: nobody's

    assert counts(db, DEADLINE, traffic) == (2, 0, 0)  # the deadline day itself is in time
    assert counts(db, DEADLINE + dt.timedelta(days=1), traffic) == (2, 1, 0)
    assert counts(db, DEADLINE + dt.timedelta(days=11), traffic) == (2, 2, 0)
    assert counts(db, DEADLINE + dt.timedelta(days=1), farming) == (1, 1, 0)
    assert counts(db, DEADLINE + dt.timedelta(days=1), units["镇民政办"]) == (0, 0, 0)


def test_replied_closed_and_returned_items_are_not_counted(
    db: Database, actor: Actor, units: dict[str, int]
) -> None:
    traffic, farming = units["镇交通办"], units["镇农业农村办"]
    replied = assign(db, actor, traffic, (farming,))
    closed = assign(db, actor, traffic, (farming,))
    returned = assign(db, actor, traffic, (farming,))
    late = DEADLINE + dt.timedelta(days=5)
    assert counts(db, late, traffic) == (3, 3, 0)
    assert counts(db, late, farming) == (0, 0, 3)

    mailbox.apply_action(db, actor, replied, A.REPLY, START + dt.timedelta(days=3))
    for step, action in enumerate((A.REPLY, A.FEED_BACK, A.FOLLOW_UP, A.CLOSE), start=3):
        mailbox.apply_action(db, actor, closed, action, START + dt.timedelta(days=step),
                             satisfaction=Satisfaction.SATISFIED if action == A.FOLLOW_UP else None)
    mailbox.apply_action(db, actor, returned, A.UNIT_RETURN, START + dt.timedelta(days=2),
                         reason="不属于本单位职责")
    assert counts(db, late, traffic) == (0, 0, 0)
    assert counts(db, late, farming) == (0, 0, 0)


def test_assisting_units_follow_the_latest_assignment(
    db: Database, actor: Actor, units: dict[str, int]
) -> None:
    traffic, farming = units["镇交通办"], units["镇农业农村办"]
    civil, village = units["镇民政办"], units["青山村村委会"]
    item = assign(db, actor, traffic, (farming, village))
    assign(db, actor, civil, (village,))
    assert counts(db, START, farming) == (0, 0, 1)
    assert counts(db, START, village) == (0, 0, 2)
    assert counts(db, START, civil) == (1, 0, 0)
    assert handling_units.unit_workload(db, START)[village].open_total == 2

    # Returned as misdirected and assigned anew to other units: the first 交办 no longer counts.
    mailbox.apply_action(db, actor, item, A.UNIT_RETURN, START + dt.timedelta(days=1), reason="交办有误")
    mailbox.apply_action(db, actor, item, A.ASSIGN, START + dt.timedelta(days=2), lead_unit_id=farming,
                         assisting_unit_ids=[civil])
    assert counts(db, START, traffic) == (0, 0, 0)
    assert counts(db, START, farming) == (1, 0, 0)
    assert counts(db, START, civil) == (1, 0, 1)
    assert counts(db, START, village) == (0, 0, 1)


def test_a_redone_item_is_open_again_with_its_new_deadline(
    db: Database, actor: Actor, units: dict[str, int]
) -> None:
    traffic = units["镇交通办"]
    item = assign(db, actor, traffic)
    mailbox.apply_action(db, actor, item, A.REPLY, START + dt.timedelta(days=5))
    mailbox.apply_action(db, actor, item, A.FEED_BACK, START + dt.timedelta(days=6))
    assert counts(db, DEADLINE + dt.timedelta(days=1), traffic) == (0, 0, 0)
    redo_due = START + dt.timedelta(days=40)
    mailbox.apply_action(db, actor, item, A.REDO, START + dt.timedelta(days=7), deadline=redo_due)
    assert counts(db, redo_due, traffic) == (1, 0, 0)
    assert counts(db, redo_due + dt.timedelta(days=1), traffic) == (1, 1, 0)


def test_inactive_units_keep_their_counts(db: Database, actor: Actor, units: dict[str, int]) -> None:
    traffic = units["镇交通办"]
    assign(db, actor, traffic)
    unit = next(u for u in handling_units.list_units(db) if u.id == traffic)
    handling_units.update_unit(db, actor, traffic, unit.name, active=False, version=unit.version)
    assert counts(db, DEADLINE + dt.timedelta(days=1), traffic) == (1, 1, 0)


def test_suggestions_count_on_their_lead_unit_and_keep_it_from_deletion(
        db: Database, actor: Actor, units: dict[str, int]) -> None:
    from presidium_app.services import suggestions
    from presidium_app.services.errors import ServiceError
    from tests.test_training import add_deputy

    lead = add_deputy(db, actor, "张三", 0)[1]
    sid = suggestions.create_suggestion(db, actor, suggestions.SuggestionInput(
        START, "关于修缮村道的建议", "村道破损", lead))
    suggestions.apply_action(db, actor, sid, suggestions.A.REFER, START, lead_unit_id=units["镇民政办"],
                             deadline=DEADLINE)
    assign(db, actor, units["镇民政办"])
    late = handling_units.unit_workload(db, DEADLINE + dt.timedelta(days=1))[units["镇民政办"]]
    assert (late.suggestions_open, late.suggestions_overdue) == (1, 1)
    assert (late.open_total, late.overdue_total) == (2, 2)
    assert handling_units.unit_workload(db, DEADLINE)[units["镇民政办"]].overdue_total == 0
    # A unit only met about a suggestion has handled it too: it is deactivated, not deleted.
    suggestions.add_contact(db, actor, sid, START, suggestions.ContactStage.BEFORE,
                            suggestions.ContactKind.VISIT, units["青山村村委会"])
    with pytest.raises(ServiceError, match="代表建议，不能删除"):
        handling_units.delete_unit(db, actor, units["青山村村委会"])
