"""新增/修改代表: the form over `DeputyInput`. The service validates; mistakes appear in red under
the field concerned and the dialog stays open with everything typed still there."""

from __future__ import annotations

import datetime as dt
import itertools

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from presidium_app.domain.enums import DeputyLevel, DeputyStatus, Gender
from presidium_app.domain.validators import (
    InvalidValue,
    id_birth_date,
    id_gender,
    validate_id_number,
)
from presidium_app.services import deputies, organisation, township
from presidium_app.services.deputies import DeputyInput, DeputyRecord
from presidium_app.services.errors import Conflict, NotFound, ServiceError, ValidationFailed
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.widgets.choices import enum_member
from presidium_app.ui.widgets.dates import OptionalDateEdit
from presidium_app.ui.widgets.form import ErrorLabel, FieldForm

POLITICAL_STATUSES = (
    "中共党员", "中共预备党员", "共青团员", "群众", "民革党员", "民盟盟员", "民建会员", "民进会员",
    "农工党党员", "致公党党员", "九三学社社员", "台盟盟员", "无党派人士",
)
EDUCATION_LEVELS = (
    "研究生", "本科", "大专", "中专", "高中", "初中", "小学",
)
ETHNICITIES = ("汉族", "壮族", "回族", "满族", "苗族", "维吾尔族", "土家族", "彝族", "蒙古族",
               "藏族", "布依族", "侗族", "瑶族", "朝鲜族", "白族", "哈尼族", "黎族", "畲族")


def _editable_combo(choices: tuple[str, ...], placeholder: str) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItem("")
    combo.addItems(list(choices))
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    line = combo.lineEdit()
    if line is not None:
        line.setPlaceholderText(placeholder)
    return combo


