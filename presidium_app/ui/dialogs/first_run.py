"""First run (初始设置): the township's name, county and current term — or a ready-made demo
township to look around in before entering real data."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from presidium_app.services import township
from presidium_app.services.errors import ServiceError, ValidationFailed
from presidium_app.services.progress import Cancelled, Progress
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.operations import error_text, run_operation
from presidium_app.ui.widgets.form import ErrorLabel, FieldForm
from presidium_app.ui.widgets.term_spin import TermSpinBox

DEMO_TOWNSHIP = ("青山镇", "临川县", 19, 2021, 2026)


def set_up_demo(ctx: AppContext, progress: Progress) -> str:
    """Worker side of 打开示范乡镇: the demo township and its deputies, groups and stations."""
    from presidium_app.services.demo import fill_demo

    name, county, ordinal, start, end = DEMO_TOWNSHIP
    township.set_up_township(ctx.db, ctx.actor, name, county, ordinal, start, end)
    return str(fill_demo(ctx.db, ctx.actor, scale=1, progress=progress))


class FirstRunDialog(QDialog):
    """Accepted once the township is set up (by the form or the demo)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.demo_summary: str | None = None
        self.demo_running = False
        self.setWindowTitle("初始设置")
        self.setModal(True)
        self.setMinimumWidth(560)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(12)
        title = QLabel("欢迎使用主席团工作台")
        title.setObjectName("welcomeTitle")
        layout.addWidget(title)
        intro = QLabel("请先填写本乡镇的名称和当前届次。这些信息会印在各类表格和文书上，"
                       "以后可以在“设置”中修改。")
        intro.setWordWrap(True)
        intro.setObjectName("hint")
        layout.addWidget(intro)

        this_year = dt.date.today().year
        self.name = QLineEdit()
        self.name.setPlaceholderText("如：青山镇")
        self.county = QLineEdit()
        self.county.setPlaceholderText("如：临川县")
        self.term = TermSpinBox()
        self.start_year = QSpinBox()
        self.start_year.setRange(1949, 2100)
        self.start_year.setValue(2021 if this_year <= 2026 else this_year)
        self.start_year.setSuffix(" 年")
        self.end_year = QSpinBox()
        self.end_year.setRange(1949, 2100)
        self.end_year.setValue(self.start_year.value() + 5)
        self.end_year.setSuffix(" 年")
        self.start_year.valueChanged.connect(lambda v: self.end_year.setValue(v + 5))
        years = QWidget()
        row = QHBoxLayout(years)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.start_year)
        row.addWidget(QLabel("至"))
        row.addWidget(self.end_year)
        row.addStretch(1)

        grid = QGridLayout()
        self.form = FieldForm(grid)
        self.form.add("name", "乡镇名称", self.name, 0, required=True)
        self.form.add("county", "所属县（市、区）", self.county, 1)
        self.form.add("term_ordinal", "当前届次", self.term, 2, required=True)
        self.form.add("start_year", "届期", years, 3)
        self.form.alias("end_year", "start_year")
        layout.addLayout(grid)
        self.general_error = ErrorLabel(self)
        layout.addWidget(self.general_error)

        self.demo_button = QPushButton("打开示范乡镇")
        self.demo_button.setToolTip("建立示范的青山镇（临川县，第十九届 2021—2026），"
                                    "含约50名代表、代表小组和联络站，供熟悉软件使用")
        self.demo_button.clicked.connect(self.start_demo)
        self.ok_button = QPushButton("开始使用")
        self.ok_button.setObjectName("primary")
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.save)
        demo_hint = QLabel("想先看看？可以打开示范乡镇（演示数据）。")
        demo_hint.setObjectName("hint")
        buttons = QHBoxLayout()
        buttons.addWidget(self.demo_button)
        buttons.addWidget(demo_hint)
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        layout.addSpacing(6)
        layout.addLayout(buttons)
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> bool:
        try:
            township.set_up_township(
                self.ctx.db, self.ctx.actor, self.name.text(), self.county.text(),
                self.term.value(), self.start_year.value(), self.end_year.value())
        except ValidationFailed as exc:
            self.general_error.show_message("；".join(self.form.show_errors(exc.field_errors)))
            return False
        except ServiceError as exc:
            self.general_error.show_message(exc.message)
            return False
        self.accept()
        return True

    def start_demo(self) -> None:
        """Set up 青山镇 and fill it in the background; the dialog closes when it is done."""
        self.demo_running = True
        self.demo_button.setEnabled(False)
        self.ok_button.setEnabled(False)
        self.general_error.show_message("")
        run_operation(self, "正在建立示范乡镇…", lambda p: set_up_demo(self.ctx, p),
                      self._demo_done, self._demo_failed)

    def _demo_done(self, summary: str) -> None:
        self.demo_running = False
        self.demo_summary = summary
        self.accept()

    def _demo_failed(self, error: BaseException) -> None:
        self.demo_running = False
        self.demo_button.setEnabled(True)
        self.ok_button.setEnabled(True)
        if isinstance(error, Cancelled):
            self.general_error.show_message("已取消示范数据。可以重新打开示范乡镇，或填写本乡镇信息。")
            return
        messages.warn(self, "示范乡镇未能建立", error_text(error))

    def reject(self) -> None:
        if not self.demo_running:  # closing while the demo fills would leave half a township
            super().reject()
