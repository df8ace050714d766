"""学习培训: the annual plan (title, goals, sessions), holding a session (which records a 学习培训
activity with attendance), how far the plan has come, and — at any time — the deputies who have
not attended any training this term. Everything shown is read back from the training service
after each change, so the figures always come from the records."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from presidium_app.services import township, training
from presidium_app.services.errors import NotFound, ServiceError
from presidium_app.services.training import PlanRecord, SessionRecord
from presidium_app.ui import ledger_actions, messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.dialogs.activity_dialog import ActivityDialog
from presidium_app.ui.dialogs.hold_session_dialog import HoldSessionDialog
from presidium_app.ui.dialogs.plan_dialog import PlanDialog
from presidium_app.ui.dialogs.session_dialog import SessionDialog
from presidium_app.ui.models.training_models import (
    TOPIC_COLUMN,
    SessionsModel,
    UntrainedModel,
    format_hours,
    is_overdue,
)
from presidium_app.ui.widgets.actions import action_button, make_action
from presidium_app.ui.widgets.print_button import print_button
from presidium_app.ui.widgets.shortcuts import widget_shortcut
from presidium_app.ui.widgets.table import configure_record_table

HELD_REMOVE_TEXT = ("这一场已经举办，出席情况已记入代表活动，作为代表履职的记录保留，不能从计划中删除。\n"
                    "如果是误登记了举办，请先到“代表活动”中删除这次学习培训活动，"
                    "这一场就会恢复为未举办，然后可以修改或删除。")


class FigureCard(QFrame):
    """One figure of the plan's progress: a big number and what it counts."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statCard")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(2)
        self.number = QLabel("0")
        self.number.setObjectName("statNumber")
        self.caption = QLabel(caption)
        self.caption.setObjectName("statCaption")
        layout.addWidget(self.number)
        layout.addWidget(self.caption)

    def set_figure(self, value: str, unit: str, caption: str | None = None) -> None:
        self.number.setText(
            f"{value}<span style='font-size:13px; font-weight:normal'> {unit}</span>")
        if caption is not None:
            self.caption.setText(caption)

    def figure(self) -> str:
        """The number as plain text (for tests): "3 / 9"."""
        text = self.number.text()
        return text.split("<span", 1)[0].strip()


