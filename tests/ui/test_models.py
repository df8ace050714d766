"""Every item model of the UI passes Qt's model tester, and the big lists are really lazy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableView

from presidium_app.domain.enums import DeputyStatus
from presidium_app.ledgers.common import Rejection
from presidium_app.services import audit_log, deputies, township
from presidium_app.services.deputies import DeputyQuery
from presidium_app.ui.models.audit_model import AuditModel
from presidium_app.ui.models.lazy import PAGE_SIZE, Column, LazyTableModel
from presidium_app.ui.models.rejections_model import RejectionsModel
from presidium_app.ui.models.roster_model import RosterModel
from presidium_app.ui.widgets.table import configure_record_table
from tests.helpers import deputy_input, make_id


def _add_three(db: Any, actor: Any) -> list[int]:
    term = township.current_term(db)
    assert term is not None
    ids = [
        deputies.add_deputy(db, actor, deputy_input(term.id)),
        deputies.add_deputy(db, actor, deputy_input(
            term.id, "李四", id_number=make_id(dt.date(1980, 1, 2), 221),
            birth_date=dt.date(1980, 1, 2), mobile="13900001111")),
        deputies.add_deputy(db, actor, deputy_input(
            term.id, "王五", id_number=make_id(dt.date(1975, 3, 4), 333),
            birth_date=dt.date(1975, 3, 4), mobile="13700002222")),
    ]
    deputies.change_status(db, actor, ids[2], DeputyStatus.RESIGNED, dt.date(2023, 5, 1), "辞职")
    return ids


def test_roster_model_passes_model_tester(qtmodeltester: Any, db: Any, actor: Any) -> None:
    _add_three(db, actor)
    model = RosterModel(db)
    model.set_ids(deputies.search_ids(db, DeputyQuery()))
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 3
    names = {model.index(r, 0).data() for r in range(3)}
    assert names == {"张三丰", "李四", "王五"}


def test_roster_model_greys_deputies_who_left(db: Any, actor: Any) -> None:
    ids = _add_three(db, actor)
    model = RosterModel(db)
    model.set_ids(ids)
    left = model.index(2, 0).data(Qt.ItemDataRole.ForegroundRole)
    serving = model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(left, QColor)
    assert serving is None
    assert model.index(2, 10).data() == "辞职"


def test_empty_roster_model_passes_model_tester(qtmodeltester: Any, db: Any) -> None:
    model = RosterModel(db)
    qtmodeltester.check(model, force_py=True)
    model.set_ids([])
    assert model.rowCount() == 0


def test_audit_model_passes_model_tester(qtmodeltester: Any, db: Any, actor: Any) -> None:
    _add_three(db, actor)
    model = AuditModel(db)
    model.set_ids(audit_log.search_ids(db, audit_log.AuditQuery()))
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() >= 4
    assert model.index(0, 2).data() == "状态变动"  # newest first


def test_rejections_model_passes_model_tester(qtmodeltester: Any) -> None:
    model = RejectionsModel([Rejection(4, "公民身份号码", "校验码不正确"),
                             Rejection(7, "手机号码", "应为11位")])
    qtmodeltester.check(model, force_py=True)
    assert model.index(0, 0).data() == "第4行"
    assert model.index(1, 2).data() == "应为11位"
    assert model.headerData(1, Qt.Orientation.Horizontal) == "列"


def test_lazy_model_fetches_only_pages_on_screen(qtbot: Any, qtmodeltester: Any) -> None:
    """10^4 records: the view asks for the rows it shows, one page at a time, never all."""
    asked: list[list[int]] = []

    def loader(ids: list[int]) -> dict[int, str]:
        asked.append(ids)
        return {i: f"代表{i}" for i in ids}

    model: LazyTableModel[str] = LazyTableModel(
        [Column("姓名", lambda r: r, "代表00000"), Column("编号", lambda r: r[2:], "00000")], loader)
    model.set_ids(range(10_000))
    view = QTableView()
    qtbot.addWidget(view)
    configure_record_table(view, model)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: bool(asked))
    qtbot.wait(20)
    assert len(asked) <= 2
    assert all(len(page) <= PAGE_SIZE for page in asked)
    view.scrollToBottom()
    view.viewport().repaint()
    assert model.index(9_999, 0).data() == "代表9999"
    assert len(asked) <= 4
    assert sum(len(p) for p in asked) <= 4 * PAGE_SIZE


def test_lazy_model_forgets_invalidated_rows() -> None:
    names = {1: "甲", 2: "乙"}
    model: LazyTableModel[str] = LazyTableModel(
        [Column("姓名", lambda r: r)], lambda ids: {i: names[i] for i in ids if i in names})
    model.set_ids([1, 2])
    assert model.index(0, 0).data() == "甲"
    names[1] = "丙"
    assert model.index(0, 0).data() == "甲"  # cached
    model.invalidate([1])
    assert model.index(0, 0).data() == "丙"
    del names[2]
    model.invalidate()
    assert model.index(1, 0).data() == "（已删除）"


class Ids:
    """An id source over a list, noting what was read."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids
        self.slices: list[tuple[int, int]] = []
        self.alls = 0

    def slice(self, offset: int, limit: int) -> list[int]:
        self.slices.append((offset, limit))
        return self.ids[offset:offset + limit]

    def all(self) -> list[int]:
        self.alls += 1
        return list(self.ids)


