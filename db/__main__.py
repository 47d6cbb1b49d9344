"""Command line: python -m db init|migrate|generate|backup|restore|import|export (see CONTRACT.md)."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import duckdb

from db import DatabaseLocked, connect, create_database, db_path, migrate
from db.core.connection import explain, latest_version
from db.core.writes import ValidationError

SCALES = ("demo", "district", "province", "national")


def fail(message: str) -> int:
    print(f"Lỗi: {message}", file=sys.stderr)
    return 2


def clear_target(path: Path, force: bool) -> str | None:
    """Make room for a new file at path: None when done, else why not (an existing file needs --force)."""
    if not path.exists():
        return None
    if not force:
        return f"tệp {path} đã tồn tại; thêm --force để ghi đè (toàn bộ dữ liệu cũ sẽ mất)."
    connect(path).close()  # refuses, with a clear message, while another program holds the file
    path.unlink()
    Path(f"{path}.wal").unlink(missing_ok=True)
    return None


def cmd_init(args) -> int:
    path = Path(args.db)
    if refusal := clear_target(path, args.force):
        return fail(refusal)
    create_database(path, demo=not args.empty).close()
    print(f"Đã tạo {path} ({'trống' if args.empty else 'có dữ liệu minh họa'}), phiên bản lược đồ {latest_version()}.")
    return 0


def cmd_migrate(args) -> int:
    path = Path(args.db)
    if not path.exists():
        return fail(f"không có tệp {path}; dùng 'python -m db init' để tạo mới.")
    from db.tools.seed import load_reference

    con = connect(path)
    applied = migrate(con)
    added = load_reference(con)
    con.close()
    print(f"Đã nâng cấp {path}: {len(applied)} bước, {added} dòng danh mục mới, "
          f"phiên bản lược đồ hiện tại {latest_version()}.")
    return 0


def cmd_generate(args) -> int:
    from db.tools import generate
    from db.tools.seed import load_commune

    path = Path(args.db)
    if refusal := clear_target(path, args.force):
        return fail(refusal)
    if args.scale != "demo":  # district, province, national: set-based in SQL (db/tools/synth.py)
        from db.tools import synth

        try:
            result = synth.generate(path, args.scale, args.seed)
        except (OSError, duckdb.Error) as exc:  # e.g. another run put a file there first; a full disk
            return fail(f"chưa sinh được {path}: {explain(exc, path) or str(exc).splitlines()[0]}")
        print(synth.summary(path, args.scale, args.seed, result))
        return 0
    con = create_database(path, demo=False)
    commune = generate.demo_commune()
    cases = generate.generate_cases(commune, seed=args.seed)
    load_commune(con, commune, cases)
    con.close()
    print(f"Đã sinh {path}: quy mô {args.scale}, seed {args.seed}, {len(cases)} vụ việc.")
    return 0


def cmd_backup(args) -> int:
    """A verified copy in --out, also while the app (another program) holds the file: then from a consistent copy
    of the file and its log (db/tools/backup.py)."""
    from db.tools.backup import BackupError, backup_file, schema_version_of

    path = Path(args.db)
    if not path.exists():
        return fail(f"không có tệp {path}.")
    try:
        target, while_open = backup_file(path, args.out)
    except (BackupError, OSError, duckdb.Error) as exc:
        return fail(f"chưa sao lưu được {path}: {explain(exc, path) or str(exc).splitlines()[0]}")
    size = f"{target.stat().st_size / 1024 / 1024:.1f}".replace(".", ",")
    print(f"Đã sao lưu {path} vào {target} ({size} MB, phiên bản lược đồ {schema_version_of(target)}, đã đọc lại "
          f"để kiểm tra){' — tệp đang được ứng dụng mở: sao lưu từ bản chụp nhất quán' if while_open else ''}.")
    return 0


def cmd_restore(args) -> int:
    """The backup FILE in place of --db, after checking it is this app's database at a schema version this app
    knows; the current file is kept beside it. A kill at any moment leaves --db as it was or fully restored."""
    from db.tools.backup import BackupError, RestoreRefused, restore

    source, path = Path(args.file), Path(args.db)
    try:
        keep = restore(source, path)
    except RestoreRefused as exc:
        return fail(str(exc))
    except (BackupError, OSError, duckdb.Error) as exc:
        return fail(f"chưa khôi phục được {path}: {explain(exc, path) or str(exc).splitlines()[0]}")
    if keep:
        print(f"Dữ liệu hiện tại được giữ ở {keep}.")
    print(f"Đã khôi phục {path} từ {source}, phiên bản lược đồ {latest_version()}.")
    return 0


def cmd_export(args) -> int:
    """The whole database as one Excel workbook (a sheet per table), as on the «Thiết lập xã» page."""
    from db.tools.exporting import database_workbook

    path, out = Path(args.db), Path(args.out)
    if not path.exists():
        return fail(f"không có tệp {path}.")
    if out.suffix.lower() != ".xlsx":
        return fail(f"tệp xuất phải có đuôi .xlsx (đã nhập «{out.name}»).")
    con = connect(path)
    try:
        data = database_workbook(con)
    finally:
        con.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".tmp")
    partial.write_bytes(data)
    partial.replace(out)  # never a half-written workbook under the name asked for
    print(f"Đã xuất toàn bộ dữ liệu vào {out} ({len(data) // 1024} KB).")
    return 0


def cmd_import(args) -> int:
    """A register or mediator list from Excel/CSV through the same reading, mapping and write path as the page."""
    from db.tools.importing import ACTIONS, KINDS, Options, read_file, run_import

    if args.kind not in KINDS:
        return fail(f"loại dữ liệu «{args.kind}» không hợp lệ: chọn cases (sổ theo dõi vụ việc) hoặc mediators "
                    "(danh sách hòa giải viên).")
    source, path = Path(args.file), Path(args.db)
    if not source.is_file():
        return fail(f"không có tệp {source}.")
    if not path.exists():
        return fail(f"không có tệp dữ liệu {path}; dùng 'python -m db init' để tạo mới.")
    con = connect(path)
    try:
        migrate(con)
        workbook = read_file(source.read_bytes(), source.name, args.kind, con)
        options = Options(team_id=args.team, village=args.village, valid_only=args.valid_only)
        if not args.dry_run:
            from db.tools.backup import automatic_backup
            automatic_backup(con, "truoc-nhap")  # what the file held before the import, kept aside
        result = run_import(con, workbook, args.kind, {s.name: s.mapping for s in workbook.sheets}, options,
                            actor=args.actor, dry_run=args.dry_run)
        teams = dict(con.execute("SELECT id, name FROM teams").fetchall())
    finally:
        con.close()
    forced = teams.get(args.team) if args.team is not None else args.village
    print(f"Tệp {source.name} ({KINDS[args.kind].lower()}): " + ", ".join(
        f"trang «{s.name}» {len(s.rows)} dòng → " + (forced or teams.get(s.team_id, "tổ theo cột thôn"))
        for s in workbook.sheets) + ".")
    notes = [f"Trang «{s.name}», {n[0].lower()}{n[1:]}" for s in workbook.sheets for n in s.notes]
    for line in workbook.skipped + notes:
        print(f"  {line}")
    for outcome in result.outcomes:
        if outcome.action == "loi" or args.verbose:
            print(f"  {ACTIONS[outcome.action]} — trang «{outcome.sheet}», dòng {outcome.row}"
                  f" ({outcome.label}): {' '.join(outcome.messages)}".rstrip(": "))
    print(" · ".join(f"{label}: {result.counts[action]}" for action, label in ACTIONS.items()))
    noted = sum(1 for o in result.outcomes if o.action != "loi" and o.messages)
    if noted and not args.verbose:
        print(f"{noted} dòng có lưu ý (ngày kết thúc cần bổ sung, loại vụ việc suy ra, tên không khớp…): "
              "thêm --verbose để xem từng dòng.")
    errors = result.counts["loi"]
    if args.dry_run:
        print("Chạy thử (--dry-run): chưa ghi gì vào dữ liệu.")
    elif result.written:
        print("Đã ghi vào dữ liệu" + (f"; {errors} dòng lỗi không được nhập." if errors else "."))
    else:
        print(f"Không ghi gì vì có {errors} dòng lỗi (tất cả hoặc không): sửa tệp rồi nhập lại, hoặc thêm "
              "--valid-only để chỉ nhập các dòng hợp lệ.")
    return 1 if errors and not args.valid_only else 0


def cmd_rollup(args) -> int:
    """One read-only file from the communes' files (or their backups), for the province: db/tools/rollup.py."""
    from db.tools.rollup import RollupError, rollup, summary

    try:
        result = rollup(args.files, args.out, force=args.force)
    except RollupError as exc:
        return fail(str(exc))
    except (OSError, duckdb.Error) as exc:
        return fail(f"chưa tổng hợp được vào {args.out}: {explain(exc, args.out) or str(exc).splitlines()[0]}")
    print("\n".join(summary(result)))
    return 0


