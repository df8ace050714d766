"""Slow work off the UI thread, with progress and cancel (after Anki's CollectionOp/QueryOp).

`run_operation` runs `work(progress)` on a worker thread and calls `on_success(result)` or
`on_failure(error)` back on the UI thread. Widgets are never touched from the worker.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from presidium_app import collector
from presidium_app.services.errors import ServiceError
from presidium_app.services.progress import Cancelled, Progress
from presidium_app.ui import messages

# At most this often a job's progress reaches the UI thread (10 a second is smooth enough for a
# bar). Each report is a signal emitted on the worker and a slot run on the UI thread, and both
# take and give back the GIL: a job reporting every few milliseconds (an import reports every 50
# rows, ~4 ms apart) keeps waking the UI thread just before it takes the GIL back, so the UI
# thread's 5 ms wait for the GIL (sys.getswitchinterval) starts over each time and never ends in
# a request that the worker hand it over: the window froze for 0.3–0.8 s at a time.
PROGRESS_INTERVAL = 0.1


def _throttled(emit: Callable[[int, int, str], None]) -> Callable[[int, int, str], None]:
    """`emit` at most every PROGRESS_INTERVAL seconds; the first report, the start of a step
    (done 0, e.g. 正在校验 after the read), the last (done ≥ total) and a step's text alone
    (total 0) always pass, so the dialog never shows a finished step while a long one runs.
    Cancel is unaffected: `Progress.report` checks it at every call."""
    last = -PROGRESS_INTERVAL

    def report(done: int, total: int, text: str) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_INTERVAL or done == 0 or done >= total:
            last = now
            emit(done, total, text)

    return report


class _Signals(QObject):
    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[Progress], Any], signals: _Signals, progress: Progress):
        super().__init__()
        self.work, self.signals, self.progress = work, signals, progress
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            with collector.paused():  # its full collections would freeze the window (see collector)
                result = self.work(self.progress)
        except Exception as exc:  # handed to the UI thread, which shows it
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)
        finally:
            collector.give_back_memory()


_running: set[_Signals] = set()  # keeps the signal objects alive until their job reports
_pools: list[QThreadPool] = []


def _pool() -> QThreadPool:
    """One worker thread for the whole app (as Anki does): operations run one after another, so
    two never write to the database at the same time, and their order is the order asked."""
    if not _pools:
        collector.share_heap()
        pool = QThreadPool(QCoreApplication.instance())
        pool.setMaxThreadCount(1)
        _pools.append(pool)
    return _pools[0]


def busy() -> bool:
    """True while an operation is queued or running."""
    return bool(_running)


def wait_for_operations(timeout_ms: int = 30000) -> bool:
    """Block until queued operations are done (for closing the app and for tests)."""
    return _pools[0].waitForDone(timeout_ms) if _pools else True


def error_text(error: BaseException) -> str:
    if isinstance(error, ServiceError):
        return error.message
    return f"发生意外错误：{error}"


def show_error(parent: QWidget | None, title: str, error: BaseException) -> None:
    messages.warn(parent, title, error_text(error))


def run_operation(
    parent: QWidget,
    title: str,
    work: Callable[[Progress], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None] | None = None,
    cancellable: bool = True,
) -> Progress:
    """Start `work` in the background; a progress dialog shows after a short delay."""
    signals = _Signals()
    progress = Progress(_throttled(signals.progressed.emit))
    dialog = QProgressDialog(title, "取消" if cancellable else "", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if not cancellable:
        dialog.setCancelButton(None)
    dialog.canceled.connect(progress.cancel)

    def on_progress(done: int, total: int, text: str) -> None:
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)
        if text:
            dialog.setLabelText(text)

    def finish() -> None:
        _running.discard(signals)
        dialog.canceled.disconnect(progress.cancel)
        dialog.close()
        dialog.deleteLater()

    def succeeded(result: Any) -> None:
        finish()
        on_success(result)

    def failed(error: BaseException) -> None:
        finish()
        if on_failure is not None:
            on_failure(error)
        elif not isinstance(error, Cancelled):
            show_error(parent, title, error)

    signals.progressed.connect(on_progress)
    signals.succeeded.connect(succeeded)
    signals.failed.connect(failed)
    _running.add(signals)
    _pool().start(_Job(work, signals, progress))
    return progress


_quiet: set[_Signals] = set()  # like _running, for work `busy` does not count


def run_quietly(work: Callable[[Progress], Any], on_success: Callable[[Any], None],
                on_failure: Callable[[BaseException], None]) -> None:
    """Work nobody asked for and nobody waits for (automatic backups): no progress dialog, not
    counted by `busy` (closing is never refused for it), but on the one worker thread, so it
    never overlaps an operation and `wait_for_operations` lets it finish before the app exits."""
    signals = _Signals()

    def succeeded(result: Any) -> None:
        _quiet.discard(signals)
        on_success(result)

    def failed(error: BaseException) -> None:
        _quiet.discard(signals)
        on_failure(error)

    signals.succeeded.connect(succeeded)
    signals.failed.connect(failed)
    _quiet.add(signals)
    _pool().start(_Job(work, signals, Progress()))
