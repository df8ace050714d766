"""备份与恢复: the backups of this data dir (time, reason, size, whether it verifies), a backup now,
a backup to a USB stick or any folder, and restore from a listed backup or a .zip file.

A restore replaces the database the whole app is using. The dialog does not know the app: the
opener passes `on_restored(database)`, and the main window rebuilds its pages on the restored
database (`MainWindow.replace_database`). What a restore replaces is always kept as a
恢复前备份, and the confirmation says so."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from presidium_app.services import backups
from presidium_app.services.backups import BackupRow, RestoreOutcome
from presidium_app.services.permissions import Permission, allows
from presidium_app.storage.backup import BackupInfo, backups_dir
from presidium_app.storage.database import Database
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.operations import error_text, run_operation, run_quietly

HEADERS = ("时间", "原因", "大小", "状态")
CHECKING = "校验中…"


def describe(info: BackupInfo) -> str:
    return f"{info.created_at:%Y年%m月%d日 %H:%M}的{info.reason_label}"


class BackupsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 on_restored: Callable[[Database], None] | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.on_restored = on_restored
        self.rows: list[BackupRow] = []
        self.setWindowTitle("备份与恢复")
        self.setMinimumSize(680, 460)
        self.resize(780, 540)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        heading = QLabel("备份与恢复")
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        explain = QLabel(
            f"备份包括数据库和全部照片、附件，保存在 {backups_dir(ctx.db.paths)}。"
            "程序在启动（有修改时）、每天和关闭时自动备份，并按“设置”中的份数保留。"
            "恢复前，当前数据会先保留为一份“恢复前备份”，随时可以再恢复回来。")
        explain.setObjectName("hint")
        explain.setWordWrap(True)
        layout.addWidget(explain)

        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())
        layout.addWidget(self.table, 1)
        self.empty = QLabel("还没有备份。点“立即备份”做第一份。")
        self.empty.setObjectName("hint")
        layout.addWidget(self.empty)

        tools = QHBoxLayout()
        self.backup_button = QPushButton("立即备份")
        self.backup_button.setObjectName("primary")
        self.backup_button.setToolTip("备份到数据目录的 backups 文件夹（Ctrl+B）")
        self.backup_button.clicked.connect(lambda: self.back_up_now())
        self.usb_button = QPushButton("备份到U盘或文件夹…")
        self.usb_button.setToolTip("立即备份，并在所选文件夹中另存一个 .zip 文件（如U盘）")
        self.usb_button.clicked.connect(self.back_up_to_folder)
        self.restore_button = QPushButton("从备份恢复…")
        self.restore_button.setToolTip("用所选备份替换当前数据（也可双击备份）")
        self.restore_button.clicked.connect(self.restore_selected)
        self.file_button = QPushButton("从文件恢复…")
        self.file_button.setToolTip("用U盘或其他位置的备份文件（.zip）替换当前数据")
        self.file_button.clicked.connect(self.restore_from_file)
        for button in (self.backup_button, self.usb_button, self.restore_button, self.file_button):
            tools.addWidget(button)
        tools.addStretch(1)
        layout.addLayout(tools)
        self.status = QLabel()
        self.status.setObjectName("savedHint")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        buttons = QDialogButtonBox()
        close = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        close.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+B"), self, lambda: self.back_up_now())

        may_back_up = allows(ctx.actor.role, Permission.BACKUP) and ctx.db.is_sqlite
        self.backup_button.setEnabled(may_back_up)
        self.usb_button.setEnabled(may_back_up)
        self.may_restore = allows(ctx.actor.role, Permission.RESTORE) and ctx.db.is_sqlite
        self.file_button.setEnabled(self.may_restore)
        if not ctx.db.is_sqlite:
            self.status.setText(backups.SHARED_DATABASE)
        self.reload()

    # -- the list ----------------------------------------------------------------------------
    def reload(self) -> None:
        """The list at once; each backup's verification follows in the background."""
        self.show_rows(backups.list_backups(self.ctx.db), checked=False)
        db = self.ctx.db

        def verified(rows: list[BackupRow]) -> None:
            if isValid(self.table):  # the dialog may have been closed meanwhile
                self.show_rows(rows, checked=True)

        run_quietly(lambda _progress: backups.list_backups(db, verify=True), verified, lambda _error: None)

    def show_rows(self, rows: list[BackupRow], checked: bool) -> None:
        if checked and [r.info.id for r in rows] != [r.info.id for r in self.rows]:
            return  # the list changed meanwhile; its own check follows
        selected = self.selected()
        self.rows = rows
        self.table.setRowCount(len(rows))
        for number, row in enumerate(rows):
            state = CHECKING if not checked else ("完好" if row.verified else f"已损坏：{row.problems[0]}")
            cells = (f"{row.info.created_at:%Y-%m-%d %H:%M:%S}", row.info.reason_label,
                     backups.size_text(row.info.size), state)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(str(row.info.path) if column < 3 else text)
                self.table.setItem(number, column, item)
            if selected is not None and row.info.id == selected.id:
                self.table.selectRow(number)
        if self.table.currentRow() < 0 and rows:
            self.table.selectRow(0)
        self.empty.setVisible(not rows)
        self._update_buttons()

    def selected(self) -> BackupInfo | None:
        number = self.table.currentRow()
        return self.rows[number].info if 0 <= number < len(self.rows) else None

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.may_restore and self.selected() is not None)

    # -- backing up --------------------------------------------------------------------------
    def back_up_now(self, folder: Path | None = None) -> None:
        if not self.backup_button.isEnabled():
            return
        ctx = self.ctx

        def done(result: tuple[BackupInfo, Path | None]) -> None:
            info, archive = result
            self.status.setText(f"已备份：{describe(info)}" + (f"，并已写入 {archive}" if archive else ""))
            self.reload()

        run_operation(self, "正在备份", lambda progress: backups.create(ctx.db, ctx.actor, to=folder,
                                                                          progress=progress),
                      done, cancellable=False)

    def back_up_to_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "选择U盘或文件夹", self.ctx.prefs.last_folder())
        if chosen:
            self.back_up_now(Path(chosen))

    # -- restoring ---------------------------------------------------------------------------
    def restore_selected(self) -> None:
        info = self.selected()
        if info is None or not self.may_restore:
            return
        self._confirm_and_restore(info.id, describe(info))

    def restore_from_file(self) -> None:
        if not self.may_restore:
            return
        path, _ = QFileDialog.getOpenFileName(self, "选择备份文件", self.ctx.prefs.last_folder(),
                                              "主席团工作台备份 (*.zip)")
        if path:
            self.ctx.prefs.remember_folder(path)
            self._confirm_and_restore(path, f"备份文件 {Path(path).name}")

    def _confirm_and_restore(self, source: str, what: str) -> None:
        paths = self.ctx.db.paths
        if not messages.ask(
                self, "从备份恢复",
                f"用{what}替换当前的全部数据？",
                yes="恢复", no="取消", danger=True,
                detail=(f"将替换数据库 {paths.database_file} 以及照片、附件文件夹。"
                        "替换前，当前数据会先保留为一份“恢复前备份”，在本窗口中随时可以再恢复回来。")):
            return
        ctx = self.ctx
        run_operation(self, "正在恢复", lambda progress: backups.restore(ctx.db, ctx.actor, source, progress),
                      self._restored, self._restore_failed, cancellable=False)

    def _restored(self, outcome: RestoreOutcome) -> None:
        if self.on_restored is not None:
            self.on_restored(outcome.database)
        else:
            self.ctx.db = outcome.database
        kept = f"原数据已保留为{describe(outcome.kept)}。" if outcome.kept else ""
        aside = f"无法读取的原数据库文件已移到 {outcome.damaged}。" if outcome.damaged else ""
        self.status.setText(f"已从{describe(outcome.restored)}恢复。{kept}{aside}")
        messages.inform(self, "恢复完成", f"已从{describe(outcome.restored)}恢复。", kept + aside)
        self.reload()

    def _restore_failed(self, error: BaseException) -> None:
        self.status.setText(f"未能恢复：{error_text(error)}")
        messages.warn(self, "未能恢复", error_text(error), "恢复没有完成时，当前数据不会被替换；可以重试。")
