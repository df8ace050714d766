"""Who may do what (访问控制): every write names its action, and `unit_of_work` asks
`permission_for(action)` of the acting user's role before anything is written. The command line
goes through the same services, so it obeys the same table.
"""

from __future__ import annotations

from presidium_app.domain.accounts import Role
from presidium_app.domain.enums import LabelledEnum
from presidium_app.services.errors import PermissionDenied


class Permission(LabelledEnum):
    EDIT = "edit", "修改业务数据"
    PRINT = "print", "打印文书"
    EXCHANGE = "exchange", "导入导出台账"
    BACKUP = "backup", "备份数据"
    RESTORE = "restore", "从备份恢复"
    SETTINGS = "settings", "修改系统设置"
    ACCOUNTS = "accounts", "管理账户"
    AUDIT = "audit", "导出操作日志"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.STAFF: frozenset({Permission.EDIT, Permission.PRINT, Permission.EXCHANGE, Permission.BACKUP}),
    Role.VIEWER: frozenset({Permission.PRINT}),
}

# Action prefixes (the part before the first dot, or the whole action) that need more than EDIT.
# Anything not listed needs EDIT: a new action is refused to 只读 until someone decides otherwise.
_BY_PREFIX: dict[str, Permission] = {
    "print": Permission.PRINT,
    "ledger": Permission.EXCHANGE,
    "export": Permission.EXCHANGE,
    "backup": Permission.BACKUP,
    "settings": Permission.SETTINGS,
    "township": Permission.SETTINGS,
    "term": Permission.SETTINGS,
    "calendar": Permission.SETTINGS,
    "mailbox_choice": Permission.SETTINGS,
    "demo": Permission.SETTINGS,
    "user": Permission.ACCOUNTS,
    "audit": Permission.AUDIT,
}
# Whole actions that differ from their prefix.
_BY_ACTION: dict[str, Permission] = {
    "backup.restore": Permission.RESTORE,
    "user.password": Permission.PRINT,  # one's own password: everyone (checked against the actor)
    "user.login": Permission.PRINT,
    "user.logout": Permission.PRINT,
    "user.lock": Permission.PRINT,
    "user.unlock": Permission.PRINT,
}


def permission_for(action: str) -> Permission:
    if action in _BY_ACTION:
        return _BY_ACTION[action]
    return _BY_PREFIX.get(action.split(".", 1)[0], Permission.EDIT)


def allows(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def require(role: Role, permission: Permission) -> None:
    """Refuse, naming the permission that is missing (the CLI exits 5 on this)."""
    if not allows(role, permission):
        raise PermissionDenied(f"当前账户的角色（{role.label}）没有“{permission.label}”的权限，未做任何修改")