def cmd_bench(args) -> int:
    """The benchmark's table (db/tools/bench.py): every page through AppTest, cold and warm, beside the raw DuckDB query of
    its main figures and a naive pandas peer; one child process per scale, on a temporary copy of each file."""
    from db.tools import bench

    pages = [name for item in args.pages or [] for name in item.split(",") if name] or None
    unknown = sorted(set(pages or []) - set(bench.known_pages()))
    if unknown:
        return fail(f"không có trang «{', '.join(unknown)}» trong pages/; các trang: {', '.join(bench.known_pages())}.")
    if args.db and not Path(args.db).is_file():
        return fail(f"không có tệp {args.db}.")
    if args.repeat < 1 or args.saves < 1:
        return fail("--repeat và --saves phải từ 1 trở lên.")
    return bench.run(args.scale, args.db, pages, repeat=args.repeat, saves=args.saves, year=args.year,
                     timeout=args.timeout, out=args.out, gen_dir=Path(args.gen_dir))


def _password_from_stdin() -> str:
    """The password as typed on standard input (one line; a terminal does not echo it)."""
    if sys.stdin.isatty():
        import getpass
        return getpass.getpass("Mật khẩu: ")
    return sys.stdin.readline().rstrip("\r\n")


def cmd_user(args) -> int:
    """Accounts for the login, on the machine (the administrator at the PC): add one, or set a password."""
    from db import users

    path = Path(args.db)
    if not path.exists():
        return fail(f"không có tệp {path}.")
    con = connect(path)
    try:
        migrate(con)
        if args.action == "add":
            village_id = None
            if args.village:
                found = con.execute("SELECT id FROM villages WHERE fold(name) = fold(?) OR CAST(id AS VARCHAR) = ?",
                                    [args.village, args.village]).fetchall()
                if len(found) != 1:
                    return fail(f"không tìm thấy đúng một thôn «{args.village}».")
                village_id = found[0][0]
            users.add_user(con, {"login": args.login, "full_name": args.name, "role": args.role,
                                 "village_id": village_id, "is_admin": args.admin}, _password_from_stdin(),
                           actor="dòng lệnh")
            print(f"Đã tạo tài khoản «{args.login.lower()}» ({args.role}).")
        else:
            users.set_password(con, args.login, _password_from_stdin(), actor="dòng lệnh")
            print(f"Đã đặt mật khẩu mới cho «{args.login.lower()}».")
    finally:
        con.close()
    return 0


