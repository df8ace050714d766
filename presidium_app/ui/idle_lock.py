"""The idle lock (GB/T 22239-2019: a session left alone locks). An application-wide event filter
notes every key press, click, wheel turn and mouse move; after `security.idle_lock_minutes` without
any, or at once on Ctrl+L, the main window's content is hidden and a lock screen covers it. Only
the signed-in user's password unlocks it (failures count towards the account's lockout);
切换用户 opens the full sign-in instead. Locking and unlocking are written to the audit log.

Ctrl+L is taken in the event filter (as a ShortcutOverride), so no page's own shortcut can
shadow the lock.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from presidium_app.services import accounts
from presidium_app.services import settings as app_settings
from presidium_app.services.audit import Actor
from presidium_app.services.errors import ServiceError
from presidium_app.ui.context import AppContext
from presidium_app.ui.dialogs.password_dialog import password_edit
from presidium_app.ui.widgets.form import ErrorLabel

INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.TabletPress,
})
POLL_MS = 5_000


def is_lock_key(event: QEvent) -> bool:
    if event.type() not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
        return False
    assert isinstance(event, QKeyEvent)
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return event.key() == Qt.Key.Key_L and modifiers == Qt.KeyboardModifier.ControlModifier


class LockScreen(QDialog):
    """Covers the main window until the signed-in user's password is given. Esc does nothing."""

    def __init__(self, ctx: AppContext, window: QWidget) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.switched_to: Actor | None = None
        self.setObjectName("lockScreen")
        self.setWindowTitle("已锁定")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setGeometry(window.geometry())
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        panel = QWidget()
        panel.setMaximumWidth(420)
        layout = QVBoxLayout(panel)
        layout.setSpacing(10)
        title = QLabel("屏幕已锁定")
        title.setObjectName("welcomeTitle")
        layout.addWidget(title)
        who = ctx.actor.name
        self.who = QLabel(f"当前用户：{who}（{ctx.actor.role.label}）。请输入密码解锁。")
        self.who.setWordWrap(True)
        layout.addWidget(self.who)
        self.password = password_edit("密码")
        layout.addWidget(self.password)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.switch_button = QPushButton("切换用户…")
        self.switch_button.setAutoDefault(False)
        self.switch_button.clicked.connect(self.switch_user)
        self.unlock_button = QPushButton("解锁")
        self.unlock_button.setObjectName("primary")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.unlock)
        buttons.addWidget(self.switch_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        layout.addLayout(buttons)
        row.addWidget(panel)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def unlock(self) -> bool:
        try:
            accounts.unlock_screen(self.ctx.db, self.ctx.actor, self.password.text())
        except ServiceError as exc:
            self.error.show_message(exc.message)
            self.password.clear()
            self.password.setFocus()
            return False
        self.accept()
        return True

    def switch_user(self) -> bool:
        from presidium_app.ui.dialogs.login_dialog import LoginDialog

        dialog = LoginDialog(self.ctx, self, switching=True)
        dialog.name.clear()
        dialog.name.setFocus()
        accepted = self.run_login(dialog)
        actor = dialog.actor
        dialog.deleteLater()
        if not accepted or actor is None:
            return False
        self.switched_to = actor
        self.accept()
        return True

    @staticmethod
    def run_login(dialog: QDialog) -> bool:
        """Shown modally; tests replace this."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def reject(self) -> None:  # Esc must not unlock
        pass

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.result() != QDialog.DialogCode.Accepted:
            event.ignore()


class IdleLock(QObject):
    """Watches for input and locks `window` when idle. Active only for a signed-in account."""

    locked = Signal()
    unlocked = Signal()
    user_switched = Signal(object)  # the Actor who signed in at the lock screen

    def __init__(self, window: QMainWindow, ctx: AppContext) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        self.screen: LockScreen | None = None
        self.covers: list[QLabel] = []  # over other windows while locked
        self.timeout_ms: int | None = None  # None: the setting; tests set a few milliseconds
        self.idle = QElapsedTimer()
        self.idle.start()
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def active(self) -> bool:
        return self.ctx.actor.user_id is not None

    @property
    def is_locked(self) -> bool:
        return self.screen is not None

    def limit_ms(self) -> int:
        if self.timeout_ms is not None:
            return self.timeout_ms
        try:
            minutes = app_settings.get(self.ctx.db, "security.idle_lock_minutes")
        except Exception:  # the database is busy or gone: keep the default, never stop locking
            minutes = app_settings.SPEC_BY_KEY["security.idle_lock_minutes"].default
        return int(minutes * 60_000)

    def set_poll_ms(self, interval: int) -> None:
        self.timer.setInterval(interval)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in INPUT_EVENTS or kind == QEvent.Type.ShortcutOverride:
            self.idle.restart()
            if is_lock_key(event) and self.active and not self.is_locked and self.window.isVisible():
                if kind == QEvent.Type.ShortcutOverride:
                    event.accept()  # deliver it as a key press (to us), not as some page's shortcut
                else:
                    self.lock_now("按 Ctrl+L 锁定")
                return True
        return False

    def check(self) -> None:
        if self.active and not self.is_locked and self.window.isVisible() \
                and self.idle.elapsed() >= self.limit_ms():
            self.lock_now(f"{max(1, self.limit_ms() // 60_000)}分钟无操作，自动锁定")

    def lock_now(self, reason: str = "手动锁定") -> LockScreen | None:
        if not self.active or self.is_locked:
            return self.screen
        with contextlib.suppress(ServiceError):  # the lock matters more than its log entry
            accounts.log_session_event(self.ctx.db, self.ctx.actor, "user.lock", f"锁定屏幕：{reason}")
        central = self.window.centralWidget()
        if central is not None:
            central.hide()
        self._cover_other_windows()
        screen = LockScreen(self.ctx, self.window)
        self.screen = screen
        screen.finished.connect(lambda _r: self._finished(screen))
        screen.open()
        self.locked.emit()
        return screen

    def _cover_other_windows(self) -> None:
        """An open form or dialog beside the main window shows personal data too: each is covered
        by an opaque panel (not hidden: hiding a dialog would end it and lose what was typed)."""
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return
        for widget in app.topLevelWidgets():
            if widget is self.window or not widget.isVisible() or isinstance(widget, LockScreen):
                continue
            cover = QLabel("屏幕已锁定", widget)
            cover.setObjectName("lockCover")
            cover.setAlignment(Qt.AlignmentFlag.AlignCenter)
            cover.setAutoFillBackground(True)
            cover.setGeometry(widget.rect())
            cover.raise_()
            cover.show()
            self.covers.append(cover)

    def _finished(self, screen: LockScreen) -> None:
        if screen is not self.screen:
            return
        self.screen = None
        self.idle.restart()
        central = self.window.centralWidget()
        if central is not None:
            central.show()
        for cover in self.covers:
            cover.deleteLater()
        self.covers = []
        switched = screen.switched_to
        screen.deleteLater()
        if switched is not None:
            self.user_switched.emit(switched)
        self.unlocked.emit()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
