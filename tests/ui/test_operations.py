"""run_operation: work runs off the UI thread, results come back on it, cancel rolls back."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtWidgets import QWidget

from presidium_app import collector
from presidium_app.services.errors import ServiceError
from presidium_app.services.progress import Cancelled, Progress
from presidium_app.ui import operations


def test_result_comes_back_on_the_ui_thread(qtbot: Any) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    ui_thread = threading.current_thread()
    seen: dict[str, Any] = {}

    def work(progress: Progress) -> str:
        seen["worker"] = threading.current_thread()
        progress.report(1, 2, "一半")
        return "完成"

    def done(result: str) -> None:
        seen["result"], seen["callback"] = result, threading.current_thread()

    operations.run_operation(parent, "测试", work, done)
    qtbot.waitUntil(lambda: "result" in seen)
    assert seen["result"] == "完成"
    assert seen["worker"] is not ui_thread
    assert seen["callback"] is ui_thread
    assert not operations.busy()


def test_failure_is_shown_in_chinese(qtbot: Any, messages_log: Any) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)

    def work(_progress: Progress) -> None:
        raise ServiceError("文件被占用，未写入")

    operations.run_operation(parent, "导出", work, lambda _r: None)
    qtbot.waitUntil(lambda: bool(messages_log.shown))
    assert messages_log.shown[-1][:3] == ("warn", "导出", "文件被占用，未写入")


def test_cancel_stops_the_work(qtbot: Any, messages_log: Any) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    started = threading.Event()
    failures: list[BaseException] = []

    def work(progress: Progress) -> None:
        started.set()
        for step in range(10_000):
            progress.report(step, 10_000)
            threading.Event().wait(0.001)

    progress = operations.run_operation(parent, "导入", work, lambda _r: None, failures.append)
    assert started.wait(5)
    assert operations.busy()
    progress.cancel()
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert isinstance(failures[0], Cancelled)
    assert not messages_log.shown


def test_main_window_stays_open_while_work_runs(qtbot: Any, window: Any, messages_log: Any) -> None:
    release = threading.Event()
    finished: list[object] = []
    operations.run_operation(window, "导入", lambda _p: release.wait(10), finished.append)
    window.close()
    assert window.isVisible()
    assert messages_log.shown[-1][1] == "请稍候"
    release.set()
    qtbot.waitUntil(lambda: bool(finished))
    window.close()
    assert not window.isVisible()


def test_progress_reaches_the_ui_at_most_ten_times_a_second(qtbot: Any, monkeypatch: Any) -> None:
    """Reported every few ms, progress starved the UI thread of the GIL (see operations)."""
    parent = QWidget()
    qtbot.addWidget(parent)
    shown: list[tuple[int, int]] = []
    monkeypatch.setattr(operations.QProgressDialog, "setValue",
                        lambda _dialog, value: shown.append((value, len(shown))))
    finished: list[object] = []

    def work(progress: Progress) -> None:
        for done in range(1, 2001):
            progress.report(done, 2000)
            threading.Event().wait(0.0001)

    operations.run_operation(parent, "导入", work, finished.append)
    qtbot.waitUntil(lambda: bool(finished), timeout=10000)
    qtbot.waitUntil(lambda: bool(shown) and shown[-1][0] == 2000)
    assert 2 <= len(shown) < 100  # the first report, the last, and one per 0.1 s between


def test_memory_is_given_back_after_each_job(qtbot: Any, monkeypatch: Any) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    calls: list[str] = []
    monkeypatch.setattr(collector, "give_back_memory", lambda: calls.append(threading.current_thread().name))
    finished: list[object] = []
    operations.run_operation(parent, "导出", lambda _p: "完成", finished.append)
    operations.run_operation(parent, "导出", lambda _p: 1 / 0, lambda _r: None, finished.append)
    qtbot.waitUntil(lambda: len(finished) == 2 and len(calls) == 2)
    assert all(name != threading.current_thread().name for name in calls)  # on the worker


def test_memory_housekeeping_is_harmless_everywhere(monkeypatch: Any) -> None:
    collector.share_heap()
    collector.give_back_memory()
    monkeypatch.setattr(collector, "_libc", None)  # Windows, macOS: nothing to do
    collector.share_heap()
    collector.give_back_memory()


def test_throttled_progress_always_shows_a_step_s_start_and_end() -> None:
    """A step that begins (done 0) right after another's last report is shown at once: a long
    check must not run under the words of the read that came before it."""
    sent: list[tuple[int, int, str]] = []
    report = operations._throttled(lambda done, total, text: sent.append((done, total, text)))
    report(1, 100, "正在读取")
    for done in range(2, 100):
        report(done, 100, "正在读取")
    report(100, 100, "正在读取")
    report(0, 50, "正在校验")
    report(1, 50, "正在校验第2行")
    assert sent == [(1, 100, "正在读取"), (100, 100, "正在读取"), (0, 50, "正在校验")]
