"""新增/修改代表活动: the form over `ActivityInput`, the attendance list and the activity's photos
and files. The service validates; mistakes appear in red under the field concerned and the dialog
stays open with everything typed still there.

Attachments need an activity to belong to. A new activity's 添加 button therefore reads
“保存并添加照片或文件…”: it saves the activity first (showing any mistakes as 保存 would), keeps the
dialog open as 修改代表活动, then asks for the files. Saying it on the button is plainer than a
rule the user has to discover, and nothing is added behind their back.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

from PySide6.QtCore import QDate, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from presidium_app.domain.enums import ActivityType
from presidium_app.services import activities, mailbox, organisation
from presidium_app.services.activities import ActivityInput, ActivityRecord, RaisedOpinion
from presidium_app.services.errors import Conflict, NotFound, ServiceError, ValidationFailed
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.widgets.attachments import AttachmentsStrip
from presidium_app.ui.widgets.attendance import AttendanceEditor
from presidium_app.ui.widgets.choices import enum_member
from presidium_app.ui.widgets.dates import DATE_FORMAT, from_qdate, to_qdate
from presidium_app.ui.widgets.form import ErrorLabel, FieldForm

DEFAULT_ORGANISER = "镇人大主席团"
ORGANISERS = (DEFAULT_ORGANISER, "镇人民政府")
DATE_REDRAW_MS = 200  # the tick list follows the date once the user stops turning it

# Which type shows which of the fields that only some activities have.
GROUP_TYPES = frozenset({ActivityType.GROUP_MEETING})
STATION_TYPES = frozenset({ActivityType.VOTER_RECEPTION, ActivityType.DUTY_REPORT})
VOTER_TYPES = frozenset({ActivityType.VOTER_RECEPTION, ActivityType.DUTY_REPORT})

# --- 登记到社情民意 ----------------------------------------------------------------------------
# `mailbox_handler` gets the opinions `activities.raised_opinions` cut from the text; tests put a
# recorder in its place. Set to None, the button is shown disabled with a tooltip that says why.
MailboxHandler = Callable[[QWidget, AppContext, list[RaisedOpinion]], None]


def register_in_mailbox(parent: QWidget, ctx: AppContext, raised: list[RaisedOpinion]) -> None:
    """Ask, then register each raised opinion as an item of the mailbox (mailbox.register_raised)."""
    if not raised:
        messages.inform(parent, "登记到社情民意", "“意见建议”中没有可登记的内容。")
        return
    listing = "\n".join(f"{n}. {item.content}" for n, item in enumerate(raised, start=1))
    if not messages.ask(parent, "登记到社情民意",
                        f"把这次活动的 {len(raised)} 条意见逐条登记到社情民意信箱（来源：来访）？",
                        yes="登记", detail=listing):
        return
    try:
        numbers = mailbox.register_raised(ctx.db, ctx.actor, raised)
    except ServiceError as exc:
        messages.warn(parent, "登记到社情民意", exc.message)
        return
    if numbers:
        messages.inform(parent, "登记到社情民意",
                        f"已登记 {len(numbers)} 条：{'、'.join(numbers)}。可在“社情民意”中交办。")
    else:
        messages.inform(parent, "登记到社情民意", "这些意见此前已经登记过，没有重复登记。")


mailbox_handler: MailboxHandler | None = register_in_mailbox
MAILBOX_LATER = ("社情民意信箱将在后续版本中提供。届时点此按钮，可把“意见建议”中的每一条"
                 "登记到信箱，交办并跟踪办理。")


def mailbox_button(parent: QWidget | None = None) -> QPushButton:
    """“登记到社情民意”: enabled only once the mailbox exists."""
    button = QPushButton("登记到社情民意", parent)
    button.setObjectName("mailboxButton")
    button.setEnabled(mailbox_handler is not None)
    button.setToolTip("把意见建议逐条登记到社情民意信箱" if mailbox_handler else MAILBOX_LATER)
    return button


def register_opinions(parent: QWidget, ctx: AppContext, activity_id: int) -> bool:
    """Hand the activity's opinions to the mailbox; False while there is no mailbox."""
    if mailbox_handler is None:
        return False
    mailbox_handler(parent, ctx, activities.raised_opinions(ctx.db, activity_id))
    return True


BLANK_TIME = QTime(0, 0)


