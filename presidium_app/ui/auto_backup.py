"""Automatic backups while the app runs: on start, every day and on close, each only when
something changed since the newest backup (`services.backups.needs_backup`).

They run on the worker thread without a progress window and never stop the user: a failure is
logged and shown once in the status bar, and the next attempt simply tries again."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QStatusBar

from presidium_app.services import backups
from presidium_app.storage.backup import BackupInfo
from presidium_app.ui.context import AppContext
from presidium_app.ui.operations import error_text, run_quietly

log = logging.getLogger(__name__)
DAY_MS = 24 * 60 * 60 * 1000


class AutoBackups(QObject):
    def __init__(self, ctx: AppContext, status: QStatusBar) -> None:
        super().__init__(status)
        self.ctx, self.status = ctx, status
        self.running = False
        self.failure_shown = False
        self.timer = QTimer(self)
        self.timer.setInterval(DAY_MS)
        self.timer.timeout.connect(self.run)

    def start(self) -> None:
        """The backup on start (if needed) and the daily one."""
        self.timer.start()
        self.run()

    def run(self) -> None:
        if self.running or not self.ctx.db.is_sqlite:
            return
        self.running = True
        db = self.ctx.db
        run_quietly(lambda progress: backups.auto_backup(db, progress), self._done, self._failed)

    def on_close(self) -> None:
        """The backup on close: the window is going, so its result is only logged (the app waits
        for the worker before it exits)."""
        self.timer.stop()
        if not self.ctx.db.is_sqlite:
            return
        db = self.ctx.db
        run_quietly(lambda progress: backups.auto_backup(db, progress),
                    lambda info: log.info("关闭时自动备份：%s", info.id if info else "无修改，未备份"),
                    lambda error: log.warning("关闭时自动备份未成功：%s", error_text(error)))

    def _done(self, info: BackupInfo | None) -> None:
        self.running = False
        if info is not None:
            log.info("自动备份：%s", info.id)
            self.status.showMessage(f"已自动备份（{info.created_at:%H:%M}）", 8000)

    def _failed(self, error: BaseException) -> None:
        self.running = False
        log.warning("自动备份未成功：%s", error_text(error))
        if not self.failure_shown:
            self.failure_shown = True
            text = f"自动备份未成功：{error_text(error)}（可在“备份与恢复”中手动备份）"
            self.status.showMessage(text, 60000)
