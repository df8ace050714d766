"""Attachments of an activity: stored once by content hash, thumbnails, refusals, failures that leave
nothing behind, removal that keeps shared content, and `presidium check` naming a missing file."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import io
import json
from pathlib import Path
from typing import IO

import pytest
from PIL import Image
from sqlalchemy import func, select

from presidium_app import cli
from presidium_app.domain.activities import Attachment
from presidium_app.domain.audit import AuditEntry
from presidium_app.domain.enums import ActivityType, AttachmentKind
from presidium_app.services import activities, attachments, township
from presidium_app.services.activities import ActivityInput
from presidium_app.services.attachments import (
    add_attachment,
    attachment_file,
    list_attachments,
    remove_attachment,
    thumbnail_file,
)
from presidium_app.services.audit import Actor
from presidium_app.services.errors import NotFound, StorageFailure, ValidationFailed
from presidium_app.storage.database import Database
from presidium_app.storage.opening import open_database


def picture(path: Path, size: tuple[int, int] = (800, 600), kind: str = "JPEG",
            mode: str = "RGB", colour: object = (200, 30, 30)) -> Path:
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, kind)  # type: ignore[arg-type]
    path.write_bytes(buffer.getvalue())
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stored_files(db: Database) -> list[str]:
    """Every file in the attachments folder, thumbnails included, temporary files too."""
    root = db.paths.attachments
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def count_rows(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Attachment)) or 0


def new_activity(db: Database, actor: Actor, topic: str = "视察农村饮水安全工程") -> int:
    return activities.add_activity(db, actor, ActivityInput(
        type=ActivityType.INSPECTION, activity_date=dt.date(2025, 4, 10), topic=topic))


@pytest.fixture
def activity(db: Database, actor: Actor) -> int:
    return new_activity(db, actor)


def test_a_photo_is_stored_by_its_hash_with_a_thumbnail(
        db: Database, actor: Actor, activity: int, tmp_path: Path) -> None:
    source = picture(tmp_path / "现场照片.JPG")

    attachment_id = add_attachment(db, actor, activity, source, caption=" 代表察看水厂 ")

    [info] = list_attachments(db, activity)
    assert (info.id, info.kind, info.original_name, info.caption, info.added_by, info.exists) == (
        attachment_id, AttachmentKind.PHOTO, "现场照片.JPG", "代表察看水厂", "测试员", True)
    assert info.stored_name == sha(source) + ".jpg" and info.size == source.stat().st_size
    stored = attachment_file(db, attachment_id)
    assert stored == db.paths.attachments / info.stored_name
    assert stored.read_bytes() == source.read_bytes()
    thumb = thumbnail_file(db, attachment_id)
    assert thumb is not None and thumb.parent == db.paths.attachments / "thumbs"
    with Image.open(thumb) as image:
        assert image.format == "JPEG" and max(image.size) == 240 and image.size == (240, 180)
    [entry] = _audit(db, "attachment.add")
    assert entry.success and entry.object_id == attachment_id and "现场照片.JPG" in entry.summary
    assert json.loads(entry.after or "{}")["stored_name"] == info.stored_name
    assert activities.load_rows(db, [activity])[activity].attachments == 1


def test_the_kind_comes_from_the_content(
        db: Database, actor: Actor, activity: int, tmp_path: Path) -> None:
    png = picture(tmp_path / "截图", kind="PNG", mode="RGBA", colour=(0, 0, 255, 128))  # no suffix
    pdf = tmp_path / "视察方案.PDF"
    pdf.write_bytes(b"%PDF-1.4\n" + b"x" * 1000)
    notes = tmp_path / "记录.txt"
    notes.write_text("会议记录", encoding="utf-8")

    ids = [add_attachment(db, actor, activity, path) for path in (png, pdf, notes)]

    found = list_attachments(db, activity)
    assert [(a.kind, a.stored_name[64:]) for a in found] == [
        (AttachmentKind.PHOTO, ".png"), (AttachmentKind.DOCUMENT, ".pdf"),
        (AttachmentKind.DOCUMENT, ".txt")]
    assert thumbnail_file(db, ids[0]) is not None  # transparency flattened on white
    assert thumbnail_file(db, ids[1]) is None and thumbnail_file(db, ids[2]) is None


def test_the_same_content_is_stored_once_and_kept_while_used(
        db: Database, actor: Actor, activity: int, tmp_path: Path) -> None:
    other = new_activity(db, actor, "另一次视察")
    first = picture(tmp_path / "a.jpg")
    second = tmp_path / "同一张照片.jpeg"
    second.write_bytes(first.read_bytes())

    one = add_attachment(db, actor, activity, first)
    two = add_attachment(db, actor, other, second)
    three = add_attachment(db, actor, activity, first)  # attached twice to one activity

    name = sha(first) + ".jpg"
    assert stored_files(db) == [name, f"thumbs/{sha(first)}.jpg"]
    remove_attachment(db, actor, one)
    remove_attachment(db, actor, two)
    assert stored_files(db) == [name, f"thumbs/{sha(first)}.jpg"]  # still used by `three`
    remove_attachment(db, actor, three)
    assert stored_files(db) == [] and count_rows(db) == 0
    assert [e.success for e in _audit(db, "attachment.remove")] == [True, True, True]
    with pytest.raises(NotFound):
        remove_attachment(db, actor, three)


def test_removing_an_activity_removes_its_unshared_files(
        db: Database, actor: Actor, activity: int, tmp_path: Path) -> None:
    other = new_activity(db, actor, "另一次视察")
    shared = picture(tmp_path / "shared.jpg")
    own = picture(tmp_path / "own.png", kind="PNG", colour=(1, 2, 3))
    add_attachment(db, actor, activity, shared)
    add_attachment(db, actor, activity, own)
    add_attachment(db, actor, other, shared)

    activities.remove_activity(db, actor, activity)

    assert stored_files(db) == [sha(shared) + ".jpg", f"thumbs/{sha(shared)}.jpg"]
    assert [a.original_name for a in list_attachments(db, other)] == ["shared.jpg"]


def test_a_missing_thumbnail_is_made_again(
        db: Database, actor: Actor, activity: int, tmp_path: Path) -> None:
    attachment_id = add_attachment(db, actor, activity, picture(tmp_path / "a.jpg", size=(300, 900)))
    thumb = thumbnail_file(db, attachment_id)
    assert thumb is not None
    thumb.unlink()
    again = thumbnail_file(db, attachment_id)
    assert again == thumb and again.exists()
    with Image.open(again) as image:
        assert image.size == (80, 240)


def test_a_damaged_photo_is_kept_without_a_thumbnail(
        db: Database, actor: Actor, activity: int, tmp_path: Path) -> None:
    damaged = tmp_path / "坏照片.jpg"
    damaged.write_bytes(b"\xff\xd8\xff" + b"1" * 500)
    attachment_id = add_attachment(db, actor, activity, damaged)
    assert list_attachments(db, activity)[0].kind == AttachmentKind.PHOTO
    assert thumbnail_file(db, attachment_id) is None


@pytest.mark.parametrize(("name", "content", "words"), [
    ("setup.exe", b"MZ" + b"\0" * 100, "不是可以添加的文件类型"),
    ("照片.jpg", b"just text", "内容不是JPG或PNG图片"),
    ("说明", b"no suffix at all", "无扩展名"),
    ("空.pdf", b"", "是空文件"),
])
def test_unknown_or_false_files_are_refused(
        db: Database, actor: Actor, activity: int, tmp_path: Path, name: str, content: bytes,
        words: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValidationFailed) as info:
        add_attachment(db, actor, activity, path)
    assert words in info.value.message and name in info.value.message
    assert stored_files(db) == [] and count_rows(db) == 0


def test_a_file_over_50mb_is_refused(db: Database, actor: Actor, activity: int, tmp_path: Path) -> None:
    huge = tmp_path / "录像资料.pdf"
    with huge.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024 + 1)  # sparse: no 50MB written to the test disk
    with pytest.raises(ValidationFailed, match="超过50MB"):
        add_attachment(db, actor, activity, huge)
    assert stored_files(db) == [] and count_rows(db) == 0


def test_a_missing_source_or_activity_is_refused(
        db: Database, actor: Actor, activity: int, tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed, match="文件不存在"):
        add_attachment(db, actor, activity, tmp_path / "nowhere.pdf")
    with pytest.raises(NotFound, match="该活动已不存在"):
        add_attachment(db, actor, 9999, picture(tmp_path / "a.jpg"))
    assert stored_files(db) == [] and count_rows(db) == 0
    assert [e.success for e in _audit(db, "attachment.add")] == [False]


class _FullDisk(io.RawIOBase):
    """A file that takes 1000 bytes, then says the disk is full."""

    def __init__(self, real: IO[bytes]) -> None:
        self.real = real

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        self.real.write(bytes(data)[:1000])  # type: ignore[call-overload]
        raise OSError(errno.ENOSPC, "No space left on device")

    def close(self) -> None:
        self.real.close()
        super().close()


def test_a_full_disk_leaves_no_partial_file(
        db: Database, actor: Actor, activity: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = attachments._open_part

    def full(folder: Path) -> tuple[Path, IO[bytes]]:
        path, handle = real_open(folder)
        return path, _FullDisk(handle)  # type: ignore[return-value]

    monkeypatch.setattr(attachments, "_open_part", full)
    with pytest.raises(StorageFailure) as info:
        add_attachment(db, actor, activity, picture(tmp_path / "a.jpg"))
    assert "磁盘空间已满" in info.value.message and "附件未能保存" in info.value.message
    assert stored_files(db) == [] and count_rows(db) == 0


def test_a_read_only_folder_says_so(
        db: Database, actor: Actor, activity: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(folder: Path) -> tuple[Path, IO[bytes]]:
        raise PermissionError(errno.EROFS, "Read-only file system", str(folder))

    monkeypatch.setattr(attachments, "_open_part", refused)
    with pytest.raises(StorageFailure, match="只读或没有写入权限"):
        add_attachment(db, actor, activity, picture(tmp_path / "a.jpg"))
    assert stored_files(db) == [] and count_rows(db) == 0


def test_a_failed_rename_leaves_nothing(
        db: Database, actor: Actor, activity: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(attachments.os, "replace", no_space)
    with pytest.raises(StorageFailure, match="磁盘空间已满"):
        add_attachment(db, actor, activity, picture(tmp_path / "a.jpg"))
    assert stored_files(db) == [] and count_rows(db) == 0


def test_a_missing_file_is_told_when_opened(
        db: Database, actor: Actor, activity: int, tmp_path: Path) -> None:
    attachment_id = add_attachment(db, actor, activity, picture(tmp_path / "a.jpg"))
    attachment_file(db, attachment_id).unlink()
    assert list_attachments(db, activity)[0].exists is False
    with pytest.raises(NotFound, match=r"a\.jpg"):
        attachment_file(db, attachment_id)


def test_caption_can_be_changed(db: Database, actor: Actor, activity: int, tmp_path: Path) -> None:
    attachment_id = add_attachment(db, actor, activity, picture(tmp_path / "a.jpg"))
    attachments.set_caption(db, actor, attachment_id, "代表察看水厂取水口")
    assert list_attachments(db, activity)[0].caption == "代表察看水厂取水口"
    with pytest.raises(ValidationFailed, match="说明过长"):
        attachments.set_caption(db, actor, attachment_id, "长" * 201)


def test_check_names_a_missing_attachment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d"
    db = open_database(data)
    actor = Actor("测试员")
    township.set_up_township(db, actor, "青山镇", "", 19, 2021, 2026)
    activity = new_activity(db, actor)
    kept = add_attachment(db, actor, activity, picture(tmp_path / "水厂.jpg"))
    lost = tmp_path / "视察方案.pdf"
    lost.write_bytes(b"%PDF-1.4 plan")
    lost_id = add_attachment(db, actor, activity, lost)
    thumb = thumbnail_file(db, kept)
    missing = attachment_file(db, lost_id)
    db.dispose()
    assert cli.main(["--data-dir", str(data), "check"]) == 0
    capsys.readouterr()
    assert thumb is not None
    thumb.unlink()  # a thumbnail is made again: not a problem
    missing.unlink()

    code = cli.main(["--data-dir", str(data), "check"])

    out = capsys.readouterr().out
    assert code == 4
    assert "[附件]" in out and "视察农村饮水安全工程" in out and "视察方案.pdf" in out
    assert missing.name in out and "水厂.jpg" not in out
    assert "发现 1 个问题" in out


def _audit(db: Database, action: str) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                    .order_by(AuditEntry.id)))
