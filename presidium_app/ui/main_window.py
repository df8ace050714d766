"""The main window: navigation on the left for every area, pages created when first shown, and a
status bar naming the database file and the current term."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QCloseEvent, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from presidium_app.services import township
from presidium_app.ui import messages, operations
from presidium_app.ui.application import APP_TITLE
from presidium_app.ui.context import AppContext
from presidium_app.ui.prefs import WINDOW_GEOMETRY


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    built: bool


AREAS = (
    Area("home", "工作台", True),
    Area("roster", "代表名册", True),
    Area("activities", "代表活动", True),
    Area("mailbox", "社情民意", True),
    Area("suggestions", "代表建议", True),
    Area("training", "学习培训", True),
    Area("printing", "打印中心", True),
    Area("stats", "统计", True),
    Area("settings", "设置", True),
    Area("audit", "操作日志", True),
)

NOT_BUILT = QColor("#8fa3bf")


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
        self.user_label = QLabel(f"操作人：{ctx.actor.name}")
        status = self.statusBar()
        status.setSizeGripEnabled(True)
        status.addWidget(self.db_label, 1)
        status.addPermanentWidget(self.term_label)
        status.addPermanentWidget(self.user_label)

        for number, area in enumerate(AREAS):
            key = f"Ctrl+{(number + 1) % 10}"
            QShortcut(QKeySequence(key), self, lambda a=area: self.show_page(a.key))
        geometry = ctx.prefs.get(WINDOW_GEOMETRY)
        if geometry:
            self.restoreGeometry(geometry)
        else:
            self.resize(1366, 800)
        self.refresh_township()
        self.show_page("home")

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
            shortcut = f"Ctrl+{(number + 1) % 10}"
            item.setToolTip(area.title + ("" if area.built else "（尚未开发）") + f"　{shortcut}")
            if not area.built:
                item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, "尚未开发")
                item.setData(Qt.ItemDataRole.ForegroundRole, NOT_BUILT)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._nav_changed)
        layout.addWidget(self.nav, 1)
        return panel

    # -- pages ------------------------------------------------------------------------------
    def _factories(self) -> dict[str, Callable[[], QWidget]]:
        from presidium_app.ui.pages.activities import ActivitiesPage
        from presidium_app.ui.pages.audit_log import AuditLogPage
        from presidium_app.ui.pages.home import HomePage
        from presidium_app.ui.pages.mailbox import MailboxPage
        from presidium_app.ui.pages.placeholder import PlaceholderPage
        from presidium_app.ui.pages.printing import PrintingPage
        from presidium_app.ui.pages.roster import RosterPage
        from presidium_app.ui.pages.settings import SettingsPage
        from presidium_app.ui.pages.stats import StatsPage
        from presidium_app.ui.pages.suggestions import SuggestionsPage
        from presidium_app.ui.pages.training import TrainingPage

        def home() -> QWidget:
            page = HomePage(self.ctx)
            page.add_deputy_requested.connect(self.add_deputy)
            page.import_requested.connect(self.import_roster)
            page.page_requested.connect(self.show_page)
            page.handling_requested.connect(lambda area, tab: self.show_page(area).set_tab(tab))
            return page

        def settings() -> QWidget:
            page = SettingsPage(self.ctx)
            page.township_changed.connect(self.refresh_township)
            page.unit_items_requested.connect(lambda unit_id: self.show_page("mailbox").show_unit(unit_id))
            return page

        def suggestions() -> QWidget:
            page = SuggestionsPage(self.ctx)

            def show_opinion(opinion_id: int) -> None:  # the opinion a suggestion came from
                mailbox = self.show_page("mailbox")
                if hasattr(mailbox, "show_opinion"):
                    mailbox.show_opinion(opinion_id)

            page.opinion_requested.connect(show_opinion)
            return page

        factories: dict[str, Callable[[], QWidget]] = {
            "home": home,
            "roster": lambda: RosterPage(self.ctx),
            "settings": settings,
            "audit": lambda: AuditLogPage(self.ctx),
            "activities": lambda: ActivitiesPage(self.ctx),
            "training": lambda: TrainingPage(self.ctx),
            "mailbox": lambda: MailboxPage(self.ctx),
            "suggestions": suggestions,
            "printing": lambda: PrintingPage(self.ctx),
            "stats": lambda: StatsPage(self.ctx),
        }
        for area in AREAS:
            if not area.built:
                built = [a.title for a in AREAS if a.built]
                factories[area.key] = partial(PlaceholderPage, area.key, built)
        return factories

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

    # -- window -----------------------------------------------------------------------------
    def refresh_township(self) -> None:
        info = township.get_township(self.ctx.db)
        term = township.current_term(self.ctx.db)
        self.setWindowTitle(window_title(self.ctx))
        self.nav_township.setText(info.full_name)
        self.db_label.setText(f"数据库：{database_label(self.ctx)}")
        self.db_label.setToolTip(database_label(self.ctx))
        self.term_label.setText(f"当前届次：{term.label if term else '未设置'}")

    def closeEvent(self, event: QCloseEvent) -> None:
        if operations.busy():
            messages.inform(self, "请稍候", "还有导入、导出等操作正在进行，完成后再关闭程序。",
                            "可以在进度窗口中点“取消”，取消后不会留下做了一半的修改。")
            event.ignore()
            return
        self.ctx.prefs.set(WINDOW_GEOMETRY, self.saveGeometry())
        super().closeEvent(event)
