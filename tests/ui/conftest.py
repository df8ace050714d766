"""UI test fixtures: a configured QApplication, an AppContext on the test database, and message
boxes replaced by recorders so no test ever waits in a modal loop."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from presidium_app.services.audit import Actor
from presidium_app.storage.database import Database

# The offscreen platform (used for tests) cannot pass window size limits to a window system and
# says so whenever a dialog's layout changes its minimum size. Real platforms do not; the message
# is about the test platform, not about the app.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/ui/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def _configured_app(qapp: Any) -> Iterator[None]:
    from presidium_app.ui.application import configure_application
    from presidium_app.ui.operations import wait_for_operations

    configure_application(qapp)
    yield
    wait_for_operations()
    qapp.processEvents()


@dataclass
class MessageLog:
    """What the app would have shown in message boxes; `answer` is what `ask` returns."""

    answer: bool = True
    shown: list[tuple[str, str, str, str]] = field(default_factory=list)

    def texts(self) -> str:
        return "\n".join(" ".join(entry[1:]) for entry in self.shown)


@pytest.fixture(autouse=True)
def messages_log(monkeypatch: pytest.MonkeyPatch) -> MessageLog:
    from presidium_app.ui import messages

    log = MessageLog()

    def record(kind: str) -> Any:
        def show(_parent: Any, title: str, text: str, detail: str = "", **_kw: Any) -> None:
            log.shown.append((kind, title, text, detail))
        return show

    def ask(_parent: Any, title: str, text: str, *args: Any, **kwargs: Any) -> bool:
        log.shown.append(("ask", title, text, str(kwargs.get("detail", ""))))
        return log.answer

    monkeypatch.setattr(messages, "inform", record("inform"))
    monkeypatch.setattr(messages, "warn", record("warn"))
    monkeypatch.setattr(messages, "ask", ask)
    return log


@pytest.fixture
def ctx(db: Database) -> Any:
    from presidium_app.ui.context import AppContext

    return AppContext(db, Actor("测试员"))


@pytest.fixture
def window(qtbot: Any, ctx: Any) -> Any:
    from presidium_app.ui.main_window import MainWindow

    main = MainWindow(ctx)
    qtbot.addWidget(main)
    main.show()
    return main
