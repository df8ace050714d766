"""登记/修改代表建议: date, title, category, the lead deputy, the co-signers and the content.

The dialog depends only on the context, so the 社情民意 page can open it too: given a draft from
`suggestions.draft_from_opinion`, it says which opinion it converts and the saved suggestion keeps
the link. Deputies are chosen by typing a name or its pinyin initials (zsf), as in the activity
form; the candidates are the deputies serving on the date the suggestion was put forward (and
whoever the record already names). The service validates; mistakes appear under the field.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any, cast

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from presidium_app.services import activities, mailbox, suggestion_list, suggestions
from presidium_app.services.errors import Conflict, NotFound, ServiceError, ValidationFailed
from presidium_app.services.search import classify_token, name_keys
from presidium_app.services.suggestions import SuggestionInput
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.widgets.attendance import deputy_labels
from presidium_app.ui.widgets.dates import DATE_FORMAT, from_qdate, to_qdate
from presidium_app.ui.widgets.form import ErrorLabel, FieldForm

Index = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
NOT_SERVING = QColor("#8a8f98")
NOT_SERVING_TEXT = "提出日不在任"
DATE_REDRAW_MS = 200
SUGGESTIONS_SHOWN = 20
SUGGEST_DELAY_MS = 120


# --- deputies to choose from --------------------------------------------------------------------


@dataclass
class Candidate:
    """A deputy who may lead or co-sign: serving on the date, or already named by the record."""

    deputy_id: int
    label: str  # the name, with the ID tail when two candidates share it: 王伟(1234)
    group: str = ""
    serving: bool = True
    _keys: tuple[str, str] | None = field(default=None, repr=False)

    def matches(self, token: str) -> bool:
        if classify_token(token) == "latin":
            if self._keys is None:
                self._keys = name_keys(self.label.split("(")[0])
            low = token.lower()
            pinyin, initials = self._keys
            return initials.startswith(low) or low in pinyin
        return token in self.label or token in self.group


def load_candidates(ctx: AppContext, on: dt.date, keep: list[int]) -> list[Candidate]:
    """The deputies serving on `on` (pinyin order), after those in `keep` who are not."""
    serving = [Candidate(d.deputy_id, d.display_name or d.name, d.group_name)
               for d in activities.invitable_deputies(ctx.db, on)]
    known = {c.deputy_id for c in serving}
    missing = [d for d in dict.fromkeys(keep) if d not in known]
    labels = deputy_labels(ctx.db, missing)
    return [Candidate(d, labels[d], serving=False) for d in missing] + serving


class DeputyChooser(QLineEdit):
    """One deputy: type a name or pinyin initials, pick from the list (Enter takes the first)."""

    chosen = Signal()  # the chosen deputy changed (None included)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deputy_id: int | None = None
        self.candidates: list[Candidate] = []
        self.setPlaceholderText("输入姓名或拼音首字母，如 zsf")
        self.setClearButtonEnabled(True)
        self.setToolTip("输入代表姓名或拼音首字母，从列表中选择（回车选第一个）")
        self.matches = QStandardItemModel(self)
        self.completer_ = QCompleter(self.matches, self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setCompletionRole(NAME_ROLE)
        self.completer_.setMaxVisibleItems(12)
        self.completer_.setWidget(self)
        cast(Any, self.completer_.activated)[QModelIndex].connect(self._picked)
        self._timer = QTimer(self)  # the list follows the typing once the user pauses
        self._timer.setSingleShot(True)
        self._timer.setInterval(SUGGEST_DELAY_MS)
        self._timer.timeout.connect(self.suggest)
        self.textEdited.connect(self._edited)
        self.returnPressed.connect(self._entered)

    def set_candidates(self, candidates: list[Candidate]) -> None:
        self.candidates = candidates

    def label_of(self, deputy_id: int) -> str:
        return next((c.label for c in self.candidates if c.deputy_id == deputy_id), "")

    def choose(self, deputy_id: int | None) -> None:
        """Choose a deputy (one of the candidates), or none."""
        self._timer.stop()
        label = self.label_of(deputy_id) if deputy_id is not None else ""
        self.deputy_id = deputy_id if label else None
        self.blockSignals(True)
        self.setText(label)
        self.blockSignals(False)
        self.chosen.emit()

    def suggest(self, popup: bool = True) -> int:
        """Fill the list under the box with the candidates matching the text; returns how many."""
        self._timer.stop()
        self.matches.clear()
        tokens = self.text().split()
        if not tokens:
            self._hide_popup()
            return 0
        found = [c for c in self.candidates if all(c.matches(t) for t in tokens)]
        for candidate in found[:SUGGESTIONS_SHOWN]:
            text = f"{candidate.label}　{candidate.group}" if candidate.group else candidate.label
            item = QStandardItem(text if candidate.serving else f"{text}（{NOT_SERVING_TEXT}）")
            item.setData(candidate.deputy_id, ID_ROLE)
            item.setData(candidate.label, NAME_ROLE)
            self.matches.appendRow(item)
        if popup and self.matches.rowCount() and self.hasFocus():
            self.completer_.complete()
        return self.matches.rowCount()

    def _hide_popup(self) -> None:
        popup = self.completer_.popup()
        if popup is not None:
            popup.hide()

    def _edited(self, _text: str) -> None:
        if self.deputy_id is not None:
            self.deputy_id = None
            self.chosen.emit()
        self._timer.start()

    def _picked(self, index: QModelIndex) -> None:
        deputy_id = index.data(ID_ROLE)
        if deputy_id is not None:
            self.choose(int(deputy_id))

    def _entered(self) -> None:
        if self.deputy_id is not None or not self.text().strip():
            return
        popup = self.completer_.popup()
        current = popup.currentIndex() if popup is not None and popup.isVisible() else QModelIndex()
        if current.isValid():
            self._picked(current)  # the row the arrow keys moved to
        elif self.suggest(popup=False):
            self._picked(self.matches.index(0, 0))
        self._hide_popup()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter while no deputy is chosen picks one and goes no further (the form is not saved
        by the same key)."""
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.deputy_id is None
                and self.text().strip()):
            self._entered()
            event.accept()
            return
        super().keyPressEvent(event)


