"""Progress and cancel for slow work, without Qt: a service reports, the UI shows and may cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable

from presidium_app.services.errors import ServiceError


class Cancelled(ServiceError):
    """The user pressed 取消; the service rolled back and nothing was written."""

    def __init__(self) -> None:
        super().__init__("已取消，未做任何修改")


class Progress:
    """Passed into slow services; `report` raises Cancelled once `cancel` has been called."""

    def __init__(self, callback: Callable[[int, int, str], None] | None = None) -> None:
        self._callback = callback
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def report(self, done: int, total: int, text: str = "") -> None:
        if self._cancelled.is_set():
            raise Cancelled()
        if self._callback is not None:
            self._callback(done, total, text)


NO_PROGRESS = Progress()