class VietnameseParser(argparse.ArgumentParser):
    """argparse says what is wrong in English («invalid choice», «the following arguments are required»): here, in
    one Vietnamese line (CONTRACT.md: every subcommand), with the usage line above it as argparse prints it."""

    def error(self, message: str):
        said = message
        if m := re.match(r"argument (\S+): invalid choice: '?([^' ]*)'? \(choose from (.*)\)", message):
            said = f"giá trị «{m[2]}» không hợp lệ cho {m[1]} (chọn một trong: {m[3].replace(chr(39), '')})."
        elif m := re.match(r"the following arguments are required: (.*)", message):
            said = "thiếu lệnh (xem: python -m db -h)." if m[1] == "command" else f"thiếu {m[1]}."
        elif m := re.match(r"unrecognized arguments: (.*)", message):
            said = f"không hiểu tham số: {m[1]}."
        elif m := re.match(r"argument (\S+): invalid (\w+) value: '?([^']*)'?", message):
            said = f"giá trị «{m[3]}» không hợp lệ cho {m[1]}."
        elif m := re.match(r"argument (\S+): expected one argument", message):
            said = f"{m[1]} cần một giá trị."
        self.print_usage(sys.stderr)
        self.exit(2, f"Lỗi: {said}\n")


def main(argv: list[str] | None = None) -> int:
    parser = VietnameseParser(prog="python -m db", description="Quản trị tệp dữ liệu hòa giải ở cơ sở.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=VietnameseParser)

    def add(name: str, help_text: str):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--db", default=db_path(), help="đường dẫn tệp DuckDB (mặc định: HOAGIAI_DB hoặc data/hoagiai.duckdb)")
        return p

    p = add("init", "tạo lược đồ và dữ liệu minh họa")
    p.add_argument("--empty", action="store_true", help="không nạp dữ liệu minh họa")
    p.add_argument("--force", action="store_true", help="ghi đè tệp đã có")
    p.set_defaults(run=cmd_init)
    add("migrate", "nâng cấp lược đồ, giữ nguyên dữ liệu").set_defaults(run=cmd_migrate)
    p = add("generate", "sinh cơ sở dữ liệu tổng hợp theo quy mô")
    p.add_argument("--scale", choices=SCALES, required=True)
    p.add_argument("--seed", type=int, default=2023)
    p.add_argument("--force", action="store_true", help="ghi đè tệp đã có")
    p.set_defaults(run=cmd_generate)
    p = add("backup", "sao lưu nhất quán (được cả khi ứng dụng đang mở tệp), đọc lại để kiểm tra")
    p.add_argument("--out", required=True, help="thư mục chứa bản sao lưu")
    p.set_defaults(run=cmd_backup)
    p = add("restore", "khôi phục từ bản sao lưu (tệp hiện tại được giữ lại bên cạnh)")
    p.add_argument("file", help="tệp sao lưu .duckdb của ứng dụng")
    p.set_defaults(run=cmd_restore)
    p = add("user", "tài khoản đăng nhập: user add TÊN --role VAI_TRÒ | user passwd TÊN (mật khẩu đọc từ bàn phím)")
    p.add_argument("action", choices=("add", "passwd"))
    p.add_argument("login")
    p.add_argument("--role", choices=("can_bo_tu_phap", "lanh_dao", "to_truong", "trinh_chieu"),
                   default="can_bo_tu_phap")
    p.add_argument("--name", help="họ và tên")
    p.add_argument("--village", help="thôn của tổ trưởng / trưởng thôn (tên hoặc số)")
    p.add_argument("--admin", action="store_true", help="quyền quản trị (tài khoản đầu tiên luôn có)")
    p.set_defaults(run=cmd_user)
    p = add("export", "xuất toàn bộ dữ liệu ra một tệp Excel (mỗi bảng một trang tính)")
    p.add_argument("--out", required=True, help="tệp .xlsx")
    p.set_defaults(run=cmd_export)
    p = add("import", "nhập sổ theo dõi vụ việc (cases) hoặc danh sách hòa giải viên (mediators) từ Excel/CSV")
    p.add_argument("kind", help="cases hoặc mediators")
    p.add_argument("file", help="tệp .xlsx, .xls hoặc .csv")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--team", type=int, help="số tổ hòa giải cho các dòng không ghi thôn")
    where.add_argument("--village", help="tên thôn cho các dòng không ghi thôn (không phân biệt dấu)")
    p.add_argument("--dry-run", action="store_true", help="chạy thử: báo từng dòng, không ghi gì")
    p.add_argument("--valid-only", action="store_true", help="chỉ nhập các dòng hợp lệ (mặc định: tất cả hoặc không)")
    p.add_argument("--actor", default="dòng lệnh", help="người nhập, ghi vào nhật ký")
    p.add_argument("--verbose", action="store_true", help="in kết quả và lưu ý của từng dòng")
    p.set_defaults(run=cmd_import)
    p = add("bench", "đo hiệu năng từng trang (AppTest) bên cạnh truy vấn DuckDB thô và cách làm pandas ngây thơ")
    p.set_defaults(db=None)  # without --db: the scales, never the app's own file
    p.add_argument("--scale", nargs="+", choices=SCALES,
                   help="mặc định: demo và các quy mô đã có tệp sinh sẵn trong --gen-dir (không có thì sinh)")
    p.add_argument("--pages", nargs="+", help="tên trang (tệp trong pages/, cách nhau bởi dấu cách hoặc dấu phẩy); "
                                              "mặc định: mọi trang của tài khoản quản trị")
    p.add_argument("--repeat", type=int, default=5, help="số lần chạy lại khi ấm (lấy trung vị)")
    p.add_argument("--saves", type=int, default=7, help="số lần lưu vụ việc (lấy trung vị)")
    p.add_argument("--year", type=int, help="năm xem (mặc định: năm mặc định của ứng dụng trên tệp)")
    p.add_argument("--timeout", type=float, default=600, help="số giây tối đa cho một lần chạy trang")
    p.add_argument("--gen-dir", default="/tmp/gen", help="thư mục các tệp QUY_MÔ.duckdb đã sinh")
    p.add_argument("--out", help="ghi bảng Markdown vào tệp này (ví dụ docs/bench.md)")
    p.set_defaults(run=cmd_bench)
    p = add("rollup", "tổng hợp tệp của nhiều xã thành một tệp chỉ để xem (cho Sở Tư pháp)")
    p.add_argument("--out", required=True, help="tệp tổng hợp .duckdb sẽ tạo")
    p.add_argument("files", nargs="+", help="tệp .duckdb của từng xã, hoặc bản sao lưu của nó")
    p.add_argument("--force", action="store_true", help="ghi đè tệp tổng hợp đã có")
    p.set_defaults(run=cmd_rollup)

    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (DatabaseLocked, ValidationError) as exc:
        return fail(str(exc))


if __name__ == "__main__":
    sys.exit(main())
