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
