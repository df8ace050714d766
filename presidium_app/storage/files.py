"""Files the user asked for (a PDF, an exported ledger): written all or nothing, and a failure
said in Chinese with its reason and what to do, whether from the app or the command line."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path
from typing import Any


def file_error_message(error: OSError, target: Path) -> str:
    """Why `target` could not be written, in the words of an office (never the OS's English)."""
    code = error.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        reason, advice = "磁盘空间不足", "请清理磁盘或换一个位置保存。"
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS) or isinstance(error, PermissionError):
        reason = "没有写入这个文件夹的权限（或文件夹、U盘是只读的，或文件正被WPS、Excel等程序打开）"
        advice = "请关闭打开该文件的程序，或换一个文件夹保存。"
    elif code == errno.ENOENT:
        reason, advice = "文件夹不存在", "请重新选择保存位置。"
    else:
        reason, advice = error.strerror or str(error), "请换一个位置再试。"
    return f"未能保存“{target.name}”：{reason}。{advice}\n文件：{target}"


def write_atomic(target: Path, data: bytes) -> None:
    """Write `data` to `target` all or nothing: a temporary file in the same folder, flushed to
    disk, then renamed over the target. Raises OSError; nothing is left behind on failure."""
    temp_name = ""
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".part", dir=target.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, target)
        temp_name = ""
    finally:
        if temp_name:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)


def discard_sheet(sheet: Any) -> None:
    """Close a write-only openpyxl sheet left half written (cancelled, or its save failed) and
    remove its temporary file now, rather than leave a generator that fails whenever the
    collector finds it."""
    with contextlib.suppress(Exception):
        sheet.close()
    with contextlib.suppress(Exception):
        sheet._writer.cleanup()