class DeputyDialog(QDialog):
    """Add (record=None) or edit one mandate. `save()` is what 保存 does; it returns True and
    accepts the dialog when the service took the input."""

    def __init__(self, ctx: AppContext, mandate_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.mandate_id = mandate_id
        self.record: DeputyRecord | None = (
            deputies.get_deputy(ctx.db, mandate_id) if mandate_id is not None else None)
        self.saved_mandate_id: int | None = None
        self.setWindowTitle("修改代表信息" if self.record else "新增代表")
        self.setModal(True)
        self.setMinimumWidth(780)
        self._build()
        if self.record is not None:
            self._fill(self.record.data)
        self.name.setFocus()

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.name = QLineEdit()
        self.name.setMaxLength(40)
        self.name.setPlaceholderText("如：张三丰")
        self.gender = QComboBox()
        self.gender.addItem("请选择", None)
        for gender in Gender:
            self.gender.addItem(gender.label, gender.value)  # Qt keeps str subclasses as plain str
        self.ethnicity = _editable_combo(ETHNICITIES, "如：汉族")
        self.birth_date = OptionalDateEdit(dt.date(1970, 1, 1))
        self.id_number = QLineEdit()
        self.id_number.setMaxLength(20)
        self.id_number.setPlaceholderText("18位，填写后自动带出出生日期和性别")
        self.political_status = _editable_combo(POLITICAL_STATUSES, "如：中共党员")
        self.education = _editable_combo(EDUCATION_LEVELS, "如：本科")
        self.workplace = QLineEdit()
        self.workplace.setMaxLength(120)
        self.workplace.setPlaceholderText("如：东坑村党支部书记")
        self.mobile = QLineEdit()
        self.mobile.setMaxLength(20)
        self.mobile.setPlaceholderText("11位手机号码")

        self.level_boxes: dict[DeputyLevel, QCheckBox] = {}
        levels = QWidget()
        levels_row = QHBoxLayout(levels)
        levels_row.setContentsMargins(0, 0, 0, 0)
        levels_row.setSpacing(14)
        for level in DeputyLevel:
            box = QCheckBox(level.label)
            box.setChecked(level == DeputyLevel.TOWNSHIP)
            self.level_boxes[level] = box
            levels_row.addWidget(box)
        levels_row.addStretch(1)
        levels.setFocusProxy(self.level_boxes[DeputyLevel.TOWNSHIP])

        self.term = QComboBox()
        current = township.current_term(self.ctx.db)
        for term in township.list_terms(self.ctx.db):
            self.term.addItem(term.label, term.id)
            if current is not None and term.id == current.id:
                self.term.setCurrentIndex(self.term.count() - 1)
        self.constituency = QLineEdit()
        self.constituency.setMaxLength(80)
        self.constituency.setPlaceholderText("如：第1选区")
        self.group = QComboBox()
        self.group.addItem("（无）", None)
        for item in organisation.list_groups(self.ctx.db):
            self.group.addItem(item.name, item.id)
        self.station = QComboBox()
        self.station.addItem("（无）", None)
        for item in organisation.list_stations(self.ctx.db):
            self.station.addItem(item.name, item.id)
        start = dt.date(current.start_year, 1, 1) if current and current.start_year else None
        self.elected_on = OptionalDateEdit(start or dt.date.today())
        self.by_election = QCheckBox("补选产生（届中补选的代表）")
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("其他需要记下的情况")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(64)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(self._section("基本信息"))
        grid = QGridLayout()
        self.form = FieldForm(grid, columns=2)
        f = self.form
        f.add("name", "姓名", self.name, 0, 0, required=True)
        f.add("gender", "性别", self.gender, 0, 1, required=True)
        f.add("id_number", "公民身份号码", self.id_number, 1, 0)
        f.add("birth_date", "出生日期", self.birth_date, 1, 1)
        f.add("ethnicity", "民族", self.ethnicity, 2, 0)
        f.add("political_status", "政治面貌", self.political_status, 2, 1)
        f.add("education", "文化程度", self.education, 3, 0)
        f.add("mobile", "手机号码", self.mobile, 3, 1)
        f.add("workplace", "工作单位及职务", self.workplace, 4, 0, span=2)
        layout.addLayout(grid)
        layout.addWidget(self._section("代表职务"))
        grid2 = QGridLayout()
        self.form2 = FieldForm(grid2, columns=2)
        m = self.form2
        m.add("levels", "代表层级", levels, 0, 0, span=2, required=True)
        m.add("term_id", "届次", self.term, 1, 0, required=True)
        m.add("constituency", "选区", self.constituency, 1, 1)
        m.add("group_id", "代表小组", self.group, 2, 0)
        m.add("station_id", "联络站", self.station, 2, 1)
        m.add("elected_on", "当选日期", self.elected_on, 3, 0)
        m.add("by_election", "", self.by_election, 3, 1)
        m.add("notes", "备注", self.notes, 4, 0, span=2)
        m.alias("left_on", "elected_on")
        m.alias("status", "elected_on")
        layout.addLayout(grid2)
        # Both grids share their label column width, so the two sections line up.
        for grid_ in (grid, grid2):
            grid_.setColumnMinimumWidth(0, 96)
            grid_.setColumnMinimumWidth(2, 76)

        layout.addStretch(1)
        self.general_error = ErrorLabel(self)
        layout.addWidget(self.general_error)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("primary")
        self.save_button.setToolTip("保存（Ctrl+S）")
        self.save_button.setDefault(True)
        cancel = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setToolTip("不保存，关闭（Esc）")
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

        self.id_number.editingFinished.connect(self.fill_from_id_number)
        self.id_number.textChanged.connect(self._id_typed)
        order: list[QWidget] = [
            self.name, self.gender, self.id_number, self.birth_date.edit, self.ethnicity,
            self.political_status, self.education, self.mobile, self.workplace,
            *self.level_boxes.values(), self.term, self.constituency, self.group, self.station,
            self.elected_on.edit, self.by_election, self.notes, self.save_button, cancel,
        ]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    @staticmethod
    def _section(text: str) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 4, 0, 0)
        title = QLabel(text)
        title.setObjectName("sectionTitle")
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setObjectName("sectionLine")
        row.addWidget(title)
        row.addWidget(line, 1)
        return box

    # -- values -----------------------------------------------------------------------------
    def _fill(self, data: DeputyInput) -> None:
        self.name.setText(data.name)
        self.gender.setCurrentIndex(
            max(0, self.gender.findData(data.gender.value if data.gender else None)))
        self.ethnicity.setCurrentText(data.ethnicity)
        self.birth_date.setValue(data.birth_date)
        self.id_number.setText(data.id_number)
        self.political_status.setCurrentText(data.political_status)
        self.education.setCurrentText(data.education)
        self.workplace.setText(data.workplace)
        self.mobile.setText(data.mobile)
        for level, box in self.level_boxes.items():
            box.setChecked(level in data.levels)
        self.term.setCurrentIndex(max(0, self.term.findData(data.term_id)))
        self.constituency.setText(data.constituency)
        self.group.setCurrentIndex(max(0, self.group.findData(data.group_id)))
        self.station.setCurrentIndex(max(0, self.station.findData(data.station_id)))
        self.elected_on.setValue(data.elected_on)
        self.by_election.setChecked(data.by_election)
        self.notes.setPlainText(data.notes)

    def collect(self) -> DeputyInput:
        """What the form says now (not yet validated: the service does that)."""
        status, left_on = DeputyStatus.SERVING, None
        if self.record is not None:
            status, left_on = self.record.data.status, self.record.data.left_on
        term_id = self.term.currentData()
        return DeputyInput(
            name=self.name.text(),
            gender=enum_member(Gender, self.gender.currentData()),
            term_id=int(term_id) if term_id is not None else 0,
            levels=[lvl for lvl, box in self.level_boxes.items() if box.isChecked()],
            ethnicity=self.ethnicity.currentText(),
            birth_date=self.birth_date.value(),
            id_number=self.id_number.text(),
            political_status=self.political_status.currentText(),
            education=self.education.currentText(),
            workplace=self.workplace.text(),
            mobile=self.mobile.text(),
            constituency=self.constituency.text(),
            group_id=self.group.currentData(),
            station_id=self.station.currentData(),
            elected_on=self.elected_on.value(),
            by_election=self.by_election.isChecked(),
            status=status,
            left_on=left_on,
            notes=self.notes.toPlainText(),
        )

    def _id_typed(self, text: str) -> None:
        if len(text.strip()) >= 18:
            self.fill_from_id_number()

    def fill_from_id_number(self) -> None:
        """A valid ID number tells the birth date and sex: fill them in when still empty."""
        try:
            number = validate_id_number(self.id_number.text())
        except InvalidValue:
            return
        if self.birth_date.value() is None:
            self.birth_date.setValue(id_birth_date(number))
        if self.gender.currentData() is None:
            self.gender.setCurrentIndex(self.gender.findData(id_gender(number).value))

    # -- saving -----------------------------------------------------------------------------
    def show_errors(self, field_errors: dict[str, str]) -> None:
        first = {k: v for k, v in field_errors.items() if k in self.form.widgets}
        rest = {k: v for k, v in field_errors.items() if k not in first}
        self.form.show_errors(first)
        unplaced = self.form2.show_errors(rest)
        placed = len(field_errors) - len(unplaced)
        advice = [f"请改正红字标出的 {placed} 处后再保存。"] if placed else []
        self.general_error.show_message("；".join([*unplaced, *advice]))
        if first:
            self.form.show_errors(first)  # focus the first wrong field of the upper section

    def error_text(self, field: str) -> str:
        """The message shown under a field ("" when none): for tests and screenshots."""
        for form in (self.form, self.form2):
            if field in form.errors:
                return form.error_text(field)
        return ""

    def save(self) -> bool:
        data = self.collect()
        try:
            if self.record is None:
                self.saved_mandate_id = deputies.add_deputy(self.ctx.db, self.ctx.actor, data)
            else:
                deputies.update_deputy(
                    self.ctx.db, self.ctx.actor, self.record.mandate_id, data,
                    deputy_version=self.record.deputy_version,
                    mandate_version=self.record.mandate_version)
                self.saved_mandate_id = self.record.mandate_id
        except ValidationFailed as exc:
            self.show_errors(exc.field_errors)
            return False
        except (Conflict, NotFound) as exc:
            self.general_error.show_message(exc.message)
            messages.warn(self, "未能保存", exc.message)
            return False
        except ServiceError as exc:
            self.general_error.show_message(exc.message)
            messages.warn(self, "未能保存", exc.message)
            return False
        self.accept()
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter saves from any field but the notes (where it starts a new line)."""
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not isinstance(self.focusWidget(), QPlainTextEdit)):
            self.save()
            return
        super().keyPressEvent(event)