class _BlankableTimeEdit(QTimeEdit):
    """Shows "未填写" at 00:00 (nobody meets at midnight); starts from a sensible time once the
    user begins."""

    def __init__(self, start: QTime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.start = start
        self.setDisplayFormat("HH:mm")
        self.setMinimumTime(BLANK_TIME)
        self.setSpecialValueText("未填写")
        self.setTime(BLANK_TIME)

    def is_blank(self) -> bool:
        return self.time() == BLANK_TIME

    def _begin(self) -> None:
        if self.is_blank():
            self.setTime(self.start)
            self.setSelectedSection(QTimeEdit.Section.HourSection)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if (text and text.isdigit()) or event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self._begin()
        super().keyPressEvent(event)

    def stepBy(self, steps: int) -> None:
        if self.is_blank():
            self._begin()
            return
        super().stepBy(steps)


class OptionalTimeEdit(QWidget):
    """A time that may stay empty (开始/结束时间 are often not recorded); `value()` is None then."""

    changed = Signal()

    def __init__(self, start: dt.time, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = _BlankableTimeEdit(QTime(start.hour, start.minute), self)
        self.clear_button = QToolButton(self)
        self.clear_button.setText("清除")
        self.clear_button.setToolTip("清除这个时间（留空）")
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clear_button.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.clear_button)
        self.setFocusProxy(self.edit)
        self.edit.timeChanged.connect(self._on_changed)
        self._on_changed()

    def _on_changed(self) -> None:
        self.clear_button.setEnabled(not self.edit.is_blank())
        self.changed.emit()

    def value(self) -> dt.time | None:
        if self.edit.is_blank():
            return None
        time = self.edit.time()
        return dt.time(time.hour(), time.minute())

    def setValue(self, value: dt.time | None) -> None:
        self.edit.setTime(BLANK_TIME if value is None else QTime(value.hour, value.minute))

    def set_start(self, start: dt.time) -> None:
        self.edit.start = QTime(start.hour, start.minute)

    def clear(self) -> None:
        self.edit.setTime(BLANK_TIME)


def _text_box(placeholder: str, height: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setFixedHeight(height)
    return box


def section(text: str, hint: str = "") -> QWidget:
    """A bold section title with a rule after it (as in the deputy form)."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 4, 0, 0)
    title = QLabel(text)
    title.setObjectName("sectionTitle")
    row.addWidget(title)
    if hint:
        note = QLabel(hint)
        note.setObjectName("hint")
        row.addWidget(note)
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setObjectName("sectionLine")
    row.addWidget(line, 1)
    return box


class ActivityDialog(QDialog):
    """Add (activity_id=None) or edit one activity. `save()` is what 保存 does: it returns True and
    accepts the dialog when the service took the input. `saved_activity_id` is set as soon as
    anything was saved (also by “保存并添加照片或文件…”), so the page refreshes even on 取消."""

    def __init__(self, ctx: AppContext, activity_id: int | None = None,
                 parent: QWidget | None = None, on: dt.date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.activity_id = activity_id
        self.record: ActivityRecord | None = (
            activities.get_activity(ctx.db, activity_id) if activity_id is not None else None)
        self.version: int | None = self.record.version if self.record else None
        self.saved_activity_id: int | None = None
        self._organiser_auto = True
        self.setModal(True)
        self.setMinimumSize(1000, 640)
        self.resize(1140, 740)
        self._build()
        if self.record is not None:
            self._fill(self.record.data)
        else:
            self.date.setDate(to_qdate(on or dt.date.today()))
            self.attendance.load(self._date(), [])
            self._type_changed()
        self._update_title()
        self.type.setFocus()

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.type = QComboBox()
        for kind in ActivityType:
            self.type.addItem(kind.label, kind.value)
        self.type.setMaxVisibleItems(len(ActivityType))
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat(DATE_FORMAT)
        self.date.setDateRange(QDate(2000, 1, 1), to_qdate(dt.date.today() + dt.timedelta(days=366)))
        self.date.setToolTip("活动举行的日期；参加代表名单随日期列出当日在任的代表")
        self.start_time = OptionalTimeEdit(dt.time(9, 0))
        self.end_time = OptionalTimeEdit(dt.time(11, 30))
        self.topic = QLineEdit()
        self.topic.setMaxLength(200)
        self.topic.setPlaceholderText("如：视察农村饮水安全工程建设情况")
        self.place = QLineEdit()
        self.place.setMaxLength(120)
        self.place.setPlaceholderText("如：东山村集中供水站")
        self.organiser = QComboBox()
        self.organiser.setEditable(True)
        self.organiser.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.group = QComboBox()
        self.group.addItem("（请选择）", None)
        self.station = QComboBox()
        self.station.addItem("（无）", None)
        groups = organisation.list_groups(self.ctx.db)
        for item in groups:
            self.group.addItem(item.name, item.id)
        for item in organisation.list_stations(self.ctx.db):
            self.station.addItem(item.name, item.id)
        self.organiser.addItems([*ORGANISERS, *(g.name for g in groups)])
        self.organiser.setCurrentText(DEFAULT_ORGANISER)
        self.voters = QSpinBox()
        self.voters.setRange(0, 100_000)
        self.voters.setSuffix(" 人")
        self.voters.setToolTip("来访或参加评议的选民人数")
        self.other = QLineEdit()
        self.other.setMaxLength(500)
        self.other.setPlaceholderText("如：镇长、分管副镇长、水利站负责人（选民只记人数）")
        self.summary = _text_box("活动的主要内容和经过", 76)
        self.opinions = _text_box("活动中代表和群众提出的意见建议，每条一行或用1. 2. 编号", 64)
        self.follow_up = _text_box("意见建议的交办、答复和落实情况", 52)

        self.mailbox = mailbox_button()
        self.mailbox.clicked.connect(self._register_opinions)
        self.mailbox_note = QLabel("信箱功能在后续版本提供")
        self.mailbox_note.setObjectName("hint")
        mailbox_row = QWidget()
        row = QHBoxLayout(mailbox_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.mailbox)
        row.addWidget(self.mailbox_note)
        row.addStretch(1)
        self.mailbox_row = mailbox_row

        # Left: what the activity was.
        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(section("活动信息"))
        grid = QGridLayout()
        self.form = FieldForm(grid, columns=2)
        f = self.form
        f.add("type", "活动类型", self.type, 0, 0, required=True)
        f.add("activity_date", "活动日期", self.date, 0, 1, required=True)
        f.add("start_time", "开始时间", self.start_time, 1, 0)
        f.add("end_time", "结束时间", self.end_time, 1, 1)
        f.add("topic", "主题", self.topic, 2, 0, span=2, required=True)
        f.add("place", "地点", self.place, 3, 0)
        f.add("organiser", "组织单位", self.organiser, 3, 1)
        f.add("group_id", "代表小组", self.group, 4, 0)
        f.add("station_id", "联络站", self.station, 5, 0)
        f.add("voters_count", "选民人数", self.voters, 5, 1)
        f.add("other_participants", "其他参加人员", self.other, 6, 0, span=2)
        f.add("summary", "内容摘要", self.summary, 7, 0, span=2)
        f.add("opinions_raised", "意见建议", self.opinions, 8, 0, span=2)
        grid.addWidget(mailbox_row, 9, 1, 1, 3)
        f.add("follow_up", "后续跟踪", self.follow_up, 10, 0, span=2)
        grid.setColumnMinimumWidth(0, 84)
        grid.setColumnMinimumWidth(2, 70)
        left.addLayout(grid)
        left.addStretch(1)

        # Right: who was there, and the photos and files.
        right = QVBoxLayout()
        right.setSpacing(8)
        right.addWidget(section("参加代表", "勾选受邀代表，再为每人选择出席、请假或缺席"))
        self.attendance = AttendanceEditor(self.ctx, self)
        right.addWidget(self.attendance, 1)
        self.participants_error = ErrorLabel(self)
        right.addWidget(self.participants_error)
        right.addWidget(section("照片与文件"))
        self.attachments = AttachmentsStrip(self.ctx, self)
        self.attachments.set_ensure_activity(self._save_for_attachments)
        self.attachments.setFixedHeight(self.attachments.sizeHint().height())
        right.addWidget(self.attachments)

        columns = QHBoxLayout()
        columns.setSpacing(22)
        columns.addLayout(left, 11)
        columns.addLayout(right, 10)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 14)
        layout.setSpacing(10)
        layout.addLayout(columns, 1)
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
        self.type.currentIndexChanged.connect(lambda _i: self._type_changed(by_user=True))
        self.group.activated.connect(lambda _i: self._group_chosen())
        self.station.activated.connect(lambda _i: self._station_chosen())
        organiser_line = self.organiser.lineEdit()
        if organiser_line is not None:
            organiser_line.textEdited.connect(self._organiser_typed)
        self.start_time.changed.connect(self._start_changed)
        self.opinions.textChanged.connect(self._update_mailbox)

        order: list[QWidget] = [
            self.type, self.date, self.start_time.edit, self.end_time.edit, self.topic,
            self.place, self.organiser, self.group, self.station, self.voters, self.other,
            self.summary, self.opinions, self.follow_up, self.attendance.filter,
            self.attendance.invited_only, self.attendance.group_combo, self.attendance.all_button,
            self.attendance.none_button, self.attendance.view, self.attachments.add_button,
            self.attachments.view, self.save_button, self.cancel_button,
        ]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    # -- values -----------------------------------------------------------------------------
    def _fill(self, data: ActivityInput) -> None:
        self.type.blockSignals(True)
        self.type.setCurrentIndex(max(0, self.type.findData(data.type.value)))
        self.type.blockSignals(False)
        self.date.blockSignals(True)
        self.date.setDate(to_qdate(data.activity_date))
        self.date.blockSignals(False)
        self.start_time.setValue(data.start_time)
        self.end_time.setValue(data.end_time)
        self.topic.setText(data.topic)
        self.place.setText(data.place)
        self.organiser.setCurrentText(data.organiser)
        self._organiser_auto = False
        self.group.setCurrentIndex(max(0, self.group.findData(data.group_id)))
        self.station.setCurrentIndex(max(0, self.station.findData(data.station_id)))
        self.voters.setValue(data.voters_count)
        self.other.setText(data.other_participants)
        self.summary.setPlainText(data.summary)
        self.opinions.setPlainText(data.opinions_raised)
        self.follow_up.setPlainText(data.follow_up)
        self.attendance.load(data.activity_date, data.participants)
        self._type_changed()
        if self.activity_id is not None:
            self.attachments.set_activity(self.activity_id)

    def activity_type(self) -> ActivityType:
        return enum_member(ActivityType, self.type.currentData()) or ActivityType.OTHER

    def _date(self) -> dt.date:
        return from_qdate(self.date.date())

    def _shows(self, types: frozenset[ActivityType], value: object) -> bool:
        """A type's own field shows for that type, and also wherever a record has a value in it
        (nothing recorded is hidden from the user)."""
        return self.activity_type() in types or bool(value)

    def _set_field_visible(self, name: str, visible: bool) -> None:
        self.form.labels[name].setVisible(visible)
        widget = self.form.widgets[name]
        box = widget.parentWidget()
        (box if box is not None else widget).setVisible(visible)

    def collect(self) -> ActivityInput:
        """What the form says now (not yet validated: the service does that)."""
        kind = self.activity_type()
        group_shown = not self.form.labels["group_id"].isHidden()
        station_shown = not self.form.labels["station_id"].isHidden()
        voters_shown = not self.form.labels["voters_count"].isHidden()
        return ActivityInput(
            type=kind,
            activity_date=self._date(),
            topic=self.topic.text(),
            place=self.place.text(),
            organiser=self.organiser.currentText(),
            start_time=self.start_time.value(),
            end_time=self.end_time.value(),
            other_participants=self.other.text(),
            voters_count=self.voters.value() if voters_shown else 0,
            summary=self.summary.toPlainText(),
            opinions_raised=self.opinions.toPlainText(),
            follow_up=self.follow_up.toPlainText(),
            group_id=self.group.currentData() if group_shown else None,
            station_id=self.station.currentData() if station_shown else None,
            participants=self.attendance.participants(),
        )

    # -- reactions --------------------------------------------------------------------------
    def apply_date(self) -> None:
        """The tick list shows who served on the (new) date; ticks made so far stay."""
        self._date_timer.stop()
        self.attendance.set_date(self._date())

    def _type_changed(self, by_user: bool = False) -> None:
        """Show the fields and columns of the chosen type. When the user changes the type, the
        ratings and 审议发言 the new type does not have are dropped (an opened record keeps
        what it says until then)."""
        kind = self.activity_type()
        self._set_field_visible("group_id", self._shows(
            GROUP_TYPES, self.group.currentData()))
        self._set_field_visible("station_id", self._shows(
            STATION_TYPES, self.station.currentData()))
        self._set_field_visible("voters_count", self._shows(
            VOTER_TYPES, self.voters.value()))
        self.attendance.set_show_spoke(kind == ActivityType.CONGRESS_SESSION)
        self.attendance.set_show_rating(kind == ActivityType.DUTY_REPORT)
        if by_user and kind != ActivityType.DUTY_REPORT:
            self.attendance.clear_ratings()
        if by_user and kind != ActivityType.CONGRESS_SESSION:
            self.attendance.clear_spoke()
        self.mailbox_row.setVisible(kind == ActivityType.VOTER_RECEPTION)
        self._update_mailbox()

    def _group_chosen(self) -> None:
        """A group meeting: its group is who is invited, unless someone was ticked already; and
        the group organised it, unless the user wrote another organiser."""
        group_id = self.group.currentData()
        if group_id is None:
            return
        if self._organiser_auto:
            self.organiser.setCurrentText(self.group.currentText())
        if not self.attendance.participants():
            self.attendance.invite_group(int(group_id))

    def _station_chosen(self) -> None:
        if self.station.currentData() is not None and not self.place.text().strip():
            self.place.setText(self.station.currentText())

    def _organiser_typed(self, _text: str) -> None:
        self._organiser_auto = False

    def _start_changed(self) -> None:
        start = self.start_time.value()
        if start is not None:
            end = (dt.datetime.combine(dt.date.today(), start) + dt.timedelta(hours=2)).time()
            self.end_time.set_start(end if end > start else dt.time(23, 59))

    def _update_mailbox(self) -> None:
        ready = (mailbox_handler is not None and self.activity_id is not None
                 and bool(self.opinions.toPlainText().strip()))
        self.mailbox.setEnabled(ready)
        self.mailbox_note.setVisible(mailbox_handler is None)

    def _register_opinions(self) -> None:
        if self.activity_id is not None:
            register_opinions(self, self.ctx, self.activity_id)

    def _update_title(self) -> None:
        self.setWindowTitle("修改代表活动" if self.activity_id is not None else "新增代表活动")

    # -- saving -----------------------------------------------------------------------------
    def show_errors(self, field_errors: dict[str, str]) -> None:
        errors = dict(field_errors)
        participants = errors.pop("participants", "")
        self.participants_error.show_message(participants)
        unplaced = self.form.show_errors(errors)
        placed = len(errors) - len(unplaced) + (1 if participants else 0)
        advice = [f"请改正红字标出的 {placed} 处后再保存。"] if placed else []
        self.general_error.show_message("；".join([*unplaced, *advice]))

    def error_text(self, field: str) -> str:
        """The message shown under a field ("" when none): for tests and screenshots."""
        if field == "participants":
            return "" if self.participants_error.isHidden() else self.participants_error.text()
        return self.form.error_text(field) if field in self.form.errors else ""

    def write(self) -> bool:
        """Save what the form says; the dialog stays open. False (with the reasons shown) when
        the service refused."""
        self.apply_date()
        data = self.collect()
        try:
            if self.activity_id is None:
                self.activity_id = activities.add_activity(self.ctx.db, self.ctx.actor, data)
            else:
                activities.update_activity(self.ctx.db, self.ctx.actor, self.activity_id, data,
                                           version=self.version)
            self.version = activities.get_activity(self.ctx.db, self.activity_id).version
        except ValidationFailed as exc:
            self.show_errors(exc.field_errors)
            return False
        except (Conflict, NotFound) as exc:
            self.general_error.show_message(exc.message)
            messages.warn(self, "未能保存", exc.message,
                          "你填写的内容仍在窗口中。可以先记下修改，关闭后重新打开这条活动再改。")
            return False
        except ServiceError as exc:
            self.general_error.show_message(exc.message)
            messages.warn(self, "未能保存", exc.message)
            return False
        self.saved_activity_id = self.activity_id
        self.show_errors({})
        return True

    def save(self) -> bool:
        if not self.write():
            return False
        self.accept()
        return True

    def _save_for_attachments(self) -> int | None:
        """“保存并添加照片或文件…” on a new activity: save, then go on as 修改代表活动."""
        if not self.write():
            return None
        self._update_title()
        self._update_mailbox()
        return self.activity_id

    def done(self, result: int) -> None:
        """Not while photos are still being copied: the list would close on a half-done job."""
        if self.attachments.busy:
            messages.inform(self, "请稍候", "照片和文件正在添加，完成后再关闭窗口。")
            return
        super().done(result)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter saves from any field but the long texts and the attendance list (where it
        starts a new line or ticks a deputy)."""
        focus = self.focusWidget()
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not isinstance(focus, QPlainTextEdit)
                and not (focus is not None and self.attendance.isAncestorOf(focus))
                and not (focus is not None and self.attachments.isAncestorOf(focus))):
            self.save()
            return
        super().keyPressEvent(event)
