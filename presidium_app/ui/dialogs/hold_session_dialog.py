"""举办本场: record that a planned training session took place. Saving records an activity of
type 学习培训 with each deputy's attendance (through `training.hold_session`), so the plan's hours,
its coverage and the list of untrained deputies all follow from this record.

Training is for every deputy, so everyone serving on the day starts ticked as 出席; staff untick
or mark 请假/缺席 the few who did not come. Changing the date re-reads who was serving then,
keeping what was already set for the deputies still listed.
"""

from __future__ import annotations

import datetime as dt
import itertools

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from presidium_app.services import activities, training
from presidium_app.services.activities import ParticipantInput
from presidium_app.services.errors import NotFound, ServiceError, ValidationFailed
from presidium_app.services.training import SessionRecord
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.models.training_models import format_hours, planned_when
from presidium_app.ui.widgets.attendance import AttendanceEditor
from presidium_app.ui.widgets.dates import from_qdate, to_qdate
from presidium_app.ui.widgets.form import ErrorLabel, FieldForm


def default_held_on(session: SessionRecord, year: int, today: dt.date) -> dt.date:
    """The planned day if it has come, else today in the planned month, else the middle of the
    planned month; never later than today and always within the plan's year."""
    planned = session.data.planned_date
    if planned is not None and planned <= today:
        day = planned
    elif today.year == year and (planned is not None or today.month == session.data.planned_month):
        day = today
    else:
        day = dt.date(year, session.data.planned_month, 15)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return max(first, min(day, today, last))