def test_lazy_model_shows_a_total_from_its_first_ids_and_reads_the_rest_when_needed(
        qtbot: Any, qtmodeltester: Any) -> None:
    """The list opens on its first ids and the total; a page scrolled to reads its own ids,
    and all of them are read once, when a record past the first ones is looked for."""
    source = Ids(list(range(10_000)))
    model: LazyTableModel[str] = LazyTableModel(
        [Column("姓名", lambda r: r, "代表00000")], lambda ids: {i: f"代表{i}" for i in ids})
    model.set_first_ids(range(200), 10_000, source)
    assert model.rowCount() == 10_000
    assert model.index(150, 0).data() == "代表150"
    assert model.headerData(9_999, Qt.Orientation.Vertical) == "10000"
    assert source.slices == [] and source.alls == 0
    assert model.index(9_999, 0).data() == "代表9999"
    assert model.index(9_950, 0).data() == "代表9950"
    assert source.slices == [(9_900, PAGE_SIZE)] and source.alls == 0  # one page, read once
    assert model.row_of(5_000) == 5_000
    assert model.row_of(7_000) == 7_000
    assert source.alls == 1
    qtmodeltester.check(model)

    model.set_first_ids(range(200), 10_000, source)
    assert model.ids()[-1] == 9_999 and source.alls == 2

    odd = Ids(list(range(10)))  # first ids that end inside a page
    model.set_first_ids([0, 1, 2], 10, odd)
    assert [model.index(row, 0).data() for row in range(10)] == [f"代表{i}" for i in range(10)]

    model.set_first_ids([1, 2], 2, odd)  # all of them already: nothing more to read
    assert model.ids() == [1, 2] and odd.alls == 0


def test_lazy_model_recounts_when_the_records_changed_before_the_rest_was_read(qtbot: Any) -> None:
    """Another user added records between the first ids and the rest: the view is reset on the
    next turn of the event loop with the true count."""
    model: LazyTableModel[str] = LazyTableModel(
        [Column("姓名", lambda r: r)], lambda ids: {i: f"代表{i}" for i in ids})
    model.set_first_ids([0, 1, 2], 5, Ids([0, 1, 2, 3, 4, 5, 6]))
    assert model.row_of(6) == 6
    assert model.rowCount() == 5  # not while a view may be painting
    with qtbot.waitSignal(model.modelReset):
        pass
    assert model.rowCount() == 7 and model.index(6, 0).data() == "代表6"

    model.set_first_ids([9, 8, 7], 5, Ids([9, 7, 8, 6, 5]))  # same count, another order
    assert model.row_of(5) == 4
    with qtbot.waitSignal(model.modelReset):
        pass
    assert [model.index(row, 0).data() for row in range(3)] == ["代表9", "代表7", "代表8"]


def test_lazy_model_finds_and_refreshes_only_read_rows_without_reading_more(qtbot: Any) -> None:
    source = Ids(list(range(1000)))
    model: LazyTableModel[str] = LazyTableModel(
        [Column("姓名", lambda r: r)], lambda ids: {i: f"代表{i}" for i in ids})
    model.set_first_ids(range(200), 1000, source)
    assert model.index(950, 0).data() == "代表950"  # its page is read
    assert model.loaded_row_of(120) == 120 and model.loaded_row_of(950) == 950
    assert model.loaded_row_of(500) is None
    model.invalidate([500, 950])
    assert source.alls == 0
    assert model.index(950, 0).data() == "代表950"


def test_lazy_model_answers_each_role_from_the_rows_cells(qtbot: Any) -> None:
    model: LazyTableModel[str] = LazyTableModel(
        [Column("姓名", lambda r: r), Column("备注", lambda r: r + "的备注", tooltip=True)],
        lambda ids: {i: f"代表{i}" for i in ids})
    model.set_ids([4, 9])
    index = model.index(1, 1)
    assert index.data() == "代表9的备注"
    assert index.data(Qt.ItemDataRole.ToolTipRole) == "代表9的备注"
    assert model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole) is None
    assert index.data(Qt.ItemDataRole.UserRole) == 9
    assert index.data(Qt.ItemDataRole.DecorationRole) is None
    assert model.pages_loaded == 1
