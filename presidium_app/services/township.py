"""The township's own settings and its terms (届次)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from presidium_app.domain.township import Term, Township
from presidium_app.services.audit import CONFLICT_MESSAGE, Actor, check_version, unit_of_work
from presidium_app.services.errors import Conflict, NotFound, ValidationFailed
from presidium_app.services.locking import UNCHECKED, Unchecked, check_value
from presidium_app.storage.database import Database


@dataclass(frozen=True)
class TownshipInfo:
    name: str
    county: str
    address: str
    phone: str
    version: int

    @property
    def full_name(self) -> str:
        return f"{self.county}{self.name}" if self.county else self.name


@dataclass(frozen=True)
class TermInfo:
    id: int
    ordinal: int
    name: str
    label: str
    start_year: int | None
    end_year: int | None
    is_current: bool


def _term_info(term: Term) -> TermInfo:
    return TermInfo(
        term.id,
        term.ordinal,
        term.name,
        term.label,
        term.start_year,
        term.end_year,
        term.is_current,
    )


def is_set_up(db: Database) -> bool:
    with db.session() as session:
        return session.get(Township, 1) is not None


def get_township(db: Database) -> TownshipInfo:
    with db.session() as session:
        row = session.get(Township, 1)
        if row is None:
            raise NotFound("尚未设置乡镇信息，请先完成初始设置")
        return TownshipInfo(row.name, row.county, row.address, row.phone, row.version)


def _check_years(start_year: int | None, end_year: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if start_year is not None and not 1949 <= start_year <= 2100:
        errors["start_year"] = "起始年份不合理"
    if start_year and end_year and end_year < start_year:
        errors["end_year"] = "结束年份不能早于起始年份"
    return errors


def set_up_township(
    db: Database,
    actor: Actor,
    name: str,
    county: str,
    term_ordinal: int,
    start_year: int | None,
    end_year: int | None,
) -> None:
    """First run: the township's name and county, and its current term."""
    errors = _check_years(start_year, end_year)
    if not name.strip():
        errors["name"] = "请填写乡镇名称"
    if term_ordinal <= 0:
        errors["term_ordinal"] = "届次应为正整数"
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work(db, actor, "township.set_up", "township") as change:
        session = change.session
        row = session.get(Township, 1)
        if row is None:
            row = Township(id=1, name=name.strip(), county=county.strip(), address="", phone="")
            session.add(row)
        else:
            change.before = {"name": row.name, "county": row.county}
            row.name, row.county = name.strip(), county.strip()
        term = session.scalar(select(Term).where(Term.ordinal == term_ordinal))
        if term is None:
            term = Term(ordinal=term_ordinal, start_year=start_year, end_year=end_year)
            session.add(term)
        session.execute(update(Term).values(is_current=False))
        term.is_current = True
        change.object_id = 1
        change.summary = f"设置乡镇：{county.strip()}{name.strip()}，当前届次{term.name}"
        change.after = {"name": name.strip(), "county": county.strip(), "term": term_ordinal}


def update_township(
    db: Database, actor: Actor, name: str, county: str, address: str, phone: str, version: int
) -> None:
    if not name.strip():
        raise ValidationFailed({"name": "请填写乡镇名称"})
    with unit_of_work(db, actor, "township.update", "township") as change:
        row = change.session.get(Township, 1)
        if row is None:
            raise NotFound("尚未设置乡镇信息")
        check_version(row.version, version)
        change.before = {"name": row.name, "county": row.county, "address": row.address, "phone": row.phone}
        row.name, row.county, row.address, row.phone = (
            name.strip(),
            county.strip(),
            address.strip(),
            phone.strip(),
        )
        change.object_id = 1
        change.summary = "修改乡镇信息"
        change.after = {"name": row.name, "county": row.county, "address": row.address, "phone": row.phone}


def list_terms(db: Database) -> list[TermInfo]:
    with db.session() as session:
        return [_term_info(t) for t in session.scalars(select(Term).order_by(Term.ordinal))]


def current_term(db: Database) -> TermInfo | None:
    with db.session() as session:
        term = session.scalar(select(Term).where(Term.is_current.is_(True)))
        return _term_info(term) if term else None


def ensure_term(
    db: Database,
    actor: Actor,
    ordinal: int,
    start_year: int | None = None,
    end_year: int | None = None,
    make_current: bool = False,
    opened_with: tuple[int | None, int | None] | Unchecked | None = UNCHECKED,
) -> TermInfo:
    """The term with this ordinal, created if new; optionally made the current one.
    `opened_with` is what the form listed for this ordinal: its (start, end) years, or None when
    it listed no such term. Another user's term or years saved meanwhile make it a Conflict
    (making a listed term the current one is a plain choice and passes nothing)."""
    errors = _check_years(start_year, end_year)
    if ordinal <= 0:
        errors["ordinal"] = "届次应为正整数"
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work(db, actor, "term.save", "term") as change:
        session = change.session
        term = session.scalar(select(Term).where(Term.ordinal == ordinal).with_for_update())
        check_value(None if term is None else (term.start_year, term.end_year), opened_with)
        if term is None:
            term = Term(ordinal=ordinal, start_year=start_year, end_year=end_year, is_current=False)
            session.add(term)
            try:
                session.flush()
            except IntegrityError:  # another user added the same term at the same moment
                raise Conflict(CONFLICT_MESSAGE) from None
        else:
            term.start_year = start_year or term.start_year
            term.end_year = end_year or term.end_year
        if make_current:
            session.execute(update(Term).values(is_current=False))
            term.is_current = True
        session.flush()
        change.object_id = term.id
        change.summary = f"保存届次{term.label}" + ("（设为当前）" if make_current else "")
        change.after = {
            "ordinal": ordinal,
            "start_year": term.start_year,
            "end_year": term.end_year,
            "is_current": term.is_current,
        }
        return _term_info(term)
