"""The Qt binding keeps Python's reference counts: PySide6 6.12.0 dropped one reference to True
at every signal emitted from Python, so a long day's session (progress reports, page signals)
ended in "Fatal Python error: bool_dealloc". pyproject.toml excludes that release; this test
fails on any binding with the same fault. (From Python 3.12 True and None are immortal: their
counts never change there, and the fault cannot end the process.)"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Sender(QObject):
    counted = Signal(int)
    done = Signal()


def test_emitting_signals_keeps_the_references_to_true_and_none() -> None:
    sender = _Sender()
    received: list[int] = []
    sender.counted.connect(received.append)
    sender.done.connect(lambda: received.append(-1))
    true_refs, none_refs = sys.getrefcount(True), sys.getrefcount(None)
    for number in range(500):
        sender.counted.emit(number)
        sender.done.emit()
    assert len(received) == 1000
    assert abs(sys.getrefcount(True) - true_refs) < 50  # 6.12.0: 1000 fewer
    assert abs(sys.getrefcount(None) - none_refs) < 50