class _ChecklistFilter(QSortFilterProxyModel):
    def __init__(self, owner: DeputyChecklist) -> None:
        super().__init__(owner)
        self.owner = owner
        self.tokens: list[str] = []

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.tokens = text.split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        candidate = self.owner.candidate_at(source_row)
        return candidate is None or all(candidate.matches(t) for t in self.tokens)


def _is_checked(value: Any) -> bool:
    if isinstance(value, Qt.CheckState):
        return value == Qt.CheckState.Checked
    return value == Qt.CheckState.Checked.value


class _ChecklistView(QListView):
    """Enter ticks or unticks the current deputy (Space does too, as in every list)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            current = self.currentIndex()
            if current.isValid():
                checked = _is_checked(current.data(Qt.ItemDataRole.CheckStateRole))
                target = Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked
                self.model().setData(current, target, Qt.ItemDataRole.CheckStateRole)
                event.accept()
                return
        super().keyPressEvent(event)


class DeputyChecklist(QWidget):
    """Several deputies: a filter box (name, pinyin initials or group) over a tick list, and a
    line naming who is ticked. The lead deputy is not offered (a lead does not co-sign)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.candidates: list[Candidate] = []
        self._ticked: list[int] = []
        self.excluded: int | None = None
        self.model = QStandardItemModel(self)
        self.proxy = _ChecklistFilter(self)
        self.proxy.setSourceModel(self.model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("筛选：姓名、拼音首字母或小组")
        self.filter.setClearButtonEnabled(True)
        self.filter.setToolTip("只显示姓名（或拼音首字母，如 zsf）、代表小组中含有这些字的代表；"
                               "回车勾选筛选出的唯一一人")
        self.filter.textChanged.connect(self.proxy.set_text)
        self.filter.returnPressed.connect(self._filter_entered)
        layout.addWidget(self.filter)
        self.view = _ChecklistView()
        self.view.setModel(self.proxy)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setUniformItemSizes(True)
        self.view.setMinimumHeight(130)
        layout.addWidget(self.view, 1)
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.model.itemChanged.connect(self._item_changed)
        self.setFocusProxy(self.filter)
        self._update_summary()

    def candidate_at(self, row: int) -> Candidate | None:
        item = self.model.item(row)
        if item is None:
            return None
        deputy_id = item.data(ID_ROLE)
        return next((c for c in self.candidates if c.deputy_id == deputy_id), None)

    def set_candidates(self, candidates: list[Candidate], exclude: int | None = None) -> None:
        """The deputies to offer (ticks kept); `exclude` (the lead deputy) is left out."""
        self.candidates = candidates
        self.excluded = exclude
        self._ticked = [d for d in self._ticked if d != exclude]
        self.model.blockSignals(True)
        self.model.clear()
        for candidate in candidates:
            if candidate.deputy_id == exclude:
                continue
            text = f"{candidate.label}　{candidate.group}" if candidate.group else candidate.label
            item = QStandardItem(text if candidate.serving else f"{text}（{NOT_SERVING_TEXT}）")
            item.setData(candidate.deputy_id, ID_ROLE)
            item.setCheckable(True)
            item.setEditable(False)
            item.setCheckState(Qt.CheckState.Checked if candidate.deputy_id in self._ticked
                               else Qt.CheckState.Unchecked)
            if not candidate.serving:
                item.setForeground(NOT_SERVING)
            self.model.appendRow(item)
        self.model.blockSignals(False)
        self.proxy.invalidate()
        self._update_summary()

    def set_ticked(self, deputy_ids: list[int]) -> None:
        self._ticked = [d for d in dict.fromkeys(deputy_ids) if d != self.excluded]
        self.set_candidates(self.candidates, self.excluded)

    def ticked(self) -> list[int]:
        """The ticked deputies, in the order they were ticked."""
        return list(self._ticked)

    def set_ticked_one(self, deputy_id: int, ticked: bool = True) -> bool:
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            if item is not None and item.data(ID_ROLE) == deputy_id:
                item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
                return True
        return False

    def labels(self) -> list[str]:
        names = {c.deputy_id: c.label for c in self.candidates}
        return [names.get(d, "") for d in self._ticked]

    def _item_changed(self, item: QStandardItem) -> None:
        deputy_id = item.data(ID_ROLE)
        if deputy_id is None:
            return
        checked = item.checkState() == Qt.CheckState.Checked
        if checked and deputy_id not in self._ticked:
            self._ticked.append(int(deputy_id))
        elif not checked and deputy_id in self._ticked:
            self._ticked.remove(int(deputy_id))
        self._update_summary()

    def _filter_entered(self) -> None:
        """Enter ticks the one deputy left, or moves into the list."""
        if self.proxy.rowCount() == 1:
            source = self.proxy.mapToSource(self.proxy.index(0, 0))
            item = self.model.itemFromIndex(source)
            if item is not None:
                item.setCheckState(Qt.CheckState.Checked)
            self.filter.selectAll()
            return
        if self.proxy.rowCount():
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)
            self.view.setCurrentIndex(self.proxy.index(0, 0))

    def _update_summary(self) -> None:
        names = self.labels()
        self.summary.setText(f"已选 {len(names)} 人：{'、'.join(names)}" if names
                             else "未选附议代表（可不选）")
        self.changed.emit()


