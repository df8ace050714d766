"""Pausing Python's cyclic garbage collector while a long job runs on a worker thread.

A full collection scans every live object while holding the GIL. A job that builds 10^5 objects
(an export's cells, a PDF's laid-out pages, the fonts' glyph tables) set off one every few
hundred milliseconds, each stopping the window for 0.1–0.7 s although it freed nothing: what a
job builds is freed by reference counting when it ends. So automatic collection is paused for
the length of the job and resumes afterwards. The pause nests and is shared by threads: the
collector runs again only when the last job has ended.

Also the C library's side of what jobs leave behind (glibc only; nothing to do elsewhere): one
malloc heap for all threads, and freed memory handed back to the OS when a job ends.
"""

from __future__ import annotations

import ctypes
import gc
import sys
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


def _glibc() -> ctypes.CDLL | None:
    """The process's C library where it is glibc (Linux); None elsewhere (Windows, macOS), where
    the memory tuning below does not apply."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


_M_ARENA_MAX = -8  # mallopt's parameter (malloc.h)


def share_heap() -> None:
    """One malloc heap for every thread. glibc gives each thread that allocates a heap of its own
    and keeps what a thread frees in that thread's heap for that thread: what the UI thread freed
    could not serve a job on the worker and what a job freed could not serve the UI thread, so
    the process grew by both high-water marks (~20 MB at scale 100). Threads take turns through
    the GIL anyway, so they hardly contend for one heap. Asked before any thread starts
    (`app.main`; the worker pool asks again for other entry points): glibc hands a finished
    thread's heap to the next new thread whatever the limit says."""
    if _libc is not None:
        _libc.mallopt(_M_ARENA_MAX, 1)


def give_back_memory() -> None:
    """Hand the memory a finished job freed back to the OS (glibc keeps it in its heap)."""
    if _libc is not None:
        _libc.malloc_trim(0)


_libc = _glibc()