class HoldSessionDialog(QDialog):
    """Hold one planned session; `save()` is what 登记举办 does."""

    def __init__(self, ctx: AppContext, year: int, session: SessionRecord,
                 parent: QWidget | None = None, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.year = year
        self.session = session
        self.today = today or dt.date.today()
        self.activity_id: int | None = None
        self._offered: set[int] = set()
        self.setWindowTitle("登记举办培训")
        self.setModal(True)
        self.setMinimumSize(820, 640)
        self._build()
        self._load_attendance(initial=True)
        self.held_on.dateChanged.connect(lambda _d: self._load_attendance())

    def _build(self) -> None:
        data = self.session.data
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        heading = QLabel(data.topic)
        heading.setObjectName("dialogHeading")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        facts = [f"计划时间：{planned_when(self.session, self.year)}", f"形式：{data.form.label}",
                 f"学时：{format_hours(data.hours)}"]
        if data.speaker:
            facts.append(f"主讲人：{data.speaker}")
        if data.audience:
            facts.append(f"培训对象：{data.audience}")
        about = QLabel("　".join(facts))
        about.setObjectName("hint")
        about.setWordWrap(True)
        layout.addWidget(about)

        self.held_on = QDateEdit()
        self.held_on.setCalendarPopup(True)
        self.held_on.setDisplayFormat("yyyy-MM-dd")
        first = dt.date(self.year, 1, 1)
        last = max(first, min(self.today, dt.date(self.year, 12, 31)))
        self.held_on.setDateRange(to_qdate(first), to_qdate(last))
        self.held_on.setDate(to_qdate(default_held_on(self.session, self.year, self.today)))
        self.held_on.setToolTip("实际举办的日期，不能晚于今天")
        self.place = QLineEdit(data.place)
        self.place.setMaxLength(120)
        self.place.setPlaceholderText("如：镇人民政府三楼会议室")
        self.summary = QPlainTextEdit()
        self.summary.setPlaceholderText("如：学习了宪法和代表法关于代表权利义务的规定，"
                                        "结合本镇实际讲解了代表如何依法履职。")
        self.summary.setTabChangesFocus(True)
        self.summary.setFixedHeight(64)
        self.attendance = AttendanceEditor(self.ctx, self)

        grid = QGridLayout()
        self.form = FieldForm(grid, columns=2)
        f = self.form
        f.add("held_on", "举办日期", self.held_on, 0, 0, required=True)
        f.add("place", "地点", self.place, 0, 1)
        f.add("summary", "内容摘要", self.summary, 1, 0, span=2)
        f.alias("activity_date", "held_on")
        # The tick list takes all the height left, so it is laid out here rather than by the
        # form (whose fields keep their natural height); its error goes under it all the same.
        caption = QLabel("<span style='color:#b42318'>*</span> 参训代表")
        caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        caption.setMinimumHeight(self.place.sizeHint().height())
        caption.setBuddy(self.attendance)
        box = QVBoxLayout()
        box.setSpacing(2)
        box.addWidget(self.attendance, 1)
        self.participants_error = ErrorLabel(self)
        box.addWidget(self.participants_error)
        grid.addWidget(caption, 2, 0, Qt.AlignmentFlag.AlignTop)
        grid.addLayout(box, 2, 1, 1, 3)
        grid.setColumnMinimumWidth(0, 72)
        grid.setColumnMinimumWidth(2, 40)
        grid.setRowStretch(2, 1)
        layout.addLayout(grid, 1)
        hint = QLabel("培训面向全体代表：举办当天在任的代表默认都勾选为“出席”，"
                      "请把没来的改为“请假”或“缺席”。保存后记入代表活动，计入学时和受训人数。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)

        self.general_error = ErrorLabel(self)
        layout.addWidget(self.general_error)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("登记举办", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("primary")
        self.save_button.setToolTip("保存举办情况和出勤（Ctrl+S）")
        self.save_button.setDefault(True)
        cancel = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setToolTip("不保存，关闭（Esc）")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)
        for first_widget, second in itertools.pairwise(
                [self.held_on, self.place, self.summary, self.attendance, self.save_button, cancel]):
            QWidget.setTabOrder(first_widget, second)
        self.held_on.setFocus()

    # -- attendance -------------------------------------------------------------------------
    def held_date(self) -> dt.date:
        return from_qdate(self.held_on.date())

    def _load_attendance(self, initial: bool = False) -> None:
        """Everyone serving on the date, ticked 出席; on a date change, deputies already listed
        keep what was set, and ones staff unticked stay unticked."""
        on = self.held_date()
        serving = [d.deputy_id for d in activities.invitable_deputies(self.ctx.db, on)]
        if initial:
            chosen = [ParticipantInput(d) for d in serving]
        else:
            current = {p.deputy_id: p for p in self.attendance.participants()}
            chosen = []
            for deputy_id in serving:
                if deputy_id in current:
                    chosen.append(current[deputy_id])
                elif deputy_id not in self._offered:
                    chosen.append(ParticipantInput(deputy_id))
        self._offered = set(serving)
        self.attendance.load(on, chosen)

    def set_date(self, day: dt.date) -> None:
        self.held_on.setDate(QDate(day.year, day.month, day.day))

    # -- saving -----------------------------------------------------------------------------
    def save(self) -> bool:
        participants = self.attendance.participants()
        try:
            self.activity_id = training.hold_session(
                self.ctx.db, self.ctx.actor, self.session.id, self.held_date(), participants,
                place=self.place.text(), summary=self.summary.toPlainText(),
                version=self.session.version)
        except ValidationFailed as exc:
            errors = dict(exc.field_errors)
            refused = errors.pop("session", "")
            self.participants_error.show_message(errors.pop("participants", ""))
            unplaced = self.form.show_errors(errors)
            if refused:
                unplaced.insert(0, refused)
                messages.warn(self, "不能重复举办", refused)
            self.general_error.show_message("；".join(unplaced))
            return False
        except NotFound as exc:
            self.general_error.show_message(exc.message)
            messages.warn(self, "未能登记", exc.message)
            return False
        except ServiceError as exc:
            self.general_error.show_message(exc.message)
            messages.warn(self, "未能登记", exc.message)
            return False
        self.accept()
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in the tick list or its filter box ticks a deputy; it must not also save."""
        focus = self.focusWidget()
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and focus is not None
                and self.attendance.isAncestorOf(focus)):
            event.accept()
            return
        super().keyPressEvent(event)

    def error_text(self, field: str) -> str:
        """The message shown under a field ("" when none): for tests and screenshots."""
        if field == "participants":
            error = self.participants_error
            return "" if error.isHidden() else error.text()
        return self.form.error_text(field) if field in self.form.errors else ""
