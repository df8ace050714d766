"""The roster services: validation, audit, history, optimistic locking, photos."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from presidium_app.domain.audit import AuditEntry
from presidium_app.domain.enums import DeputyLevel, DeputyStatus, Gender
from presidium_app.services import deputies, organisation, township
from presidium_app.services.audit import Actor
from presidium_app.services.deputies import DeputyQuery
from presidium_app.services.errors import Conflict, NotFound, ValidationFailed
from presidium_app.storage.database import Database
from tests.helpers import deputy_input, make_id


@pytest.fixture
def term_id(db: Database) -> int:
    term = township.current_term(db)
    assert term is not None
    return term.id


def audit_entries(db: Database) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_add_normalises_and_audits(db: Database, actor: Actor, term_id: int) -> None:
    mandate_id = deputies.add_deputy(
        db, actor, deputy_input(term_id, mobile="138 1234 5678", gender=None, birth_date=None)
    )
    record = deputies.get_deputy(db, mandate_id)
    assert record.data.mobile == "13812345678"
    assert record.data.gender == Gender.MALE  # from the ID number
    assert record.data.birth_date == dt.date(1970, 5, 17)
    last = audit_entries(db)[-1]
    assert (last.user, last.action, last.success, last.object_id) == (
        "测试员",
        "deputy.add",
        True,
        mandate_id,
    )
    assert json.loads(last.after or "{}")["name"] == "张三丰"


def test_wrong_id_is_refused_with_the_field_and_logged(db: Database, actor: Actor, term_id: int) -> None:
    bad = deputy_input(term_id, id_number="361025197005171312")
    with pytest.raises(ValidationFailed) as info:
        deputies.add_deputy(db, actor, bad)
    assert "校验码" in info.value.field_errors["id_number"]
    assert deputies.count(db, DeputyQuery()) == 0


def test_same_person_in_same_term_is_not_added_twice(db: Database, actor: Actor, term_id: int) -> None:
    deputies.add_deputy(db, actor, deputy_input(term_id))
    with pytest.raises(ValidationFailed, match="已在本届名册中"):
        deputies.add_deputy(db, actor, deputy_input(term_id, mobile="13900000000"))
    assert [e.success for e in audit_entries(db) if e.action == "deputy.add"] == [True, False]


def test_same_person_in_a_new_term_gets_a_second_mandate(db: Database, actor: Actor, term_id: int) -> None:
    old = township.ensure_term(db, actor, 18, 2016, 2021)
    first = deputies.add_deputy(db, actor, deputy_input(old.id))
    second = deputies.add_deputy(db, actor, deputy_input(term_id))
    a, b = deputies.get_deputy(db, first), deputies.get_deputy(db, second)
    assert a.deputy_id == b.deputy_id
    assert deputies.count(db, DeputyQuery(term_id=None)) == 2
    assert deputies.count(db, DeputyQuery(term_id=term_id)) == 1


def test_status_change_keeps_history(db: Database, actor: Actor, term_id: int) -> None:
    mandate_id = deputies.add_deputy(db, actor, deputy_input(term_id))
    deputies.change_status(db, actor, mandate_id, DeputyStatus.TRANSFERRED, dt.date(2024, 3, 1), "工作调动")
    deputies.change_status(db, actor, mandate_id, DeputyStatus.SERVING, dt.date(2024, 6, 1), "误登记，恢复")
    record = deputies.get_deputy(db, mandate_id)
    assert [(h.old_status, h.new_status, h.reason) for h in record.history] == [
        (DeputyStatus.SERVING, DeputyStatus.TRANSFERRED, "工作调动"),
        (DeputyStatus.TRANSFERRED, DeputyStatus.SERVING, "误登记，恢复"),
    ]
    assert record.data.left_on is None


def test_departures_name_each_with_the_latest_reason(db: Database, actor: Actor, term_id: int) -> None:
    moved = deputies.add_deputy(db, actor, deputy_input(term_id))
    deputies.change_status(db, actor, moved, DeputyStatus.TRANSFERRED, dt.date(2024, 3, 1), "工作调动")
    deputies.change_status(db, actor, moved, DeputyStatus.SERVING, dt.date(2024, 6, 1), "误登记，恢复")
    deputies.change_status(db, actor, moved, DeputyStatus.RESIGNED, dt.date(2025, 1, 8), "本人辞职")
    serving = deputies.add_deputy(db, actor, deputy_input(
        term_id, "李秀英", gender=Gender.FEMALE, id_number=make_id(dt.date(1975, 2, 3), 242),
        birth_date=dt.date(1975, 2, 3), mobile="13900001111"))
    found = deputies.departures(db, [serving, moved, 999999])
    record = deputies.get_deputy(db, moved)
    assert [(d.name, d.status, d.left_on, d.reason) for d in found] == [
        (deputies.get_deputy(db, serving).data.name, DeputyStatus.SERVING, None, ""),
        (record.data.name, DeputyStatus.RESIGNED, record.data.left_on, "本人辞职"),
    ]


def test_status_change_before_election_is_refused(db: Database, actor: Actor, term_id: int) -> None:
    mandate_id = deputies.add_deputy(db, actor, deputy_input(term_id))
    with pytest.raises(ValidationFailed, match="不能早于当选日期"):
        deputies.change_status(db, actor, mandate_id, DeputyStatus.RESIGNED, dt.date(2020, 1, 1))


def test_non_serving_needs_a_leaving_date(db: Database, actor: Actor, term_id: int) -> None:
    with pytest.raises(ValidationFailed) as info:
        deputies.add_deputy(db, actor, deputy_input(term_id, status=DeputyStatus.DECEASED))
    assert "离任日期" in info.value.field_errors["left_on"]


def test_two_editors_of_one_record_conflict(db: Database, actor: Actor, term_id: int) -> None:
    mandate_id = deputies.add_deputy(db, actor, deputy_input(term_id))
    opened_by_a = deputies.get_deputy(db, mandate_id)
    opened_by_b = deputies.get_deputy(db, mandate_id)
    deputies.update_deputy(
        db,
        Actor("甲"),
        mandate_id,
        deputy_input(term_id, mobile="13900000001"),
        opened_by_a.deputy_version,
        opened_by_a.mandate_version,
    )
    with pytest.raises(Conflict):
        deputies.update_deputy(
            db,
            Actor("乙"),
            mandate_id,
            deputy_input(term_id, mobile="13900000002"),
            opened_by_b.deputy_version,
            opened_by_b.mandate_version,
        )
    assert deputies.get_deputy(db, mandate_id).data.mobile == "13900000001"
    failed = [e for e in audit_entries(db) if not e.success]
    assert failed and failed[-1].user == "乙"


def test_update_cannot_take_someone_elses_id(db: Database, actor: Actor, term_id: int) -> None:
    deputies.add_deputy(db, actor, deputy_input(term_id))
    other_id = make_id(dt.date(1980, 1, 2), 242)
    other = deputies.add_deputy(
        db,
        actor,
        deputy_input(term_id, name="李梅", gender=Gender.FEMALE, birth_date=None, id_number=other_id),
    )
    with pytest.raises(ValidationFailed, match="已属于张三丰"):
        deputies.update_deputy(db, actor, other, deputy_input(term_id, name="李梅"))


def test_groups_and_stations_and_filters(db: Database, actor: Actor, term_id: int) -> None:
    group = organisation.add_group(db, actor, "第一代表小组")
    station = organisation.add_station(db, actor, "镇人大代表之家")
    with pytest.raises(ValidationFailed, match="已存在"):
        organisation.add_group(db, actor, "第一代表小组")
    a = deputies.add_deputy(
        db,
        actor,
        deputy_input(
            term_id,
            group_id=group.id,
            station_id=station.id,
            levels=[DeputyLevel.TOWNSHIP, DeputyLevel.COUNTY],
        ),
    )
    deputies.add_deputy(
        db,
        actor,
        deputy_input(
            term_id,
            name="李梅",
            gender=Gender.FEMALE,
            birth_date=None,
            id_number=make_id(dt.date(1980, 1, 2), 242),
        ),
    )
    assert deputies.search_ids(db, DeputyQuery(group_id=group.id)) == [a]
    assert deputies.search_ids(db, DeputyQuery(station_id=station.id)) == [a]
    assert deputies.search_ids(db, DeputyQuery(level=DeputyLevel.COUNTY)) == [a]
    assert len(deputies.search_ids(db, DeputyQuery(level=DeputyLevel.TOWNSHIP))) == 2
    row = deputies.load_rows(db, [a])[a]
    assert (row.levels, row.group, row.station) == ("乡镇、县", "第一代表小组", "镇人大代表之家")


def test_photo_is_stored_by_content(db: Database, actor: Actor, term_id: int, tmp_path: Path) -> None:
    mandate_id = deputies.add_deputy(db, actor, deputy_input(term_id))
    deputy_id = deputies.get_deputy(db, mandate_id).deputy_id
    png = tmp_path / "photo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    stored = deputies.set_photo(db, actor, deputy_id, png)
    assert (db.paths.photos / stored).read_bytes() == png.read_bytes()
    assert deputies.get_deputy(db, mandate_id).photo == stored
    text = tmp_path / "notes.txt"
    text.write_text("不是图片")
    with pytest.raises(ValidationFailed, match="不是JPG或PNG图片"):
        deputies.set_photo(db, actor, deputy_id, text)


def test_remove_deletes_only_that_term(db: Database, actor: Actor, term_id: int) -> None:
    old = township.ensure_term(db, actor, 18, 2016, 2021)
    first = deputies.add_deputy(db, actor, deputy_input(old.id))
    second = deputies.add_deputy(db, actor, deputy_input(term_id))
    deputies.remove_deputy(db, actor, second)
    assert deputies.search_ids(db, DeputyQuery()) == [first]
    with pytest.raises(NotFound):
        deputies.get_deputy(db, second)
    deputies.remove_deputy(db, actor, first)
    assert deputies.count(db, DeputyQuery()) == 0


def test_township_update_conflict(db: Database, actor: Actor) -> None:
    info = township.get_township(db)
    township.update_township(db, actor, "青山镇", "临川县", "青山大道1号", "0794-1234567", info.version)
    with pytest.raises(Conflict):
        township.update_township(db, actor, "别的镇", "临川县", "", "", info.version)
    assert township.get_township(db).name == "青山镇"