class UntrainedPanel(QFrame):
    """本届未参加培训的代表: serving deputies of the current term with no training attended."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("statCard")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(6)
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        self.explain = QLabel()
        self.explain.setObjectName("hint")
        self.explain.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(self.explain)
        self.model = UntrainedModel(ctx.db, self)
        self.table = QTableView()
        self.table.setObjectName("untrainedTable")
        configure_record_table(self.table, self.model, stretch=2)
        self.empty = QLabel()
        self.empty.setObjectName("emptyHint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)

    def refresh(self) -> None:
        term = township.current_term(self.ctx.db)
        people = training.untrained_this_term(self.ctx.db)
        self.model.set_ids([p.mandate_id for p in people])
        self.model.invalidate()
        self.title.setText(f"本届未参加培训的代表（{len(people)}人）")
        if term is None:
            self.explain.setText("尚未设置当前届次。")
        else:
            years = f"{term.start_year}—{term.end_year}年" if term.start_year else ""
            self.explain.setText(
                f"{term.name}{'（' + years + '）' if years else ''}在任代表中，"
                "还没有出席过任何一次学习培训的。举办一场培训并登记出勤后，这里随即更新。")
        if people:
            self.stack.setCurrentWidget(self.table)
        else:
            self.empty.setText("本届在任代表都已参加过学习培训。" if term is not None
                               else "设置当前届次后，这里列出本届还没有参加过培训的代表。")
            self.stack.setCurrentWidget(self.empty)

    def names(self) -> list[str]:
        """The names listed, in order (for tests)."""
        return [self.model.index(r, 0).data() for r in range(self.model.rowCount())]


class TrainingPage(QWidget):
    """The training area. Dialogs open with `open()` (not exec) and are kept in `self.dialog`."""

    changed = Signal()  # a plan, a session or an attendance was saved: other pages may refresh

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: Any = None
        self.summary_dialog: Any = None
        self.plan: PlanRecord | None = None
        self._loading = False
        self.model = SessionsModel(self)
        self._build()
        self.reload()

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.new_plan_action = make_action(self, "新建年度计划", self.new_plan, "Ctrl+N",
                                            "为某一年度新建学习培训计划")
        self.edit_plan_action = make_action(self, "修改计划", self.edit_plan, None,
                                             "修改计划名称和培训目标")
        self.remove_plan_action = make_action(self, "删除计划", self.remove_plan, None,
                                               "删除误建的年度计划（已有场次举办的不能删除）")
        self.add_session_action = make_action(self, "新增场次", self.add_session, "Ctrl+Shift+N",
                                               "在计划中增加一场培训")
        self.edit_session_action = make_action(self, "修改", self.edit_selected, None,
                                                "修改所选场次（回车或双击）")
        self.remove_session_action = make_action(self, "删除", self.remove_selected, None,
                                                  "从计划中删除所选场次（Delete）")
        self.hold_action = make_action(self, "举办本场…", self.hold_selected, "Ctrl+Return",
                                        "登记所选场次已经举办：日期、地点和代表出勤")
        self.view_action = make_action(self, "查看活动记录", self.view_selected, None,
                                        "打开已举办场次的活动记录：出勤、内容摘要、照片和材料")
        self.import_action = make_action(self, "导入台账", self.import_ledger, "Ctrl+I",
                                          "从Excel学习培训台账导入计划和举办情况")
        self.export_action = make_action(self, "导出台账", self.export_ledger, "Ctrl+E",
                                          "把所选年度的学习培训台账导出为Excel")
        self.template_action = make_action(self, "下载模板", self.save_template, None,
                                            "保存空白的学习培训台账Excel模板")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(10)

        top = QHBoxLayout()
        top.setSpacing(8)
        title = QLabel("学习培训")
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addSpacing(16)
        year_caption = QLabel("年度")
        year_caption.setObjectName("filterCaption")
        self.year_combo = QComboBox()
        self.year_combo.setMinimumWidth(110)
        self.year_combo.setToolTip("选择要查看的年度计划")
        year_caption.setBuddy(self.year_combo)
        self.year_combo.currentIndexChanged.connect(self._year_chosen)
        top.addWidget(year_caption)
        top.addWidget(self.year_combo)
        top.addWidget(action_button(self.new_plan_action))
        top.addStretch(1)
        for action in (self.import_action, self.export_action, self.template_action):
            top.addWidget(action_button(action))
        self.print_button = print_button(
            self, ("training-plan", "training-notice", "training-sign-in-sheet"), self.selected_id,
            self.current_year)
        top.addWidget(self.print_button)
        layout.addLayout(top)

        self.plan_body = self._build_plan_body()
        self.no_plan = QLabel()
        self.no_plan.setObjectName("emptyHint")
        self.no_plan.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_plan.setWordWrap(True)
        self.plan_stack = QStackedWidget()
        self.plan_stack.addWidget(self.plan_body)
        self.plan_stack.addWidget(self.no_plan)

        self.untrained = UntrainedPanel(self.ctx)
        self.untrained.setMinimumWidth(240)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.plan_stack)
        self.splitter.addWidget(self.untrained)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([900, 290])
        layout.addWidget(self.splitter, 1)
        self._update_actions()

    def _build_plan_body(self) -> QWidget:
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)

        header = QFrame()
        header.setObjectName("statCard")
        head = QVBoxLayout(header)
        head.setContentsMargins(16, 12, 16, 12)
        head.setSpacing(6)
        row = QHBoxLayout()
        self.plan_title = QLabel()
        self.plan_title.setObjectName("dialogHeading")
        self.plan_title.setWordWrap(True)
        self.plan_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.plan_title, 1)
        row.addWidget(action_button(self.edit_plan_action))
        row.addWidget(action_button(self.remove_plan_action, flat=True))
        head.addLayout(row)
        self.plan_goals = QLabel()
        self.plan_goals.setWordWrap(True)
        self.plan_goals.setTextFormat(Qt.TextFormat.RichText)
        self.plan_goals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        head.addWidget(self.plan_goals)
        layout.addWidget(header)

        cards = QGridLayout()
        cards.setHorizontalSpacing(12)
        self.sessions_card = FigureCard("已举办 / 计划场次")
        self.hours_card = FigureCard("已举办学时")
        self.trained_card = FigureCard("本计划受训代表 / 在任代表")
        for column, card in enumerate((self.sessions_card, self.hours_card, self.trained_card)):
            cards.addWidget(card, 0, column)
            cards.setColumnStretch(column, 1)
        layout.addLayout(cards)

        actions = QHBoxLayout()
        actions.setSpacing(8)
        for action, primary in ((self.add_session_action, True), (self.edit_session_action, False),
                                (self.remove_session_action, False), (self.hold_action, True),
                                (self.view_action, False)):
            actions.addWidget(action_button(action, primary))
        actions.addStretch(1)
        self.table_hint = QLabel()
        self.table_hint.setObjectName("hint")
        actions.addWidget(self.table_hint)
        layout.addLayout(actions)

        self.table = QTableView()
        self.table.setObjectName("sessionsTable")
        configure_record_table(self.table, self.model, stretch=TOPIC_COLUMN)  # type: ignore[arg-type]
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_actions())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            widget_shortcut(key, self.table, self.edit_selected)
        widget_shortcut(Qt.Key.Key_Delete, self.table, self.remove_selected)
        self.no_sessions = QLabel(
            "这个计划还没有培训场次。\n点“新增场次”逐场添加，或点“导入台账”从Excel导入。")
        self.no_sessions.setObjectName("emptyHint")
        self.no_sessions.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table_stack = QStackedWidget()
        self.table_stack.addWidget(self.table)
        self.table_stack.addWidget(self.no_sessions)
        layout.addWidget(self.table_stack, 1)
        return body

    # -- data -------------------------------------------------------------------------------
    def reload(self, year: int | None = None, select: int | None = None) -> None:
        """Re-read the list of plans, the chosen plan and the untrained deputies; keep the chosen
        year and session where they still exist."""
        keep_year = year if year is not None else self.year_combo.currentData()
        keep_session = select if select is not None else self.selected_id()
        plans = training.list_plans(self.ctx.db)
        self._loading = True
        try:
            self.year_combo.clear()
            for summary in plans:
                self.year_combo.addItem(f"{summary.year}年度", summary.year)
            index = self.year_combo.findData(keep_year) if keep_year is not None else -1
            if index < 0:
                this_year = self.year_combo.findData(dt.date.today().year)
                index = this_year if this_year >= 0 else 0
            self.year_combo.setCurrentIndex(index if plans else -1)
        finally:
            self._loading = False
        self.year_combo.setEnabled(bool(plans))
        self._show_plan(keep_session)
        self.untrained.refresh()

    def activate(self) -> None:
        """Called by the main window each time the page is shown: activities may have been
        deleted elsewhere (a session held by mistake is then planned again)."""
        self.reload()

    def _year_chosen(self) -> None:
        if not self._loading:
            self._show_plan(None)

    def current_year(self) -> int | None:
        year = self.year_combo.currentData()
        return int(year) if year is not None else None

    def _show_plan(self, select: int | None) -> None:
        year = self.current_year()
        self.plan = training.find_plan(self.ctx.db, year) if year is not None else None
        if self.plan is None:
            self.model.set_sessions(dt.date.today().year, [])
            self.no_plan.setText(
                "还没有学习培训计划。\n点“新建年度计划”（Ctrl+N）制订今年的计划，"
                "或点“导入台账”从Excel导入。")
            self.plan_stack.setCurrentWidget(self.no_plan)
            self._update_actions()
            return
        plan = self.plan
        self.plan_stack.setCurrentWidget(self.plan_body)
        self.plan_title.setText(plan.title)
        self.plan_goals.setText(
            f"<span style='color:#6b7280'>培训目标：</span>{escape(plan.goals)}" if plan.goals else
            "<span style='color:#9aa3af'>培训目标：未填写（点“修改计划”填写）</span>")
        self.model.set_sessions(plan.year, plan.sessions)
        self._show_coverage(plan)
        self.table_stack.setCurrentWidget(self.table if plan.sessions else self.no_sessions)
        today = dt.date.today()
        overdue = sum(1 for s in plan.sessions if is_overdue(s, plan.year, today))
        self.table_hint.setText(
            f"底色标出的 {overdue} 场已过计划时间、尚未登记举办" if overdue else
            "双击或回车修改；右键有更多操作")
        row = self.model.row_of(select) if select is not None else None
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        else:
            self.table.clearSelection()
        self._update_actions()

    def _show_coverage(self, plan: PlanRecord) -> None:
        coverage = plan.coverage
        if coverage is None:
            return
        self.sessions_card.set_figure(
            f"{coverage.sessions_held} / {coverage.sessions_planned}", "场")
        self.hours_card.set_figure(
            format_hours(coverage.hours_held), "学时",
            f"已举办学时（计划共 {format_hours(coverage.hours_planned)} 学时）")
        self.trained_card.set_figure(
            f"{coverage.deputies_trained} / {coverage.deputies_total}", "人")

    def coverage_texts(self) -> tuple[str, str, str]:
        """The three figures as shown (for tests): ("1 / 2", "3", "2 / 3")."""
        return (self.sessions_card.figure(), self.hours_card.figure(),
                self.trained_card.figure())

    # -- selection --------------------------------------------------------------------------
    def selected_id(self) -> int | None:
        record = self.selected_session()
        return record.id if record is not None else None

    def selected_session(self) -> SessionRecord | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.session_at(index.row())

    def select_session(self, session_id: int) -> None:
        row = self.model.row_of(session_id)
        if row is None:
            self.table.clearSelection()
        else:
            self.table.selectRow(row)
        self._update_actions()

    def _update_actions(self) -> None:
        has_plan = self.plan is not None
        record = self.selected_session() if has_plan else None
        self.edit_plan_action.setEnabled(has_plan)
        self.remove_plan_action.setEnabled(has_plan)
        self.add_session_action.setEnabled(has_plan)
        self.export_action.setEnabled(has_plan)
        for action in (self.edit_session_action, self.remove_session_action, self.hold_action):
            action.setEnabled(record is not None)
        self.view_action.setEnabled(record is not None and record.held)

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.table.selectRow(index.row())
            self.edit_selected()

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self.table.selectRow(index.row())
        menu = QMenu(self)
        for action in (self.hold_action, self.view_action, self.edit_session_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.add_session_action)
        menu.addSeparator()
        menu.addAction(self.remove_session_action)
        menu.popup(self.table.viewport().mapToGlobal(pos))
        self.menu = menu

    # -- dialogs ----------------------------------------------------------------------------
    def _open(self, dialog: Any, on_accepted: Any) -> Any:
        self.dialog = dialog
        dialog.accepted.connect(on_accepted)
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: Any) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _saved(self, year: int | None = None, select: int | None = None) -> None:
        self.reload(year=year, select=select)
        self.changed.emit()

    # -- plan actions -----------------------------------------------------------------------
    def new_plan(self) -> PlanDialog:
        """The year offered is the first without a plan, from this year on."""
        taken = {p.year for p in training.list_plans(self.ctx.db)}
        year = dt.date.today().year
        while year in taken:
            year += 1
        dialog = PlanDialog(self.ctx, None, year, self)
        return self._open(dialog, lambda: self._saved(year=dialog.year.value()))

    def edit_plan(self) -> PlanDialog | None:
        if self.plan is None:
            return None
        try:
            plan = training.get_plan(self.ctx.db, plan_id=self.plan.id)
        except NotFound as exc:
            messages.warn(self, "无法修改", exc.message)
            self.reload()
            return None
        dialog = PlanDialog(self.ctx, plan, None, self)
        return self._open(dialog, lambda: self._saved(year=plan.year))

    def remove_plan(self) -> bool:
        plan = self.plan
        if plan is None:
            return False
        held = sum(1 for s in plan.sessions if s.held)
        if held:
            messages.warn(
                self, "不能删除计划", f"{plan.title}已有 {held} 场培训举办，不能删除。",
                "已举办场次的出勤是代表履职的记录，计划要保留来说明这些记录。")
            return False
        confirmed = messages.ask(
            self, "删除学习培训计划", f"确定删除“{plan.title}”吗？",
            yes="删除", no="不删除", danger=True,
            detail=f"计划中的 {len(plan.sessions)} 场（都未举办）一并删除，删除后无法恢复。"
                   "只有建错了年度或重复建立的计划才需要删除。")
        if not confirmed:
            return False
        try:
            training.remove_plan(self.ctx.db, self.ctx.actor, plan.id)
        except ServiceError as exc:
            messages.warn(self, "未能删除", exc.message)
            self.reload()
            return False
        self._saved()
        return True

    # -- session actions --------------------------------------------------------------------
    def add_session(self) -> SessionDialog | None:
        if self.plan is None:
            return None
        plan = self.plan
        dialog = SessionDialog(self.ctx, plan.id, plan.year, None, self)
        return self._open(dialog, lambda: self._saved(plan.year, dialog.saved_session_id))

    def _fresh_selected(self, what: str) -> SessionRecord | None:
        """The selected session as stored now (someone may have changed it since shown)."""
        record = self.selected_session()
        if record is None or self.plan is None:
            return None
        try:
            plan = training.get_plan(self.ctx.db, plan_id=self.plan.id)
        except NotFound as exc:
            messages.warn(self, what, exc.message)
            self.reload()
            return None
        fresh = next((s for s in plan.sessions if s.id == record.id), None)
        if fresh is None:
            messages.warn(self, what, "该培训场次已不存在（可能已被同事删除）。")
            self.reload()
        return fresh

    def edit_selected(self) -> SessionDialog | None:
        record = self._fresh_selected("无法修改")
        if record is None or self.plan is None:
            return None
        year = self.plan.year
        dialog = SessionDialog(self.ctx, record.plan_id, year, record, self)
        return self._open(dialog, lambda: self._saved(year, record.id))

    def remove_selected(self) -> bool:
        record = self._fresh_selected("无法删除")
        if record is None:
            return False
        if record.held:
            messages.warn(self, "不能删除已举办的场次", f"“{record.data.topic}”已经举办，不能删除。",
                          HELD_REMOVE_TEXT)
            return False
        confirmed = messages.ask(
            self, "删除培训场次", f"确定从计划中删除“{record.data.topic}”（{record.when}）吗？",
            yes="删除", no="不删除", danger=True,
            detail="这一场还没有举办，没有出勤记录，删除只影响计划本身；删除后无法恢复。\n"
                   "如果只是推迟，请用“修改”改计划时间。")
        if not confirmed:
            return False
        try:
            training.remove_session(self.ctx.db, self.ctx.actor, record.id)
        except ServiceError as exc:
            messages.warn(self, "未能删除", exc.message)
            self.reload()
            return False
        self._saved()
        return True

    def hold_selected(self) -> HoldSessionDialog | None:
        """Open the hold dialog for a planned session; a held one is explained, not held twice."""
        record = self._fresh_selected("无法登记举办")
        if record is None or self.plan is None:
            return None
        if record.held:
            when = f"{record.held_on:%Y年%m月%d日}" if record.held_on else ""
            messages.inform(
                self, "这一场已经举办", f"“{record.data.topic}”已于{when}举办并登记了出勤，"
                "一场培训只能登记举办一次。",
                "要补登或更正出勤，请在“代表活动”中修改这次学习培训活动；"
                "如果又办了一场，请先“新增场次”，再登记举办。")
            self.reload(select=record.id)
            return None
        year = self.plan.year
        dialog = HoldSessionDialog(self.ctx, year, record, self)
        return self._open(dialog, lambda: self._saved(year, record.id))

    def view_selected(self) -> ActivityDialog | None:
        """The activity recorded when the session was held, in the activity form: attendance
        can be corrected and photos added there; the page re-reads everything afterwards."""
        record = self._fresh_selected("无法查看")
        if record is None or record.activity_id is None or self.plan is None:
            return None
        try:
            dialog = ActivityDialog(self.ctx, record.activity_id, self)
        except NotFound as exc:
            messages.warn(self, "无法查看", exc.message)
            self.reload()
            return None
        year = self.plan.year
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._activity_closed(dialog, year, record.id))
        dialog.open()
        return dialog

    def _activity_closed(self, dialog: ActivityDialog, year: int, session_id: int) -> None:
        """Saved or not (photos are saved at once), the attendance may have changed."""
        self._dialog_closed(dialog)
        if dialog.saved_activity_id is not None:
            self._saved(year, session_id)

    # -- ledgers ----------------------------------------------------------------------------
    def import_ledger(self) -> bool:
        def imported(outcome: Any, dialog: Any) -> None:
            self.summary_dialog = dialog
            self.reload()
            self.changed.emit()

        return ledger_actions.import_ledger(self, self.ctx, "training", imported)

    def export_ledger(self) -> bool:
        return ledger_actions.export_ledger(self, self.ctx, "training", year=self.current_year())

    def save_template(self) -> bool:
        return ledger_actions.save_template(self, self.ctx, "training")
