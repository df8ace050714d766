"""上墙制度: edit the rule texts the activity room prints for its wall. Each rule starts as the
product's text; what the township writes replaces it, and 恢复默认 brings the product's back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from presidium_app.services import wall_rules
from presidium_app.services.errors import Conflict, ServiceError, ValidationFailed
from presidium_app.services.wall_rules import RuleText
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.widgets.form import FieldForm


class WallRulesDialog(QDialog):
    """The eight rules on the left; the chosen one's title and text on the right (one paragraph a
    line, as printed). Leaving a rule with unsaved changes asks first."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rules: list[RuleText] = []
        self.current: int = -1
        self.setWindowTitle("上墙制度文本")
        self.setModal(True)
        self.resize(900, 620)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        heading = QLabel("上墙制度文本")
        heading.setObjectName("dialogHeading")
        hint = QLabel("打印中心的“制度上墙”按这里的文本排版。每行一段；未修改的制度使用软件提供的默认文本。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(heading)
        layout.addWidget(hint)

        body = QHBoxLayout()
        self.list = QListWidget()
        self.list.setFixedWidth(220)
        self.list.currentRowChanged.connect(self._chosen)
        body.addWidget(self.list)
        right = QVBoxLayout()
        grid = QGridLayout()
        self.form = FieldForm(grid)
        self.title = QLineEdit()
        self.title.setMaxLength(60)
        self.text = QPlainTextEdit()
        self.text.setMinimumHeight(380)
        self.form.add("title", "制度名称", self.title, 0)
        self.form.add("text", "制度内容", self.text, 1)
        right.addLayout(grid)
        self.state = QLabel()
        self.state.setObjectName("hint")
        right.addWidget(self.state)
        buttons = QHBoxLayout()
        self.reset_button = QPushButton("恢复默认文本")
        self.reset_button.clicked.connect(self.reset_current)
        self.save_button = QPushButton("保存（Ctrl+S）")
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        close = QPushButton("关闭")
        close.clicked.connect(self.close)
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        right.addLayout(buttons)
        body.addLayout(right, 1)
        layout.addLayout(body, 1)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        self.load(0)

    def load(self, row: int) -> None:
        self.rules = wall_rules.list_rules(self.ctx.db)
        self.list.blockSignals(True)
        self.list.clear()
        for rule in self.rules:
            item = QListWidgetItem(rule.title + ("（已修改）" if rule.edited else ""))
            item.setData(Qt.ItemDataRole.UserRole, rule.key)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.current = -1
        self.list.setCurrentRow(row)

    def dirty(self) -> bool:
        if not 0 <= self.current < len(self.rules):
            return False
        rule = self.rules[self.current]
        return (self.title.text().strip(), self.text.toPlainText().strip()) != (rule.title, rule.text)

    def _chosen(self, row: int) -> None:
        if row == self.current or not 0 <= row < len(self.rules):
            return
        if self.dirty() and not messages.ask(self, "上墙制度文本", "当前制度的修改尚未保存，放弃修改？",
                                             yes="放弃修改", no="继续编辑"):
            self.list.blockSignals(True)
            self.list.setCurrentRow(self.current)
            self.list.blockSignals(False)
            return
        self.current = row
        rule = self.rules[row]
        self.form.clear_errors()
        self.title.setText(rule.title)
        self.text.setPlainText(rule.text)
        self.state.setText("本乡镇修改过的文本" if rule.edited else "软件提供的默认文本")
        self.reset_button.setEnabled(rule.edited)

    def save(self) -> bool:
        rule = self.rules[self.current]
        self.form.clear_errors()
        try:
            wall_rules.update_rule(self.ctx.db, self.ctx.actor, rule.key, self.title.text(),
                                   self.text.toPlainText(), version=rule.version)
        except ValidationFailed as exc:
            self.form.show_errors(exc.field_errors)
            return False
        except (Conflict, ServiceError) as exc:
            messages.warn(self, "未能保存", exc.message)
            return False
        self.load(self.current)
        return True

    def reset_current(self) -> bool:
        rule = self.rules[self.current]
        question = f"把“{rule.title}”恢复为软件提供的默认文本？本乡镇的修改将不再使用。"
        if not messages.ask(self, "恢复默认文本", question, yes="恢复默认", danger=True):
            return False
        try:
            wall_rules.reset_rule(self.ctx.db, self.ctx.actor, rule.key, version=rule.version)
        except ServiceError as exc:
            messages.warn(self, "未能恢复默认", exc.message)
            return False
        self.load(self.current)
        return True

    def closeEvent(self, event: object) -> None:
        if self.dirty() and not messages.ask(self, "上墙制度文本", "修改尚未保存，关闭并放弃修改？",
                                             yes="放弃修改", no="继续编辑"):
            event.ignore()  # type: ignore[attr-defined]
            return
        super().closeEvent(event)  # type: ignore[arg-type]
