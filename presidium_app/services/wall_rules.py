"""制度上墙: the eight rule texts of the activity room (DOMAIN.md §7), each the product's default
until the township edits it. Defaults live in resources/wall_rules (one file a rule: the first
line `# 标题`, then one paragraph a line); edits are `WallRule` rows, and 恢复默认 deletes the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import select

from presidium_app.domain.wall_rules import WallRule
from presidium_app.services.audit import Actor, check_version, now, unit_of_work
from presidium_app.services.errors import NotFound, ServiceError, ValidationFailed
from presidium_app.storage.database import Database
from presidium_app.storage.paths import RESOURCES_DIR

RULES_DIR = RESOURCES_DIR / "wall_rules"


@dataclass(frozen=True)
class RuleText:
    """One rule as printed: its title and its paragraphs; `edited` when the township changed it.
    `version` is the stored text's, 0 for the default text (no row yet): a form passes it back,
    so a default text two users edit at once is not saved twice over (the second is a Conflict)."""

    key: str
    title: str
    text: str
    edited: bool = False
    version: int = 0

    @property
    def paragraphs(self) -> list[str]:
        return [line.strip() for line in self.text.splitlines() if line.strip()]


@cache
def default_rules() -> tuple[RuleText, ...]:
    """The product's texts, in the order of their file names (01-study.txt → key "study")."""
    rules = []
    for path in sorted(RULES_DIR.glob("*.txt")):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ServiceError(f"缺少制度文本文件 {path}：{exc.strerror}") from exc
        title = lines[0].lstrip("#").strip() if lines else path.stem
        key = path.stem.split("-", 1)[-1]
        rules.append(RuleText(key, title, "\n".join(line for line in lines[1:] if line.strip())))
    return tuple(rules)


def _default(key: str) -> RuleText:
    for rule in default_rules():
        if rule.key == key:
            return rule
    raise NotFound(f"没有这项制度（{key}）")


def list_rules(db: Database) -> list[RuleText]:
    """Every rule in its order: the township's text where it edited one, else the default."""
    with db.session() as session:
        edited = {row.key: row for row in session.scalars(select(WallRule))}
    rules = []
    for rule in default_rules():
        row = edited.get(rule.key)
        rules.append(RuleText(rule.key, row.title, row.text, True, row.version) if row else rule)
    return rules


def update_rule(db: Database, actor: Actor, key: str, title: str, text: str,
                version: int | None = None) -> None:
    """Save the township's text of one rule (title and paragraphs, one a line). `version` is the
    one the text was shown with (0: the default text), None to skip the check."""
    default = _default(key)
    title, text = title.strip(), "\n".join(line.strip() for line in text.splitlines() if line.strip())
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "请填写制度名称"
    elif len(title) > 60:
        errors["title"] = "制度名称过长（最多60字）"
    if not text:
        errors["text"] = "请填写制度内容"
    elif len(text) > 5000:
        errors["text"] = "制度内容过长（最多5000字），上墙打印会超出一页"
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work(db, actor, "wall_rule.update", "wall_rule") as change:
        session = change.session
        row = session.scalar(select(WallRule).where(WallRule.key == key))
        if row is None:
            if version:
                raise ServiceError("这项制度已被他人恢复为默认文本，请重新打开后再修改。")
            row = WallRule(key=key, title=title, text=text, edited_at=now())
            session.add(row)
            change.before = {"title": default.title, "text": default.text}
        else:
            check_version(row.version, version)
            change.before = {"title": row.title, "text": row.text}
            row.title, row.text, row.edited_at = title, text, now()
        session.flush()
        change.object_id = row.id
        change.after = {"title": title, "text": text}
        change.summary = f"修改上墙制度：{title}"


def reset_rule(db: Database, actor: Actor, key: str, version: int | None = None) -> None:
    """恢复默认: forget the township's text of one rule. `version` is the one the text was shown
    with: a text another user saved meanwhile is not thrown away unseen (Conflict)."""
    default = _default(key)
    with unit_of_work(db, actor, "wall_rule.reset", "wall_rule") as change:
        row = change.session.scalar(select(WallRule).where(WallRule.key == key))
        if row is None:
            return
        check_version(row.version, version)
        change.object_id = row.id
        change.before = {"title": row.title, "text": row.text}
        change.summary = f"上墙制度恢复默认文本：{default.title}"
        change.session.delete(row)
