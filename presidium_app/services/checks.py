"""`presidium check`: what is wrong with a database, found without changing anything: SQLite's
integrity check, the schema version, the files records point to, the opinion search index, and
the audit log's hash chain."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from presidium_app.domain.activities import Activity, Attachment
from presidium_app.domain.deputies import Deputy
from presidium_app.domain.mailbox import Opinion
from presidium_app.services.audit_chain import ChainReport, verify_chain
from presidium_app.storage.migrations import current_revision, head_revision
from presidium_app.storage.paths import DataPaths


@dataclass(frozen=True)
class Finding:
    area: str
    message: str


@dataclass
class CheckResult:
    """The findings, and the audit chain's report when the chain was verified (its head hash is
    worth printing even when all is well: an office can write it down)."""

    findings: list[Finding] = field(default_factory=list)
    chain: ChainReport | None = None

    @property
    def problem_count(self) -> int:
        """Every problem found, including the chain's problems not listed one by one."""
        count = len(self.findings)
        if self.chain is not None and self.chain.unlisted:
            count += self.chain.unlisted - 1  # one finding stands for the unlisted ones
        return count


def check_database(url: str, paths: DataPaths, audit_chain: bool = True) -> list[Finding]:
    """Integrity, schema version, files the records point to and (unless `audit_chain` is False)
    the audit log's hash chain. Opens the database without migrating it, and only reads."""
    return run_checks(url, paths, audit_chain).findings


def run_checks(url: str, paths: DataPaths, audit_chain: bool = True) -> CheckResult:
    """`check_database` with the chain's report kept."""
    result = CheckResult()
    findings = result.findings
    engine = create_engine(url)
    try:
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                rows = [r[0] for r in connection.execute(text("PRAGMA integrity_check"))]
            if rows != ["ok"]:
                findings.extend(Finding("数据库", f"完整性检查发现问题：{r}") for r in rows[:20])
                return result
        current = current_revision(engine)
        if current != head_revision():
            findings.append(
                Finding(
                    "数据库",
                    f"结构版本为{current or '空'}，本软件需要{head_revision()}"
                    "（打开数据库或运行 presidium init 会自动升级）",
                )
            )
            return result
        with engine.connect() as connection:
            photos = connection.execute(
                select(Deputy.name, Deputy.photo).where(Deputy.photo.is_not(None))
            ).all()
        for name, photo in photos:
            if not (paths.photos / photo).exists():
                findings.append(Finding("照片", f"{name}的照片文件 {photo} 不在 {paths.photos}"))
        findings.extend(_missing_attachments(engine, paths))
        if engine.dialect.name == "sqlite":
            findings.extend(_search_index_findings(engine))
        if audit_chain:
            result.chain = verify_chain(engine)
            findings.extend(_chain_findings(result.chain))
    except SQLAlchemyError as exc:
        findings.append(Finding("数据库", f"无法读取数据库：{getattr(exc, 'orig', exc)}"))
    finally:
        engine.dispose()
    return result


def _chain_findings(report: ChainReport) -> list[Finding]:
    """One finding per problem listed, and one saying how many more there are."""
    findings = [Finding("操作日志", problem.message) for problem in report.problems]
    if report.unlisted:
        findings.append(Finding("操作日志", f"另有 {report.unlisted} 处日志问题未逐条列出"))
    return findings


def chain_note(report: ChainReport) -> str:
    """The line `presidium check` prints about the chain whatever it found."""
    verdict = "首尾相连、未被改动" if report.ok else f"发现 {report.problem_count} 处问题"
    return (f"操作日志：已校验 {report.verified} 条记录，{verdict}；"
            f"末尾登记 {report.head_entries} 条，校验值 {report.head_hash}")


def _search_index_findings(engine: Engine) -> list[Finding]:
    """The 社情民意 search index (SQLite, migration 0008) holds one row per item: another count
    means its triggers were dropped or bypassed, and the search box misses items or finds gone ones."""
    with engine.connect() as connection:
        indexed = connection.scalar(text("SELECT count(*) FROM opinion_search"))
        items = connection.scalar(select(func.count()).select_from(Opinion))
    if indexed == items:
        return []
    return [Finding("社情民意", f"搜索索引登记 {indexed} 件，社情民意实有 {items} 件，"
                               "搜索框会漏找或找到已删除的事项")]


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
