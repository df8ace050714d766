"""Attachments of an activity (照片与文件): copied into the data dir under the hash of their content.

The same content is stored once, whatever its name and however many activities use it, and a file
is removed only when no attachment uses its content any more. Photos (JPEG/PNG, told by their
content, not their name) get a small JPEG thumbnail for the activity form and the binder. A copy
goes to a temporary file first and is renamed into place, so a full disk or a read-only folder
never leaves half a file behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import func, select

from presidium_app.domain.activities import Activity, Attachment
from presidium_app.domain.enums import AttachmentKind
from presidium_app.services.audit import Actor, check_version, now, unit_of_work
from presidium_app.services.errors import NotFound, ServiceError, StorageFailure, ValidationFailed
from presidium_app.storage.database import Database

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
THUMBNAIL_SIZE = 240
THUMBS_FOLDER = "thumbs"
CHUNK = 1024 * 1024

# Content tells a photo: a file called .jpg that is not a JPEG is refused, not kept as a "photo".
PHOTO_MAGIC = ((b"\xff\xd8\xff", ".jpg"), (b"\x89PNG\r\n\x1a\n", ".png"))
DOCUMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".txt")
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
ALLOWED_TEXT = "PDF、Word（doc/docx）、Excel（xls/xlsx）、WPS、文本（txt）和JPG/PNG图片"


@dataclass(frozen=True)
class AttachmentInfo:
    """One attachment as the activity form lists it; `exists` is False when its file is gone."""

    id: int
    activity_id: int
    kind: AttachmentKind
    original_name: str
    stored_name: str
    size: int
    caption: str
    added_at: dt.datetime
    added_by: str
    exists: bool
    version: int = 1


def attachments_dir(db: Database) -> Path:
    return db.paths.attachments


def thumbs_dir(db: Database) -> Path:
    return db.paths.attachments / THUMBS_FOLDER


def _thumb_path(db: Database, stored_name: str) -> Path:
    return thumbs_dir(db) / (Path(stored_name).stem + ".jpg")


def _failure(exc: OSError, folder: Path) -> StorageFailure:
    """A Chinese message for what the disk said while copying into `folder`."""
    if exc.errno == errno.ENOSPC or exc.errno == getattr(errno, "EDQUOT", -1):
        return StorageFailure(f"磁盘空间已满，附件未能保存到 {folder}。请清理磁盘后重试。")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StorageFailure(
            f"附件文件夹 {folder} 为只读或没有写入权限，附件未保存。请检查文件夹权限后重试。")
    return StorageFailure(f"附件未能保存到 {folder}：{exc.strerror or exc}")


# --- copying ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Copied:
    """A source copied to a temporary file in the attachments folder, not yet in place."""

    temporary: Path
    digest: str
    size: int
    kind: AttachmentKind
    suffix: str

    @property
    def stored_name(self) -> str:
        return self.digest + self.suffix


def _open_part(folder: Path) -> tuple[Path, IO[bytes]]:
    """A new temporary file in the attachments folder (same disk, so the rename is atomic)."""
    folder.mkdir(parents=True, exist_ok=True)
    for attempt in range(1000):
        path = folder / f".incoming-{os.getpid()}-{attempt}.part"
        try:
            # Unbuffered: closing after a failed write has nothing left to flush (and fail on).
            return path, path.open("xb", buffering=0)
        except FileExistsError:
            continue
    raise StorageFailure(f"附件文件夹 {folder} 中残留的临时文件过多，请清理后重试")


def _check_source(source: Path) -> int:
    try:
        if not source.is_file():
            raise ValidationFailed({"source": f"文件不存在：{source}"})
        size = source.stat().st_size
    except OSError as exc:
        raise ServiceError(f"无法读取文件 {source}：{exc.strerror or exc}") from exc
    if size > MAX_ATTACHMENT_BYTES:
        megabytes = size / 1024 / 1024
        raise ValidationFailed({"source": f"{source.name}有{megabytes:.0f}MB，超过50MB，请压缩后再添加"})
    if size == 0:
        raise ValidationFailed({"source": f"{source.name}是空文件"})
    return size


def _kind_and_suffix(source: Path, head: bytes) -> tuple[AttachmentKind, str]:
    for magic, suffix in PHOTO_MAGIC:
        if head.startswith(magic):
            return AttachmentKind.PHOTO, suffix
    suffix = source.suffix.lower()
    if suffix in PHOTO_SUFFIXES:
        raise ValidationFailed(
            {"source": f"{source.name}的扩展名是图片，但内容不是JPG或PNG图片（文件可能已损坏）"})
    if suffix not in DOCUMENT_SUFFIXES:
        shown = suffix or "无扩展名"
        raise ValidationFailed(
            {"source": f"{source.name}（{shown}）不是可以添加的文件类型；可以添加{ALLOWED_TEXT}"})
    return AttachmentKind.DOCUMENT, suffix


def _copy(db: Database, source: Path) -> _Copied:
    """Copy the source next to its final place while hashing it; nothing stays behind on error.
    Reading errors name the source; writing errors name the folder and what the disk said."""
    _check_source(source)
    folder = attachments_dir(db)
    temporary: Path | None = None
    try:
        with source.open("rb") as reader:
            head = reader.read(16)
            kind, suffix = _kind_and_suffix(source, head)
            digest, size = hashlib.sha256(), 0
            try:
                temporary, writer = _open_part(folder)
            except OSError as exc:
                raise _failure(exc, folder) from exc
            with writer:
                chunk = head
                while chunk:
                    size += len(chunk)
                    if size > MAX_ATTACHMENT_BYTES:
                        raise ValidationFailed({"source": f"{source.name}超过50MB，请压缩后再添加"})
                    digest.update(chunk)
                    try:
                        _write_all(writer, chunk)
                    except OSError as exc:
                        raise _failure(exc, folder) from exc
                    chunk = reader.read(CHUNK)
                try:
                    writer.flush()
                    os.fsync(writer.fileno())
                except OSError as exc:
                    raise _failure(exc, folder) from exc
        return _Copied(temporary, digest.hexdigest(), size, kind, suffix)
    except OSError as exc:
        _remove(temporary)
        raise ServiceError(f"无法读取文件 {source}：{exc.strerror or exc}") from exc
    except BaseException:
        _remove(temporary)
        raise


def _write_all(writer: IO[bytes], chunk: bytes) -> None:
    """An unbuffered write may take only part of the chunk: write until all of it is down."""
    view = memoryview(chunk)
    while view:
        written = writer.write(view)
        if not written:
            raise OSError(errno.EIO, "写入失败")
        view = view[written:]


def _remove(path: Path | None) -> None:
    if path is not None:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def _place(db: Database, copied: _Copied) -> bool:
    """Move the copy to its content name; True when the file is new (so a rollback removes it)."""
    target = attachments_dir(db) / copied.stored_name
    if target.exists() and target.stat().st_size == copied.size:
        _remove(copied.temporary)
        return False
    try:
        os.replace(copied.temporary, target)
    except OSError as exc:
        _remove(copied.temporary)
        raise _failure(exc, attachments_dir(db)) from exc
    return True


# --- thumbnails ---------------------------------------------------------------------------------


def _make_thumbnail(source: Path, target: Path) -> bool:
    """A JPEG of at most THUMBNAIL_SIZE pixels a side, upright as the camera held it. False when
    the picture cannot be decoded (a damaged photo is still kept, just without a thumbnail)."""
    from PIL import Image, ImageOps

    temporary = target.with_name(f".{target.stem}.{os.getpid()}.part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(source) as image:
                image.draft("RGB", (THUMBNAIL_SIZE * 2, THUMBNAIL_SIZE * 2))  # JPEG: decode small
                upright = ImageOps.exif_transpose(image)
                upright.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
                if upright.mode in ("RGBA", "LA", "P"):
                    rgba = upright.convert("RGBA")
                    flat = Image.new("RGB", rgba.size, "white")
                    flat.paste(rgba, mask=rgba.getchannel("A"))
                    upright = flat
                elif upright.mode != "RGB":
                    upright = upright.convert("RGB")
                upright.save(temporary, "JPEG", quality=85)
        os.replace(temporary, target)
        return True
    except (OSError, ValueError, Image.DecompressionBombError):
        _remove(temporary)
        return False


# --- the services -------------------------------------------------------------------------------


def add_attachment(
    db: Database, actor: Actor, activity_id: int, source: Path, caption: str = ""
) -> int:
    """Attach a photo or document to an activity; returns the attachment id. Refused: a file over
    50MB, a type outside ALLOWED_TEXT, a file named as a picture that is not one."""
    caption = caption.strip()
    if len(caption) > 200:
        raise ValidationFailed({"caption": "说明过长（最多200字）"})
    copied = _copy(db, source)
    created = False
    try:
        with unit_of_work(db, actor, "attachment.add", "attachment") as change:
            activity = change.session.get(Activity, activity_id)
            if activity is None:
                raise NotFound("该活动已不存在（可能已被他人删除）")
            created = _place(db, copied)
            original = source.name if len(source.name) <= 200 else source.name[-200:]
            attachment = Attachment(
                activity_id=activity_id, kind=copied.kind, original_name=original,
                stored_name=copied.stored_name, size=copied.size, caption=caption,
                added_at=now(), added_by=actor.name,
            )
            change.session.add(attachment)
            change.session.flush()
            change.object_id = attachment.id
            change.summary = f"为{activity.type.label}“{activity.topic}”添加{copied.kind.label}：{original}"
            change.after = {"activity_id": activity_id, "original_name": original,
                            "stored_name": copied.stored_name, "size": copied.size,
                            "kind": copied.kind, "caption": caption}
            attachment_id = attachment.id
    except BaseException:
        _remove(copied.temporary)
        if created:
            # The new file is nobody's now; a failure here must not hide the first one.
            with contextlib.suppress(Exception):
                discard_unused_files(db, [copied.stored_name])
        raise
    if copied.kind == AttachmentKind.PHOTO and not _thumb_path(db, copied.stored_name).exists():
        _make_thumbnail(attachments_dir(db) / copied.stored_name, _thumb_path(db, copied.stored_name))
    return attachment_id


def set_caption(db: Database, actor: Actor, attachment_id: int, caption: str,
                version: int | None = None) -> None:
    """Save an attachment's caption; `version` is the one it was read with (a stale save is a
    Conflict)."""
    caption = caption.strip()
    if len(caption) > 200:
        raise ValidationFailed({"caption": "说明过长（最多200字）"})
    with unit_of_work(db, actor, "attachment.caption", "attachment") as change:
        attachment = change.session.get(Attachment, attachment_id)
        if attachment is None:
            raise NotFound("该附件已不存在")
        check_version(attachment.version, version)
        change.before = {"caption": attachment.caption}
        attachment.caption = caption
        change.object_id, change.after = attachment_id, {"caption": caption}
        change.summary = f"修改附件说明：{attachment.original_name}"


def remove_attachment(db: Database, actor: Actor, attachment_id: int) -> None:
    """Remove an attachment; its file goes too unless another attachment has the same content."""
    with unit_of_work(db, actor, "attachment.remove", "attachment") as change:
        attachment = change.session.get(Attachment, attachment_id)
        if attachment is None:
            raise NotFound("该附件已不存在")
        stored = attachment.stored_name
        change.before = {"activity_id": attachment.activity_id, "original_name": attachment.original_name,
                         "stored_name": stored, "caption": attachment.caption}
        change.object_id = attachment_id
        change.summary = f"删除附件：{attachment.original_name}"
        change.session.delete(attachment)
    discard_unused_files(db, [stored])


def discard_unused_files(db: Database, stored_names: Iterable[str]) -> None:
    """Delete the files (and thumbnails) no attachment refers to any more. Called after the
    deleting transaction committed; a file that cannot be deleted is left (it harms nothing)."""
    names = set(stored_names)
    if not names:
        return
    with db.session() as session:
        used = set(session.scalars(select(Attachment.stored_name)
                                   .where(Attachment.stored_name.in_(names)).distinct()))
    for name in names - used:
        _remove(attachments_dir(db) / name)
        _remove(_thumb_path(db, name))


def _info(db: Database, a: Attachment) -> AttachmentInfo:
    return AttachmentInfo(a.id, a.activity_id, a.kind, a.original_name, a.stored_name, a.size,
                          a.caption, a.added_at, a.added_by,
                          (attachments_dir(db) / a.stored_name).exists(), a.version)


def list_attachments(db: Database, activity_id: int) -> list[AttachmentInfo]:
    """An activity's attachments in the order they were added (photos and documents together)."""
    with db.session() as session:
        rows = session.scalars(select(Attachment).where(Attachment.activity_id == activity_id)
                               .order_by(Attachment.id))
        return [_info(db, a) for a in rows]


