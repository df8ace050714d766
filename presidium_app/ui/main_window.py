"""The main window: navigation on the left for every area, pages created when first shown, and a
status bar naming the database file and the current term."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from presidium_app.services import accounts, township
from presidium_app.services.audit import Actor
from presidium_app.storage.database import Database
from presidium_app.ui import messages, operations
from presidium_app.ui.application import APP_TITLE
from presidium_app.ui.context import AppContext
from presidium_app.ui.idle_lock import IdleLock
from presidium_app.ui.prefs import WINDOW_GEOMETRY


@dataclass(frozen=True)
class Area:
    key: str
    title: str


AREAS = (
    Area("home", "工作台"),
    Area("roster", "代表名册"),
    Area("activities", "代表活动"),
    Area("mailbox", "社情民意"),
    Area("suggestions", "代表建议"),
    Area("training", "学习培训"),
    Area("printing", "打印中心"),
    Area("stats", "统计"),
    Area("settings", "设置"),
    Area("audit", "操作日志"),
    Area("users", "账户管理"),
)


def window_title(ctx: AppContext) -> str:
    info = township.get_township(ctx.db)
    return f"{APP_TITLE} — {info.full_name}"


def database_label(ctx: AppContext) -> str:
    db = ctx.db
    if db.is_sqlite:
        return str(db.paths.database_file)
    return db.engine.url.render_as_string(hide_password=True)


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.pages: dict[str, QWidget] = {}
        self.setMinimumSize(QSize(1100, 680))

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self._build_nav())
        self.stack = QStackedWidget()
        self.stack.setObjectName("pageStack")
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.db_label = QLabel()
        self.term_label = QLabel()
        self.user_label = QLabel()
        self.account_button = self._build_account_button()
        status = self.statusBar()
        status.setSizeGripEnabled(True)
        status.addWidget(self.db_label, 1)
        status.addPermanentWidget(self.term_label)
        status.addPermanentWidget(self.user_label)
        status.addPermanentWidget(self.account_button)
        self.backups_button = QPushButton("备份与恢复")
        self.backups_button.setObjectName("flat")
        self.backups_button.setToolTip("立即备份、备份到U盘、从备份恢复（Ctrl+Shift+B）")
        self.backups_button.clicked.connect(self.open_backups)
        status.addPermanentWidget(self.backups_button)
        QShortcut(QKeySequence("Ctrl+Shift+B"), self, self.open_backups)
        self.auto_backups: Any = None  # started by the app (start_automatic_backups)

        for number, area in enumerate(AREAS[:10]):  # Ctrl+1 … Ctrl+0
            key = f"Ctrl+{(number + 1) % 10}"
            QShortcut(QKeySequence(key), self, lambda a=area: self.show_page(a.key))
        geometry = ctx.prefs.get(WINDOW_GEOMETRY)
        if geometry:
            self.restoreGeometry(geometry)
        else:
            self.resize(1366, 800)
        self.refresh_township()
        self.show_page("home")
        self.idle_lock = IdleLock(self, ctx)
        self.idle_lock.user_switched.connect(self.signed_in_as)
        self.refresh_user()

    def _build_nav(self) -> QWidget:
        panel = QWidget()
        panel.setObjectName("navPanel")
        panel.setFixedWidth(156)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 18, 0, 12)
        layout.setSpacing(4)
        brand = QLabel(APP_TITLE)
        brand.setObjectName("navBrand")
        self.nav_township = QLabel()
        self.nav_township.setObjectName("navTownship")
        self.nav_township.setWordWrap(True)
        layout.addWidget(brand)
        layout.addWidget(self.nav_township)
        layout.addSpacing(14)
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.nav.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for number, area in enumerate(AREAS):
            item = QListWidgetItem(area.title)
            item.setData(Qt.ItemDataRole.UserRole, area.key)
            shortcut = f"　Ctrl+{(number + 1) % 10}" if number < 10 else ""
            item.setToolTip(area.title + shortcut)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._nav_changed)
        layout.addWidget(self.nav, 1)
        return panel

    # -- pages ------------------------------------------------------------------------------
    def _factories(self) -> dict[str, Callable[[], QWidget]]:
        """A page's module is imported when the page is first shown: importing all of them (and
        the printing and pinyin modules they use) cost a second of every start."""

        def home() -> QWidget:
            from presidium_app.ui.pages.home import HomePage

            page = HomePage(self.ctx)
            page.add_deputy_requested.connect(self.add_deputy)
            page.import_requested.connect(self.import_roster)
            page.page_requested.connect(self.show_page)
            page.handling_requested.connect(lambda area, tab: self.show_page(area).set_tab(tab))
            return page

        def settings() -> QWidget:
            from presidium_app.ui.pages.settings import SettingsPage

            page = SettingsPage(self.ctx)
            page.township_changed.connect(self.refresh_township)
            page.backups_requested.connect(self.open_backups)
            page.unit_items_requested.connect(lambda unit_id: self.show_page("mailbox").show_unit(unit_id))
            return page

        def suggestions() -> QWidget:
            from presidium_app.ui.pages.suggestions import SuggestionsPage

            page = SuggestionsPage(self.ctx)

            def show_opinion(opinion_id: int) -> None:  # the opinion a suggestion came from
                mailbox_page = self.show_page("mailbox")
                if hasattr(mailbox_page, "show_opinion"):
                    mailbox_page.show_opinion(opinion_id)

            page.opinion_requested.connect(show_opinion)
            return page

        def roster() -> QWidget:
            from presidium_app.ui.pages.roster import RosterPage

            return RosterPage(self.ctx)

        def audit() -> QWidget:
            from presidium_app.ui.pages.audit_log import AuditLogPage

            return AuditLogPage(self.ctx)

        def activities() -> QWidget:
            from presidium_app.ui.pages.activities import ActivitiesPage

            return ActivitiesPage(self.ctx)

        def training() -> QWidget:
            from presidium_app.ui.pages.training import TrainingPage

            return TrainingPage(self.ctx)

        def mailbox() -> QWidget:
            from presidium_app.ui.pages.mailbox import MailboxPage

            return MailboxPage(self.ctx)

        def printing() -> QWidget:
            from presidium_app.ui.pages.printing import PrintingPage

            return PrintingPage(self.ctx)

        def stats() -> QWidget:
            from presidium_app.ui.pages.stats import StatsPage

            return StatsPage(self.ctx)

        def users() -> QWidget:
            from presidium_app.ui.pages.users import UsersPage

            return UsersPage(self.ctx)

        return {
            "home": home,
            "roster": roster,
            "settings": settings,
            "audit": audit,
            "activities": activities,
            "training": training,
            "mailbox": mailbox,
            "suggestions": suggestions,
            "printing": printing,
            "stats": stats,
            "users": users,
        }

    def page(self, key: str) -> Any:
        """The page for an area, created the first time it is asked for."""
        if key not in self.pages:
            page = self._factories()[key]()
            page.setObjectName(f"page_{key}")
            self.pages[key] = page
            self.stack.addWidget(page)
            return page
        return self.pages[key]

    def show_page(self, key: str) -> Any:
        fresh = key not in self.pages
        page = self.page(key)
        self.stack.setCurrentWidget(page)
        row = next(i for i, area in enumerate(AREAS) if area.key == key)
        if self.nav.currentRow() != row:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(row)
            self.nav.blockSignals(False)
        if not fresh and hasattr(page, "activate"):
            page.activate()
        return page

    def current_key(self) -> str:
        page = self.stack.currentWidget()
        return next((k for k, p in self.pages.items() if p is page), "")

    def _nav_changed(self, row: int) -> None:
        if 0 <= row < len(AREAS):
            self.show_page(AREAS[row].key)

    def add_deputy(self) -> Any:
        return self.show_page("roster").add_deputy()

    def import_roster(self) -> bool:
        return bool(self.show_page("roster").import_roster())

    # -- the signed-in user -------------------------------------------------------------------
    def _build_account_button(self) -> QToolButton:
        """修改密码, 锁定 (Ctrl+L, taken by the idle lock's event filter) and 切换用户."""
        button = QToolButton()
        button.setObjectName("accountButton")
        button.setText("账户")
        button.setMinimumWidth(64)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        self.password_action = menu.addAction("修改密码…", self.change_password)
        self.lock_action = menu.addAction("锁定屏幕", self.lock)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setShortcutVisibleInContextMenu(True)
        menu.addSeparator()
        self.switch_action = menu.addAction("切换用户（注销）…", self.switch_user)
        button.setMenu(menu)
        return button

    def refresh_user(self) -> None:
        actor = self.ctx.actor
        self.user_label.setText(f"当前用户：{actor.name}（{actor.role.label}）")
        signed_in = actor.user_id is not None
        for action in (self.password_action, self.lock_action, self.switch_action):
            action.setEnabled(signed_in)
            action.setToolTip("" if signed_in else "这个数据库还没有账户")

    def change_password(self) -> bool:
        from presidium_app.ui.dialogs.password_dialog import PasswordDialog

        dialog = PasswordDialog(self.ctx, self)
        accepted = self.run_dialog(dialog)
        dialog.deleteLater()
        if accepted:
            messages.inform(self, "修改密码", "密码已修改，下次登录请使用新密码。")
        return accepted

    def lock(self) -> Any:
        return self.idle_lock.lock_now("手动锁定")

    def switch_user(self) -> bool:
        """切换用户 / 注销: the sign-in dialog; the current user stays signed in if it is cancelled."""
        from presidium_app.ui.dialogs.login_dialog import LoginDialog

        if operations.busy():
            messages.inform(self, "请稍候", "还有操作正在进行，完成后再切换用户。")
            return False
        dialog = LoginDialog(self.ctx, self, switching=True)
        dialog.name.clear()
        dialog.name.setFocus()
        accepted = self.run_dialog(dialog)
        actor = dialog.actor
        dialog.deleteLater()
        if not accepted or actor is None:
            return False
        self.signed_in_as(actor)
        return True

    @staticmethod
    def run_dialog(dialog: QDialog) -> bool:
        """Shown modally; tests replace this."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def signed_in_as(self, actor: Actor) -> None:
        """Someone else signed in (at the lock screen or by 切换用户): the pages are made anew for
        their role."""
        previous = self.ctx.actor
        if previous.user_id is not None and previous.user_id != actor.user_id:
            accounts.log_session_event(self.ctx.db, previous, "user.logout", f"切换为“{actor.name}”")
        self.ctx.actor = actor
        for page in self.pages.values():
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages.clear()
        self.show_page("home")
        self.refresh_user()

    # -- window -----------------------------------------------------------------------------
    def refresh_township(self) -> None:
        info = township.get_township(self.ctx.db)
        term = township.current_term(self.ctx.db)
        self.setWindowTitle(window_title(self.ctx))
        self.nav_township.setText(info.full_name)
        self.db_label.setText(f"数据库：{database_label(self.ctx)}")
        self.db_label.setToolTip(database_label(self.ctx))
        self.term_label.setText(f"当前届次：{term.label if term else '未设置'}")

    # -- backups ----------------------------------------------------------------------------
    def open_backups(self) -> Any:
        from presidium_app.ui.dialogs.backups_dialog import BackupsDialog

        dialog = BackupsDialog(self.ctx, self, on_restored=self.replace_database)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def replace_database(self, db: Database) -> None:
        """After a restore: every page is rebuilt on the restored database (pages keep models and
        ids read from the old one). The old engine was disposed by the restore."""
        old, self.ctx.db = self.ctx.db, db
        old.dispose()
        for page in self.pages.values():
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages.clear()
        self.refresh_township()
        self.show_page("home")
        if accounts.has_accounts(db):
            self.sign_in_after_restore()

    def sign_in_after_restore(self) -> bool:
        """The accounts are now the backup's: whoever uses the window signs in again (closing the
        dialog closes the window, so nobody keeps a session the restored data never granted)."""
        from presidium_app.ui.dialogs.login_dialog import LoginDialog

        dialog = LoginDialog(self.ctx, self)
        accepted = self.run_dialog(dialog)
        actor = dialog.actor
        dialog.deleteLater()
        if not accepted or actor is None:
            self.close()
            return False
        self.ctx.actor = actor
        self.signed_in_as(actor)
        return True

    def start_automatic_backups(self) -> None:
        """Backups on start (after a change), daily and on close, in the background."""
        from presidium_app.ui.auto_backup import AutoBackups

        self.auto_backups = AutoBackups(self.ctx, self.statusBar())
        self.auto_backups.start()

    def closeEvent(self, event: QCloseEvent) -> None:
        if operations.busy():
            messages.inform(self, "请稍候", "还有导入、导出等操作正在进行，完成后再关闭程序。",
                            "可以在进度窗口中点“取消”，取消后不会留下做了一半的修改。")
            event.ignore()
            return
        self.ctx.prefs.set(WINDOW_GEOMETRY, self.saveGeometry())
        if self.auto_backups is not None:
            self.auto_backups.on_close()
        super().closeEvent(event)
