"""数据库文件已损坏: shown at start when the database fails SQLite's check.

It says which file, that the app changed nothing, and offers the newest backup that verifies.
Restoring moves the damaged file aside (renamed beside it, never deleted), puts the backup in its
place and lets the app start. The user may instead pick another backup, a .zip from a USB stick,
or quit."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from presidium_app.services import backups
from presidium_app.services.audit import SYSTEM, Actor
from presidium_app.services.backups import RestoreOutcome
from presidium_app.storage import backup as store
from presidium_app.storage.backup import BackupInfo
from presidium_app.storage.database import Database
from presidium_app.storage.opening import DamagedDatabase
from presidium_app.storage.paths import DataPaths, resolve_data_paths, resolve_database_url
from presidium_app.ui import messages
from presidium_app.ui.dialogs.backups_dialog import describe
from presidium_app.ui.operations import error_text, run_operation


class DamagedDatabaseDialog(QDialog):
    def __init__(self, error: DamagedDatabase, paths: DataPaths, url: str, actor: Actor = SYSTEM,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error, self.paths, self.url, self.actor = error, paths, url, actor
        self.outcome: RestoreOutcome | None = None
        self.backups = store.list_backups(paths)
        self.good = backups.newest_good_backup(paths)
        self.setWindowTitle("数据库文件已损坏")
        self.setMinimumWidth(620)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        heading = QLabel("数据库文件无法读取")
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        self.explain = QLabel(
            f"数据库文件 {error.path.name} 未通过检查，可能已损坏（停电、磁盘故障等都可能造成）。"
            f"本程序没有修改这个文件。\n位置：{error.path}")
        self.explain.setWordWrap(True)
        self.explain.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.explain)
        self.offer = QLabel()
        self.offer.setWordWrap(True)
        layout.addWidget(self.offer)

        layout.addWidget(QLabel("可以恢复的备份（最新的在上）："))
        self.list = QListWidget()
        for info in self.backups:
            item = QListWidgetItem(describe(info) + ("（已校验，完好）" if info == self.good else ""))
            item.setData(Qt.ItemDataRole.UserRole, info.id)
            self.list.addItem(item)
        self.list.currentRowChanged.connect(self._choice_changed)
        self.list.doubleClicked.connect(lambda _index: self.restore_chosen())
        layout.addWidget(self.list, 1)
        after = QLabel(f"恢复时，损坏的文件改名为 {error.path.name}.damaged-日期时间 留在原文件夹，不会删除。"
                       "备份之后录入的内容需要重新录入。")
        after.setObjectName("hint")
        after.setWordWrap(True)
        layout.addWidget(after)

        row = QHBoxLayout()
        self.quit_button = QPushButton("退出")
        self.quit_button.clicked.connect(self.reject)
        self.file_button = QPushButton("从文件恢复…")
        self.file_button.setToolTip("使用U盘或其他位置的备份文件（.zip）")
        self.file_button.clicked.connect(self.restore_from_file)
        self.restore_button = QPushButton("用此备份恢复并继续")
        self.restore_button.setObjectName("primary")
        self.restore_button.setDefault(True)
        self.restore_button.clicked.connect(self.restore_chosen)
        row.addWidget(self.quit_button)
        row.addStretch(1)
        row.addWidget(self.file_button)
        row.addWidget(self.restore_button)
        layout.addLayout(row)

        start = self.backups.index(self.good) if self.good in self.backups else 0
        if self.backups:
            self.list.setCurrentRow(start)
        self._choice_changed(self.list.currentRow())

    def chosen(self) -> BackupInfo | None:
        number = self.list.currentRow()
        return self.backups[number] if 0 <= number < len(self.backups) else None

    def _choice_changed(self, _row: int) -> None:
        info = self.chosen()
        self.restore_button.setEnabled(info is not None)
        if self.good is None:
            self.offer.setText("没有找到通过校验的备份。可以试试其他备份，或从U盘上的备份文件恢复。")
        elif info == self.good:
            self.offer.setText(f"建议：用最新的完好备份——{describe(self.good)}——恢复。")
        elif info is not None:
            self.offer.setText(f"已选{describe(info)}。恢复前会先校验，未通过校验则不会恢复。")

    def restore_chosen(self) -> None:
        info = self.chosen()
        if info is not None:
            self._restore(info.id)

    def restore_from_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择备份文件", str(Path.home()),
                                              "主席团工作台备份 (*.zip)")
        if path:
            self._restore(path)

    def _restore(self, source: str) -> None:
        paths, url, actor = self.paths, self.url, self.actor
        run_operation(self, "正在恢复",
                      lambda progress: backups.restore_damaged(paths, url, actor, source, progress),
                      self._restored, self._failed, cancellable=False)

    def _restored(self, outcome: RestoreOutcome) -> None:
        self.outcome = outcome
        aside = f"损坏的文件已改名保留：{outcome.damaged}" if outcome.damaged else ""
        messages.inform(self, "恢复完成", f"已从{describe(outcome.restored)}恢复，程序将继续启动。", aside)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        messages.warn(self, "未能恢复", error_text(error),
                      "损坏的文件没有被修改或删除（可能已改名为 .damaged-日期时间）。可以换一个备份再试。")


def offer_backups(error: DamagedDatabase, data_dir: str | None,
                  database_url: str | None) -> tuple[bool, Database | None]:
    """(offered, database): whether there were backups to offer, and the restored database if the
    user restored one (None: they quit)."""
    paths = resolve_data_paths(data_dir)
    if not store.list_backups(paths):
        return False, None
    dialog = DamagedDatabaseDialog(error, paths, resolve_database_url(paths, database_url))
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    outcome = dialog.outcome
    dialog.deleteLater()
    return True, outcome.database if accepted and outcome is not None else None