def get_attachment(db: Database, attachment_id: int) -> AttachmentInfo:
    with db.session() as session:
        attachment = session.get(Attachment, attachment_id)
        if attachment is None:
            raise NotFound("该附件已不存在")
        return _info(db, attachment)


def attachment_file(db: Database, attachment_id: int) -> Path:
    """The stored file, to open or print; NotFound when the record or the file is gone."""
    info = get_attachment(db, attachment_id)
    path = attachments_dir(db) / info.stored_name
    if not path.exists():
        raise NotFound(f"附件“{info.original_name}”的文件 {info.stored_name} 不在 {attachments_dir(db)}，"
                       "请运行“检查”并从备份恢复")
    return path


def thumbnail_file(db: Database, attachment_id: int) -> Path | None:
    """The photo's thumbnail, made again when missing; None for a document, a photo whose file is
    gone, or one that cannot be decoded."""
    info = get_attachment(db, attachment_id)
    if info.kind != AttachmentKind.PHOTO:
        return None
    thumb = _thumb_path(db, info.stored_name)
    if thumb.exists():
        return thumb
    source = attachments_dir(db) / info.stored_name
    if not source.exists() or not _make_thumbnail(source, thumb):
        return None
    return thumb


def count_attachments(db: Database, activity_id: int) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Attachment)
                              .where(Attachment.activity_id == activity_id)) or 0