# --- the dialog ---------------------------------------------------------------------------------


class SuggestionDialog(QDialog):
    """Register (suggestion_id=None, optionally from a `draft`) or correct one suggestion (only
    while 已登记). `save()` is what 保存 does; `saved_suggestion_id` is set once saved and `saved`
    is emitted with the id, so any page can follow."""

    saved = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 draft: SuggestionInput | None = None, suggestion_id: int | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.suggestion_id = suggestion_id
        self.saved_suggestion_id: int | None = None
        self._candidates_on: dt.date | None = None
        self.version: int | None = None
        self.opinion_id: int | None = draft.opinion_id if draft is not None else None
        self.number = ""
        if suggestion_id is not None:
            detail = suggestion_list.load_detail(ctx.db, suggestion_id)
            self.version, self.number = detail.version, detail.number
            self.opinion_id = detail.opinion_id
            draft = SuggestionInput(
                submitted_on=detail.submitted_on, title=detail.title, content=detail.content,
                lead_deputy_id=detail.lead_deputy_id, co_signer_ids=list(detail.co_signer_ids),
                category=detail.category, opinion_id=detail.opinion_id)
        self.setModal(True)
        self.setMinimumWidth(720)
        self.resize(780, 640)
        self._build()
        self._fill(draft)
        self.setWindowTitle(f"修改代表建议 {self.number}" if suggestion_id is not None else "登记代表建议")
        self.title.setFocus()

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 14)
        layout.setSpacing(10)
        self.source = QLabel()
        self.source.setObjectName("hint")
        self.source.setWordWrap(True)
        layout.addWidget(self.source)

        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat(DATE_FORMAT)
        self.date.setDateRange(QDate(2000, 1, 1), to_qdate(dt.date.today() + dt.timedelta(days=366)))
        self.date.setToolTip("代表提出建议的日期；编号按这一年排（如 2026-007）")
        self.title = QLineEdit()
        self.title.setMaxLength(200)
        self.title.setPlaceholderText("如：关于修缮东山村通组道路的建议")
        self.category = QComboBox()
        self.category.setEditable(True)
        self.category.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.category.addItems(suggestion_list.category_choices(self.ctx.db))
        self.category.setToolTip("从社情民意的类别中选择，也可直接输入")
        category_line = self.category.lineEdit()
        if category_line is not None:
            category_line.setMaxLength(60)
            category_line.setPlaceholderText("如：交通道路")
        self.lead = DeputyChooser()
        self.co_signers = DeputyChecklist()
        self.content = QPlainTextEdit()
        self.content.setPlaceholderText("建议的事实、理由和具体办法")
        self.content.setTabChangesFocus(True)
        self.content.setMinimumHeight(120)
        self.note = QLineEdit()
        self.note.setMaxLength(500)
        self.note.setPlaceholderText("登记时的说明（可不填）")

        grid = QGridLayout()
        self.form = FieldForm(grid)
        f = self.form
        f.add("submitted_on", "提出日期", self.date, 0, required=True)
        f.add("title", "标题", self.title, 1, required=True)
        f.add("category", "类别", self.category, 2)
        f.add("lead_deputy_id", "领衔代表", self.lead, 3, required=True)
        f.add("co_signer_ids", "附议代表", self.co_signers, 4)
        f.add("content", "建议内容", self.content, 5, required=True)
        f.add("note", "备注", self.note, 6)
        f.alias("opinion_id", "title")
        grid.setColumnMinimumWidth(0, 72)
        grid.setRowStretch(5, 1)
        layout.addLayout(grid, 1)

        self.general_error = ErrorLabel(self)
        layout.addWidget(self.general_error)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("primary")
        self.save_button.setToolTip("保存（Ctrl+S）")
        self.save_button.setDefault(True)
        self.cancel_button = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setToolTip("不保存，关闭（Esc）")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        hint = QLabel("带 <span style='color:#b42318'>*</span> 的为必填项")
        hint.setObjectName("hint")
        footer = QHBoxLayout()
        footer.addWidget(hint)
        footer.addStretch(1)
        footer.addWidget(buttons)
        layout.addLayout(footer)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)

        self._date_timer = QTimer(self)
        self._date_timer.setSingleShot(True)
        self._date_timer.setInterval(DATE_REDRAW_MS)
        self._date_timer.timeout.connect(self.apply_date)
        self.date.dateChanged.connect(lambda _d: self._date_timer.start())
        self.lead.chosen.connect(self._lead_chosen)
        order: list[QWidget] = [self.date, self.title, self.category, self.lead,
                                self.co_signers.filter, self.co_signers.view, self.content,
                                self.note, self.save_button, self.cancel_button]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    def _fill(self, draft: SuggestionInput | None) -> None:
        on = draft.submitted_on if draft is not None else dt.date.today()
        self.date.blockSignals(True)
        self.date.setDate(to_qdate(on))
        self.date.blockSignals(False)
        lead = draft.lead_deputy_id if draft is not None else None
        co_signers = list(draft.co_signer_ids) if draft is not None else []
        self._load_candidates(on, [d for d in (lead, *co_signers) if d is not None])
        self.lead.choose(lead)
        self.co_signers.set_ticked(co_signers)
        if draft is not None:
            self.title.setText(draft.title)
            self.category.setCurrentText(draft.category)
            self.content.setPlainText(draft.content)
            self.note.setText(draft.note)
        else:
            self.category.setCurrentIndex(-1)
            self.category.setCurrentText("")
        editing = self.suggestion_id is not None
        self.form.labels["note"].setVisible(not editing)
        box = self.note.parentWidget()
        (box if box is not None else self.note).setVisible(not editing)
        if self.opinion_id is not None:
            try:
                number = mailbox.get_opinion(self.ctx.db, self.opinion_id).number
            except NotFound:
                number = "（已删除）"
            self.source.setText(f"由社情民意 {number} 转为代表建议：内容已带入，请核对标题和领衔代表。"
                                if not editing else f"此建议由社情民意 {number} 转来。")
        self.source.setVisible(self.opinion_id is not None)

    def _load_candidates(self, on: dt.date, keep: list[int]) -> None:
        self._candidates_on = on
        candidates = load_candidates(self.ctx, on, keep)
        self.lead.set_candidates(candidates)
        self.co_signers.set_candidates(candidates, exclude=self.lead.deputy_id)

    # -- reactions --------------------------------------------------------------------------
    def apply_date(self) -> None:
        """The candidates are the deputies serving on the (new) date; choices made stay."""
        self._date_timer.stop()
        if self._date() == self._candidates_on:
            return
        lead = self.lead.deputy_id
        ticked = self.co_signers.ticked()
        self._load_candidates(self._date(), [d for d in (lead, *ticked) if d is not None])
        if lead is not None:  # what is typed but not chosen stays as typed
            self.lead.choose(lead)
        self.co_signers.set_ticked(ticked)

    def _lead_chosen(self) -> None:
        """The lead deputy is not a co-signer too: take them off the tick list."""
        if self.lead.deputy_id != self.co_signers.excluded:
            ticked = [d for d in self.co_signers.ticked() if d != self.lead.deputy_id]
            self.co_signers.set_candidates(self.co_signers.candidates, exclude=self.lead.deputy_id)
            self.co_signers.set_ticked(ticked)

    def _date(self) -> dt.date:
        return from_qdate(self.date.date())

    def collect(self) -> SuggestionInput:
        """What the form says now (not yet validated: the service does that)."""
        return SuggestionInput(
            submitted_on=self._date(),
            title=self.title.text(),
            content=self.content.toPlainText(),
            lead_deputy_id=self.lead.deputy_id,
            co_signer_ids=self.co_signers.ticked(),
            category=self.category.currentText(),
            opinion_id=self.opinion_id,
            note=self.note.text() if self.suggestion_id is None else "",
        )

    # -- saving -----------------------------------------------------------------------------
    def show_errors(self, field_errors: dict[str, str]) -> None:
        if "lead_deputy_id" in field_errors and self.lead.text().strip() and self.lead.deputy_id is None:
            field_errors = {**field_errors,
                            "lead_deputy_id": f"“{self.lead.text().strip()}”不在候选代表中，请从列表中选择"}
        unplaced = self.form.show_errors(field_errors)
        placed = len(field_errors) - len(unplaced)
        advice = [f"请改正红字标出的 {placed} 处后再保存。"] if placed else []
        self.general_error.show_message("；".join([*unplaced, *advice]))

    def error_text(self, name: str) -> str:
        """The message shown under a field ("" when none): for tests and screenshots."""
        return self.form.error_text(name) if name in self.form.errors else ""

    def save(self) -> bool:
        """Save; True (and the dialog accepted) when the service took the input."""
        self.apply_date()
        data = self.collect()
        try:
            if self.suggestion_id is None:
                saved_id = suggestions.create_suggestion(self.ctx.db, self.ctx.actor, data)
            else:
                suggestions.update_suggestion(self.ctx.db, self.ctx.actor, self.suggestion_id, data,
                                              version=self.version)
                saved_id = self.suggestion_id
        except ValidationFailed as exc:
            self.show_errors(exc.field_errors)
            return False
        except (Conflict, NotFound) as exc:
            self.general_error.show_message(exc.message)
            messages.warn(self, "未能保存", exc.message,
                          "你填写的内容仍在窗口中。可以先记下修改，关闭后重新打开这条建议再改。")
            return False
        except ServiceError as exc:
            self.general_error.show_message(exc.message)
            messages.warn(self, "未能保存", exc.message)
            return False
        self.saved_suggestion_id = saved_id
        self.show_errors({})
        self.saved.emit(saved_id)
        self.accept()
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter saves from the one-line fields; in the co-signers' filter and list it ticks a
        deputy (the long text and the lead deputy's box keep their Enter for themselves)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focus = self.focusWidget()
            if focus is not None and self.co_signers.isAncestorOf(focus):
                event.accept()
                return
            self.save()
            return
        super().keyPressEvent(event)
