"""新建/修改年度学习培训计划: the year (fixed once created: its sessions are dated in it), the
title and the goals. A new plan's title starts as the usual one (2026年度青山镇人大代表学习培训计划)
and follows the year until staff change it."""

from __future__ import annotations

import datetime as dt

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from presidium_app.services import township, training
from presidium_app.services.errors import ServiceError, ValidationFailed
from presidium_app.services.training import PlanRecord
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.widgets.form import ErrorLabel, FieldForm

GOALS_PLACEHOLDER = ("如：围绕提高代表依法履职能力，全年组织集中学习不少于两次，新当选和补选代表全员培训，"
                     "使代表熟悉履职程序，掌握建议撰写、预算审查和联系选民的方法。")


class PlanDialog(QDialog):
    """Create (plan=None, for `year`) or edit one annual plan; `save()` is what 保存 does."""

    def __init__(self, ctx: AppContext, plan: PlanRecord | None = None, year: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.plan = plan
        self.saved_plan_id: int | None = None
        self.town = township.get_township(ctx.db).name
        self.setWindowTitle("修改学习培训计划" if plan else "新建年度学习培训计划")
        self.setModal(True)
        self.setMinimumWidth(620)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        explain = QLabel(
            "每年一个学习培训计划。保存后在计划中逐场添加培训场次，举办后登记出勤，"
            "学时和受训人数都从出勤记录中统计。" if plan is None else
            "计划的年度不能更改（各场次的日期都在这一年内）。")
        explain.setObjectName("hint")
        explain.setWordWrap(True)
        layout.addWidget(explain)

        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setSuffix(" 年度")
        self.year.setValue(plan.year if plan else (year or dt.date.today().year))
        if plan is not None:
            self.year.setEnabled(False)
            self.year.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)
        self.title = QLineEdit()
        self.title.setMaxLength(120)
        self.goals = QPlainTextEdit()
        self.goals.setPlaceholderText(GOALS_PLACEHOLDER)
        self.goals.setTabChangesFocus(True)
        self.goals.setMinimumHeight(110)

        grid = QGridLayout()
        self.form = FieldForm(grid)
        self.form.add("year", "年度", self.year, 0, required=True)
        self.form.add("title", "计划名称", self.title, 1, required=True)
        self.form.add("goals", "培训目标", self.goals, 2)
        self.form.alias("plan", "title")
        grid.setColumnMinimumWidth(0, 72)
        layout.addLayout(grid, 1)

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
        layout.addWidget(buttons)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)

        if plan is not None:
            self.title.setText(plan.title)
            self.goals.setPlainText(plan.goals)
            self.title.setFocus()
        else:
            self._auto_title = self.default_title()
            self.title.setText(self._auto_title)
            self.year.valueChanged.connect(self._year_changed)
            self.year.setFocus()
            self.year.selectAll()

    def default_title(self) -> str:
        return training.default_title(self.year.value(), self.town)

    def _year_changed(self) -> None:
        """The title follows the year while it is still the one made for the previous year."""
        if self.title.text().strip() == self._auto_title:
            self._auto_title = self.default_title()
            self.title.setText(self._auto_title)

    def save(self) -> bool:
        try:
            if self.plan is None:
                self.saved_plan_id = training.create_plan(
                    self.ctx.db, self.ctx.actor, self.year.value(), self.title.text(),
                    self.goals.toPlainText())
            else:
                training.update_plan(self.ctx.db, self.ctx.actor, self.plan.id, self.title.text(),
                                     self.goals.toPlainText(), self.plan.version)
                self.saved_plan_id = self.plan.id
        except ValidationFailed as exc:
            unplaced = self.form.show_errors(exc.field_errors)
            self.general_error.show_message("；".join(unplaced))
            return False
        except ServiceError as exc:
            self.general_error.show_message(exc.message)
            messages.warn(self, "未能保存", exc.message)
            return False
        self.accept()
        return True

    def error_text(self, field: str) -> str:
        return self.form.error_text(field) if field in self.form.errors else ""
