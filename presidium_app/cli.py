"""The `presidium` command line (spec/cli.md). Its names, options and exit codes are a contract.

Every error ends as one Chinese line on stderr and an exit code; `--debug` adds the traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from presidium_app.services.audit import Actor
from presidium_app.services.errors import ServiceError
from presidium_app.storage.database import Database, DatabaseError
from presidium_app.storage.opening import open_database
from presidium_app.storage.paths import resolve_data_paths, resolve_database_url

EXIT_OK, EXIT_ERROR, EXIT_UNREADABLE, EXIT_REJECTED, EXIT_PROBLEMS = 0, 1, 2, 3, 4
LEDGER_KINDS = ("deputies", "activities", "opinions", "training")
KINDS_HELP = ("台账种类：deputies（代表名册）、activities（代表活动）、opinions（社情民意）、"
              "training（学习培训）")
DEFAULT_USER = "管理员"


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code = code


class _ChineseHelp(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with its fixed English phrases put into Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _ChineseHelp)
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNREADABLE, f"{self.prog}：参数错误：{message}\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(
        prog="presidium", description="主席团工作台命令行：初始化、台账导入导出、检查与统计。", add_help=False
    )
    parser.add_argument("-h", "--help", action="help", help="显示帮助并退出")
    parser.add_argument(
        "--data-dir", help="数据目录（默认：系统的用户数据目录；环境变量 PRESIDIUM_DATA_DIR）"
    )
    parser.add_argument(
        "--database-url", help="数据库地址（SQLAlchemy URL；环境变量 PRESIDIUM_DATABASE_URL）"
    )
    parser.add_argument("--user", help="操作人的账户名（环境变量 PRESIDIUM_USER）。"
                        "尚未设置账户时为内置管理员；设置账户后必须指定，"
                        "密码取自环境变量 PRESIDIUM_PASSWORD 或在提示时输入")
    parser.add_argument("--debug", action="store_true", help="出错时显示完整的调试信息")
    commands = parser.add_subparsers(dest="command", metavar="命令", parser_class=ChineseArgumentParser)

    def command(name: str, text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text, add_help=False)
        sub.add_argument("-h", "--help", action="help", help="显示帮助并退出")
        return sub

    init = command("init", "创建或升级数据库；--demo 填入示范乡镇数据")
    init.add_argument("--township", help="乡镇名称（新数据库必填）")
    init.add_argument("--county", default="", help="所属县（市、区）")
    init.add_argument("--term", type=int, default=19, help="当前届次的序数，如 19 表示第十九届（默认 19）")
    init.add_argument("--term-years", default="2021-2026", help="当前届次的起止年份（默认 2021-2026）")
    init.add_argument("--demo", action="store_true", help="填入示范乡镇的数据")
    init.add_argument("--scale", type=int, default=1,
                      help="示范数据规模 1–1000：1 为普通示范（默认），100 为十年的大乡镇，用于压力测试")

    template = command("template", "生成空白台账模板（含填写说明）")
    template.add_argument("kind", choices=LEDGER_KINDS, metavar="KIND", help=KINDS_HELP)
    template.add_argument("-o", "--output", required=True, type=Path, help="输出的 .xlsx 文件")

    imp = command("import", "导入台账：逐行校验，合格的导入，不合格的列入错误报告")
    imp.add_argument("kind", choices=LEDGER_KINDS, metavar="KIND", help=KINDS_HELP)
    imp.add_argument("file", type=Path, help="要导入的 .xlsx 文件")
    imp.add_argument("--dry-run", action="store_true", help="只校验，不写入")
    imp.add_argument("--report", type=Path, help="错误报告文件（默认：输入文件旁的 .errors.xlsx）")

    exp = command("export", "导出台账（与导入同样的列，可原样导回）")
    exp.add_argument("kind", choices=LEDGER_KINDS, metavar="KIND", help=KINDS_HELP)
    exp.add_argument("file", type=Path, help="输出的 .xlsx 文件")
    exp.add_argument("--year", type=int, help="只导出该年度：名册为该年度在任的代表，活动为该年度的活动")

    stats = command("stats", "本年度主要数据")
    stats.add_argument("--year", type=int, default=dt.date.today().year, help="年度（默认今年）")
    stats.add_argument("--json", action="store_true", help="以 JSON 输出")

    command("check", "检查数据库完整性、结构版本、照片和活动附件文件；不修改任何文件")
    printing = command("print", "打印文书：生成 PDF（print --list 列出全部文书）")
    printing.add_argument("document", nargs="?", metavar="DOCUMENT", help="文书代号，如 sign-in-sheet")
    printing.add_argument("-o", "--output", type=Path, help="输出的 .pdf 文件")
    printing.add_argument("--year", type=int, help="年度（默认今年）")
    printing.add_argument("--id", type=int, dest="object_id", help="要打印的对象编号（活动、培训场次等）")
    printing.add_argument("--all", action="store_true",
                          help="该年度的全部对象依次合并为一个 PDF（每份文书各自从第1页编页码）")
    printing.add_argument("--list", action="store_true", help="列出全部文书：代号和名称，每行一个")

    _backup_parser(command("backup", "备份与恢复：数据库和照片、附件的一致快照；恢复前保留现有数据的副本"))
    _user_parser(command("user", "账户管理：新增账户、列出账户"))
    return parser


def _actor(args: argparse.Namespace, db: Database | None = None) -> Actor:
    """Who runs the command. While the database has no accounts: the built-in administrator (the
    name of --user, else 管理员). Once it has: the account named by --user or PRESIDIUM_USER,
    signed in with PRESIDIUM_PASSWORD or a password typed at the prompt; its role's permissions
    then apply (a refused command exits 5). Asked once per command."""
    import os

    from presidium_app.services import accounts

    cached = getattr(args, "_signed_in", None)
    if isinstance(cached, Actor):
        return cached
    name = args.user or os.environ.get("PRESIDIUM_USER") or ""
    own = db is None
    database = _open(args) if db is None else db
    try:
        if not accounts.has_accounts(database):
            actor = Actor(name or DEFAULT_USER)
        else:
            if not name:
                raise CliError("已设置账户：请用 --user 或环境变量 PRESIDIUM_USER 指定账户名，"
                               "密码由环境变量 PRESIDIUM_PASSWORD 提供或在提示时输入")
            password = os.environ.get("PRESIDIUM_PASSWORD")
            if password is None:
                if not sys.stdin.isatty():
                    raise CliError("请用环境变量 PRESIDIUM_PASSWORD 提供密码（没有终端，无法提示输入）")
                import getpass

                password = getpass.getpass(f"账户“{name}”的密码：")
            actor = accounts.authenticate(database, name, password)
            if accounts.get_user(database, actor.user_id or 0).must_change_password:
                raise CliError(f"账户“{actor.name}”的密码是管理员设置的临时密码，"
                               "请先在桌面程序中登录并修改密码")
    finally:
        if own:
            database.dispose()
    args._signed_in = actor
    return actor


def _user_parser(user: argparse.ArgumentParser) -> None:
    actions = user.add_subparsers(dest="user_command", metavar="操作", parser_class=ChineseArgumentParser)
    actions.required = True
    add = actions.add_parser(
        "add", add_help=False, help="新增账户；密码从标准输入读一行",
        description="新增账户，密码从标准输入读取一行（在终端中则提示输入两次）。数据库还没有账户时，"
                    "任何人都可以建立第一个账户，但它必须是管理员（--role admin）；"
                    "此后只有管理员（用 --user 和密码登录）才能新增账户。")
    add.add_argument("-h", "--help", action="help", help="显示帮助并退出")
    add.add_argument("name", metavar="NAME", help="登录用的账户名")
    add.add_argument("--role", required=True, choices=("admin", "staff", "viewer"),
                     help="角色：admin（管理员）、staff（工作人员）、viewer（只读）")
    add.add_argument("--display-name", default="", help="姓名（默认同账户名）")
    listing = actions.add_parser("list", add_help=False, help="列出账户：账户名、姓名、角色、状态",
                                 description="列出账户：账户名、姓名、角色、状态（正常、已锁定、已停用）")
    listing.add_argument("-h", "--help", action="help", help="显示帮助并退出")


def _read_new_password() -> str:
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass("新账户的密码：")
        if getpass.getpass("再次输入密码：") != first:
            raise CliError("两次输入的密码不一致，未创建账户")
        return first
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise CliError("请在标准输入中提供新账户的密码（一行）")
    return password


def cmd_user(args: argparse.Namespace) -> int:
    from presidium_app.domain.accounts import Role
    from presidium_app.services import accounts
    from presidium_app.services.permissions import Permission, require

    db = _open(args)
    try:
        if args.user_command == "list":
            require(_actor(args, db).role, Permission.ACCOUNTS)
            for row in accounts.list_users(db):
                print(f"{row.name}\t{row.display_name}\t{row.role.label}\t{row.state()}")
            return EXIT_OK
        role = Role[args.role.upper()]
        if not accounts.has_accounts(db):
            if role != Role.ADMIN:
                raise CliError("数据库还没有账户：第一个账户必须是管理员，请用 --role admin")
            actor = accounts.create_first_admin(db, args.name, args.display_name, _read_new_password())
            print(f"已创建管理员账户：{actor.name}")
            return EXIT_OK
        actor = _actor(args, db)
        require(actor.role, Permission.ACCOUNTS)  # before the password is asked for
        accounts.add_user(db, actor, args.name, args.display_name, role, _read_new_password())
        print(f"已创建账户：{args.name}（{role.label}），首次登录时须修改密码")
        return EXIT_OK
    finally:
        db.dispose()


def _open(args: argparse.Namespace) -> Database:
    return open_database(args.data_dir, args.database_url)


def cmd_init(args: argparse.Namespace) -> int:
    from presidium_app.services import township

    db = _open(args)
    try:
        actor = _actor(args)
        if not township.is_set_up(db):
            if not args.township:
                raise CliError("新数据库须用 --township 指定乡镇名称")
            start, _, end = args.term_years.partition("-")
            township.set_up_township(
                db,
                actor,
                args.township,
                args.county,
                args.term,
                int(start) if start else None,
                int(end) if end else None,
            )
        if args.demo:
            from presidium_app.services.demo import fill_demo

            summary = fill_demo(db, actor, scale=max(1, args.scale))
            print(f"已填入示范数据：{summary}")
        info = township.get_township(db)
        print(f"数据库已就绪：{info.full_name}（{db.engine.url.render_as_string()}）")
        return EXIT_OK
    finally:
        db.dispose()


def cmd_template(args: argparse.Namespace) -> int:
    from presidium_app.ledgers import registry

    registry.ledger(args.kind).write_template(args.output)
    print(f"已生成模板：{args.output}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from presidium_app.ledgers import registry
    from presidium_app.ledgers.common import default_report_path, write_report

    db = _open(args)
    try:
        outcome = registry.ledger(args.kind).import_file(db, _actor(args), args.file, dry_run=args.dry_run)
    finally:
        db.dispose()
    prefix = "（试导入，未写入）" if args.dry_run else ""
    print(f"{prefix}导入 {outcome.imported} 条，拒绝 {outcome.rejected_rows} 条")
    for column in outcome.unknown_columns:
        print(f"提示：未识别的列“{column}”已忽略")
    if outcome.rejections:
        report = args.report or default_report_path(args.file)
        write_report(report, outcome.rejections)
        for r in outcome.rejections[:20]:
            print(f"  第{r.row}行 {r.column}：{r.reason}", file=sys.stderr)
        print(f"错误报告：{report}")
        return EXIT_REJECTED
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from presidium_app.ledgers import registry

    db = _open(args)
    try:
        rows = registry.ledger(args.kind).export_file(db, _actor(args), args.file, year=args.year)
    finally:
        db.dispose()
    print(f"已导出 {rows} 条：{args.file}")
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    from presidium_app.services.stats import year_stats

    db = _open(args)
    try:
        _actor(args, db)  # once accounts exist, the figures are for signed-in users only
        figures = year_stats(db, args.year)
    finally:
        db.dispose()
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        deputies = figures["deputies"]
        print(f"{figures['year']}年：在任代表 {deputies['serving']} 人")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from presidium_app.services.checks import chain_note, run_checks

    paths = resolve_data_paths(args.data_dir)
    url = resolve_database_url(paths, args.database_url)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        raise CliError(f"数据库文件不存在：{url.removeprefix('sqlite:///')}")
    result = run_checks(url, paths)
    for finding in result.findings:
        print(f"[{finding.area}] {finding.message}")
    if result.chain is not None:
        print(chain_note(result.chain))
    if not result.findings:
        print("检查完成：未发现问题")
        return EXIT_OK
    print(f"检查完成：发现 {result.problem_count} 个问题")
    return EXIT_PROBLEMS


def write_atomically(path: Path, data: bytes) -> None:
    """Never a half-written file (storage.files.write_atomic); a failure says why in Chinese."""
    from presidium_app.storage import files

    folder = path.resolve().parent
    if not folder.is_dir():
        raise CliError(f"输出文件夹不存在：{folder}")
    try:
        files.write_atomic(path, data)
    except OSError as exc:
        raise CliError(files.file_error_message(exc, path).replace("\n", " ")) from exc


def _merge(parts: list[bytes]) -> tuple[bytes, int]:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue(), len(writer.pages)


def cmd_print(args: argparse.Namespace) -> int:
    """`print --list`, `print KEY -o FILE.pdf [--year Y] [--id N] [--all]`. With --all every object
    of the year (newest first, as the picker lists them) is printed into the one PDF."""
    from presidium_app.printing import registry

    if args.list:
        for spec in registry.DOCUMENTS.values():
            print(f"{spec.key} {spec.title}")
        return EXIT_OK
    if not args.document:
        raise CliError("请指定要打印的文书（用 print --list 查看全部文书）", EXIT_UNREADABLE)
    spec = registry.spec(args.document)
    if args.output is None:
        raise CliError("请用 -o 指定输出的 PDF 文件", EXIT_UNREADABLE)
    year = args.year or dt.date.today().year
    db = _open(args)
    try:
        actor = _actor(args)
        if args.all and spec.needs not in ("year", "none"):
            ids = [object_id for object_id, _label in registry.choices(db, spec.key, year)]
            if not ids:
                raise CliError(f"{year}年没有可打印“{spec.title}”的{registry.NEEDS[spec.needs]}")
            parts = [registry.render(db, spec.key, registry.PrintRequest(year, i), actor) for i in ids]
            pdf, pages = _merge([p.pdf for p in parts])
            count = f"{len(parts)}份，"
        else:
            rendered = registry.render(db, spec.key, registry.PrintRequest(year, args.object_id), actor)
            pdf, pages, count = rendered.pdf, rendered.pages, ""
    finally:
        db.dispose()
    write_atomically(args.output, pdf)
    print(f"已生成{spec.title}：{args.output}（{count}共{pages}页）")
    return EXIT_OK


def _backup_parser(backup: argparse.ArgumentParser) -> None:
    actions = backup.add_subparsers(dest="backup_command", metavar="操作", parser_class=ChineseArgumentParser)
    actions.required = True

    def action(name: str, text: str) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, add_help=False, help=text, description=text)
        sub.add_argument("-h", "--help", action="help", help="显示帮助并退出")
        return sub

    create = action("create", "立即备份到数据目录的 backups 文件夹；--to 另写一份 .zip 到该文件夹（如U盘）")
    create.add_argument("--to", type=Path, metavar="DIR", help="另存 .zip 的文件夹")
    action("list", "列出备份：编号、时间、原因、大小、校验结果")
    restore = action("restore", "从备份恢复（编号或 .zip 文件）；被替换的数据先保留为“恢复前备份”")
    restore.add_argument("source", metavar="ID|FILE.zip", help="备份编号（见 backup list）或备份的 .zip 文件")


def cmd_backup(args: argparse.Namespace) -> int:
    from presidium_app.services import backups
    from presidium_app.storage.opening import DamagedDatabase

    if args.backup_command == "restore":
        try:
            db = _open(args)
        except DamagedDatabase:  # no account can be checked in a file that cannot be read
            paths = resolve_data_paths(args.data_dir)
            outcome = backups.restore_damaged(paths, resolve_database_url(paths, args.database_url),
                                              Actor(args.user or DEFAULT_USER), args.source)
        else:
            try:
                outcome = backups.restore(db, _actor(args, db), args.source)
            finally:
                db.dispose()
        outcome.database.dispose()
        print(f"已从{outcome.restored.reason_label} {outcome.restored.id} 恢复")
        if outcome.kept:
            print(f"原数据已保留为备份 {outcome.kept.id}：{outcome.kept.path}")
        if outcome.damaged:
            print(f"无法读取的原数据库文件已移到：{outcome.damaged}（未删除）")
        return EXIT_OK
    db = _open(args)
    try:
        if args.backup_command == "create":
            info, archive = backups.create(db, _actor(args, db), to=args.to)
            print(f"已备份：{info.id}（{info.path}）")
            if archive:
                print(f"已写入：{archive}")
            return EXIT_OK
        _actor(args, db)  # once accounts exist, only signed-in users see the backups
        rows = backups.list_backups(db, verify=True)
    finally:
        db.dispose()
    if not rows:
        print("还没有备份")
    for row in rows:
        state = "校验通过" if row.verified else f"校验未通过：{row.problems[0]}"
        print(f"{row.info.id}  {row.info.created_at:%Y-%m-%d %H:%M:%S}  {row.info.reason_label}  "
              f"{backups.size_text(row.info.size)}  {state}")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "init": cmd_init,
    "template": cmd_template,
    "import": cmd_import,
    "export": cmd_export,
    "stats": cmd_stats,
    "check": cmd_check,
    "print": cmd_print,
    "backup": cmd_backup,
    "user": cmd_user,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_UNREADABLE
    try:
        return COMMANDS[args.command](args)
    except CliError as exc:
        message, code = str(exc), exc.code
    except DatabaseError as exc:
        message, code = str(exc), EXIT_ERROR
    except ServiceError as exc:
        message, code = exc.message, getattr(exc, "exit_code", EXIT_ERROR)
    except KeyboardInterrupt:
        message, code = "已中断", EXIT_ERROR
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        message, code = f"意外错误：{exc}（加 --debug 查看详情）", EXIT_ERROR
    print(f"presidium：{message}", file=sys.stderr)
    return code
