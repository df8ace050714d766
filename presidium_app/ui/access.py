"""What the signed-in user's role allows, for the UI: actions the role cannot do are disabled with a
tooltip naming the missing permission. The services refuse anyway (PermissionDenied); this only
spares the user a button that can but fail."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QWidget

from presidium_app.services.permissions import Permission, allows
from presidium_app.ui.context import AppContext


def can(ctx: AppContext, permission: Permission) -> bool:
    return allows(ctx.actor.role, permission)


def missing_text(ctx: AppContext, permission: Permission) -> str:
    return f"当前账户的角色（{ctx.actor.role.label}）没有“{permission.label}”的权限"


def restrict(ctx: AppContext, permission: Permission, widgets: Iterable[QWidget]) -> bool:
    """Disable `widgets` with the reason as tooltip when the role lacks `permission`; True when
    allowed (the widgets are left as they are)."""
    if can(ctx, permission):
        return True
    for widget in widgets:
        widget.setEnabled(False)
        widget.setToolTip(missing_text(ctx, permission))
    return False
