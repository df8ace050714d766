"""Pausing Python's cyclic garbage collector while a long job runs on a worker thread.

A full collection scans every live object while holding the GIL. A job that builds 10^5 objects
(an export's cells, a PDF's laid-out pages, the fonts' glyph tables) set off one every few
hundred milliseconds, each stopping the window for 0.1–0.7 s although it freed nothing: what a
job builds is freed by reference counting when it ends. So automatic collection is paused for
the length of the job and resumes afterwards. The pause nests and is shared by threads: the
collector runs again only when the last job has ended.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = True


@contextmanager
def paused() -> Iterator[None]:
    """Automatic collection off inside the block (and in every thread while any block runs)."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
