"""The desktop app (`python main.py`, `presidium-app`): open the database the same way the command
line does, sign in (or, on first run, create the administrator and set up the township), then
show the main window."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from presidium_app.cli import ChineseArgumentParser
from presidium_app.services.audit import Actor
from presidium_app.storage.database import Database, DatabaseError
from presidium_app.storage.paths import resolve_data_paths, resolve_database_url

if TYPE_CHECKING:
    from presidium_app.storage.opening import FileCheck

# Who acts before anyone has signed in: only the first-run dialog uses it, and that dialog makes
# the administrator's account first, so no record is ever written in this name by the app.
DEFAULT_ACTOR = Actor("管理员")


def _parse(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = ChineseArgumentParser(prog="presidium-app", description="主席团工作台（桌面程序）",
                                   add_help=False)
    parser.add_argument("-h", "--help", action="help", help="显示帮助并退出")
    parser.add_argument("--data-dir",
                        help="数据目录（默认：系统的用户数据目录；环境变量 PRESIDIUM_DATA_DIR）")
    parser.add_argument("--database-url",
                        help="数据库地址（SQLAlchemy URL；环境变量 PRESIDIUM_DATABASE_URL）")
    return parser.parse_known_args(list(argv))  # the rest is for Qt (-platform, -style, …)


def database_error_text(error: DatabaseError, data_dir: str | None = None,
                        database_url: str | None = None) -> tuple[str, str]:
    """The message box's text and advice when the database cannot be opened. The service's
    message already names the file; the advice says what to do and that nothing was changed."""
    paths = resolve_data_paths(data_dir)
    url = resolve_database_url(paths, database_url)
    where = str(paths.database_file) if url.startswith("sqlite") else url
    text = f"无法打开数据库，程序将退出。\n\n{error}"
    if where not in text:
        text += f"\n\n数据库：{where}"
    advice = ("本程序没有修改这个文件。请检查文件是否被其他程序占用、文件夹是否可写；"
              "如文件已损坏，请从备份恢复，或用 --data-dir 指定另一个数据目录。")
    return text, advice


def open_or_explain(data_dir: str | None, database_url: str | None,
                    started: FileCheck | None = None) -> Database | None:
    """The database, or None after telling the user (in Chinese) why it cannot be opened. A
    damaged file with backups beside it gets the dialog that offers the newest good one."""
    from presidium_app.storage.opening import DamagedDatabase, open_database
    from presidium_app.ui import messages

    try:
        return open_database(data_dir, database_url, started)
    except DatabaseError as exc:
        if isinstance(exc, DamagedDatabase):
            from presidium_app.ui.dialogs.damaged_database_dialog import offer_backups

            offered, restored = offer_backups(exc, data_dir, database_url)
            if offered:
                return restored
        text, advice = database_error_text(exc, data_dir, database_url)
        messages.warn(None, "无法打开数据库", text, advice)
        return None


def sign_in(app: Any, ctx: Any, *, before_set_up: bool) -> bool:
    """Before the first-run dialog: the sign-in when accounts exist. After it: a database still
    without accounts (made before accounts existed) gets its administrator now. False: the user
    closed the dialog, and the program ends."""
    from PySide6.QtWidgets import QDialog

    from presidium_app.services import accounts
    from presidium_app.ui.dialogs.first_run import CreateAdminDialog
    from presidium_app.ui.dialogs.login_dialog import LoginDialog

    if ctx.actor.user_id is not None:
        return True
    dialog: LoginDialog | CreateAdminDialog
    if accounts.has_accounts(ctx.db):
        dialog = LoginDialog(ctx)
    elif before_set_up:
        return True  # the first-run dialog creates the administrator
    else:
        dialog = CreateAdminDialog(ctx)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    actor = dialog.actor
    dialog.deleteLater()  # now, while the QApplication is alive (see below)
    app.processEvents()
    if not accepted or actor is None:
        return False
    ctx.actor = actor
    return True


def main(argv: Sequence[str] | None = None) -> int:
    args, qt_args = _parse(sys.argv[1:] if argv is None else argv)
    from presidium_app import collector
    from presidium_app.storage.opening import start_file_check

    collector.share_heap()  # before any thread: glibc hands a finished thread's heap to the next
    started = start_file_check(args.data_dir, args.database_url)  # reads the file beside the imports

    from presidium_app.services import township
    from presidium_app.ui.application import ensure_application
    from presidium_app.ui.context import AppContext
    from presidium_app.ui.dialogs.first_run import FirstRunDialog
    from presidium_app.ui.main_window import MainWindow
    from presidium_app.ui.operations import wait_for_operations

    app = ensure_application([sys.argv[0] if sys.argv else "presidium-app", *qt_args])
    db = open_or_explain(args.data_dir, args.database_url, started)
    if db is None:
        return 1
    ctx = AppContext(db, DEFAULT_ACTOR)
    try:
        if not sign_in(app, ctx, before_set_up=True):
            return 0
        if not township.is_set_up(db):
            dialog = FirstRunDialog(ctx)
            accepted = dialog.exec() == FirstRunDialog.DialogCode.Accepted
            # Delete the dialog now, while the QApplication is alive: left to the garbage
            # collector at interpreter exit, its C++ side can outlive the application and crash.
            dialog.deleteLater()
            app.processEvents()
            if not accepted or not township.is_set_up(db):
                return 0
        if not sign_in(app, ctx, before_set_up=False):
            return 0
        window = MainWindow(ctx)
        window.show()
        window.start_automatic_backups()
        return app.exec()
    finally:
        wait_for_operations()
        ctx.db.dispose()  # a restore may have replaced the database opened above


if __name__ == "__main__":
    raise SystemExit(main())
