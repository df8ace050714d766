"""`presidium check`: what is wrong with a database, found without changing anything."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.exc import SQLAlchemyError

from presidium_app.domain.activities import Activity, Attachment
from presidium_app.domain.deputies import Deputy
from presidium_app.storage.migrations import current_revision, head_revision
from presidium_app.storage.paths import DataPaths


@dataclass(frozen=True)
class Finding:
    area: str
    message: str


def check_database(url: str, paths: DataPaths) -> list[Finding]:
    """Integrity, schema version, and files the records point to. Opens the database without
    migrating it, and only reads."""
    findings: list[Finding] = []
    engine = create_engine(url)
    try:
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                rows = [r[0] for r in connection.execute(text("PRAGMA integrity_check"))]
            if rows != ["ok"]:
                findings.extend(Finding("数据库", f"完整性检查发现问题：{r}") for r in rows[:20])
                return findings
        current = current_revision(engine)
        if current != head_revision():
            findings.append(
                Finding(
                    "数据库",
                    f"结构版本为{current or '空'}，本软件需要{head_revision()}"
                    "（打开数据库或运行 presidium init 会自动升级）",
                )
            )
            return findings
        with engine.connect() as connection:
            photos = connection.execute(
                select(Deputy.name, Deputy.photo).where(Deputy.photo.is_not(None))
            ).all()
        for name, photo in photos:
            if not (paths.photos / photo).exists():
                findings.append(Finding("照片", f"{name}的照片文件 {photo} 不在 {paths.photos}"))
        findings.extend(_missing_attachments(engine, paths))
    except SQLAlchemyError as exc:
        findings.append(Finding("数据库", f"无法读取数据库：{getattr(exc, 'orig', exc)}"))
    finally:
        engine.dispose()
    return findings


def _missing_attachments(engine: Engine, paths: DataPaths) -> list[Finding]:
    """Each attachment whose file is not in the attachments folder, naming its activity. A missing
    thumbnail is no problem: it is made again when shown."""
    statement = (
        select(Activity.activity_date, Activity.type, Activity.topic, Attachment.original_name,
               Attachment.stored_name)
        .join(Activity, Activity.id == Attachment.activity_id)
        .order_by(Activity.activity_date, Attachment.id)
    )
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    present = {p.name for p in paths.attachments.iterdir()} if paths.attachments.is_dir() else set()
    return [
        Finding("附件", f"{date.isoformat()} {kind.label}“{topic}”的附件“{original}”"
                       f"（文件 {stored}）不在 {paths.attachments}")
        for date, kind, topic, original, stored in rows if stored not in present
    ]
