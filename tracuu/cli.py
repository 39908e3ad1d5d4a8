"""The ``tracuu`` command line. Library code raises; only this module turns errors into
one-line messages and exit codes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from search.config import Settings, get_settings
from search.errors import TracuuError

from .terminal import audit_operator, console, errors_to_exit

app = typer.Typer(
    help="Tra cứu — tìm kiếm và khai thác kết quả giải quyết thủ tục hành chính đã số hóa.\n\n"
    "Settings come from TRACUU_* environment variables (see README).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",  # docstrings are wrapped prose, not pre-formatted lines
)
services_app = typer.Typer(help="Local OpenSearch, Tika and PostgreSQL servers for development, CI and the demo.",
                           no_args_is_help=True)
app.add_typer(services_app, name="services")
user_app = typer.Typer(help="Officer and admin accounts of the web front end.", no_args_is_help=True)
app.add_typer(user_app, name="user")
apikey_app = typer.Typer(help="API keys for other systems (scopes: search, read, lookup, reuse, manage, ingest).",
                         no_args_is_help=True)
app.add_typer(apikey_app, name="apikey")

from .status_cli import status_app  # noqa: E402 - after the app it joins

app.add_typer(status_app, name="status")

from .subject_cli import subject_app  # noqa: E402 - after the app it joins

app.add_typer(subject_app, name="subject")



def _bar() -> Progress:
    """The progress bar of long commands: what, how far, how long, how much longer."""
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TimeRemainingColumn(), console=console)


#: Plain logs: warnings from libraries, information from our own packages. The process id
#: tells which of `serve --workers N` wrote the line. A dict so that uvicorn applies it in
#: each worker process too (they are spawned and inherit no logging set up here).
LOG_CONFIG: dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
    "root": {"level": "WARNING", "handlers": ["stderr"]},
    "loggers": {
        **{ours: {"level": "INFO"} for ours in ("search", "indexer", "web", "tracuu", "database", "uvicorn")},
        "uvicorn.error": {"level": "INFO"},
        # "The output file is larger than the input" is expected of PDF/A with a text layer.
        "ocrmypdf._validation": {"level": "ERROR"},
    },
}


def _setup_logging() -> None:
    import logging.config

    logging.config.dictConfig(LOG_CONFIG)


@services_app.command("start")
@errors_to_exit
def services_start() -> None:
    """Fetch (first time, through Maven), start and wait for OpenSearch and Tika; start the
    local PostgreSQL (unless TRACUU_DATABASE_URL names another) and apply its migrations."""
    from . import services

    services.start(get_settings(), say=console.print)


@services_app.command("stop")
@errors_to_exit
def services_stop() -> None:
    """Stop the servers that 'tracuu services start' started (never others)."""
    from . import services

    services.stop(get_settings(), say=console.print)


@services_app.command("status")
@errors_to_exit
def services_status() -> None:
    """Say whether OpenSearch, Tika and PostgreSQL answer, and whether tracuu started them."""
    from . import services

    all_up = True
    for name, url, healthy, pid in services.status(get_settings()):
        state = "[green]up[/green]" if healthy else "[red]down[/red]"
        owner = f"started by tracuu, pid {pid}" if pid else "not started by tracuu"
        console.print(f"{name:<11} {state}  {url}  ({owner})")
        all_up &= healthy
    raise typer.Exit(0 if all_up else 1)


@services_app.command("fetch")
@errors_to_exit
def services_fetch() -> None:
    """Download OpenSearch and Tika into the Maven cache and unpack them; start nothing."""
    from . import services

    services.fetch(get_settings())
    console.print("opensearch and tika are fetched")


@app.command()
@errors_to_exit
def ingest(
    folder: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="Folder of results, with an optional manifest.csv")],
    queue: Annotated[bool, typer.Option("--queue", help="Queue one job per file for `tracuu worker`s "
                                        "(the folder must be visible to them) and follow the jobs")] = False,
) -> None:
    """Ingest every supported file under FOLDER: OCR scans, extract born-digital text,
    read metadata (manifest.csv wins over extraction), archive and index.

    Files that fail are reported with their reason and a copy is kept under
    TRACUU_DATA_DIR/failed; the rest of the batch goes on. A JSON report is written
    under TRACUU_DATA_DIR/reports (not with --queue). Exit code 0 when every file was
    ingested or already present, 1 when some failed.

    With --queue the files are read by the running `tracuu worker`s (on this host or
    others) instead of this process; the bar follows their jobs (docs/ingest-service.md)."""
    _setup_logging()
    if queue:
        raise typer.Exit(1 if run_queued_ingest(get_settings(), folder) else 0)
    report = run_ingest(get_settings(), folder)
    raise typer.Exit(1 if report.failed else 0)


def run_queued_ingest(settings: Settings, folder: Path) -> int:
    """Queue a job per file, follow them with the bar; returns the number that failed."""
    import datetime as dt
    import enum
    import time

    import psycopg

    from archive.records import file_sha256
    from indexer import queue as jobs
    from indexer.manifest import read_manifest
    from indexer.pipeline import discover

    def text(value) -> str:
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value.value if isinstance(value, enum.Enum) else value)

    root = folder.resolve()
    files = discover(root)
    manifest = read_manifest(root)
    jobs.migrate(settings)
    client = jobs.client_app(settings)
    ids: dict[int, str] = {}
    with client.open():
        for path in files:
            rel = path.relative_to(root).as_posix()
            given = {k: text(v) for k, v in manifest.values_for(rel).items()}
            ids[jobs.enqueue(client, settings, path, file_sha256(path), rel, given)] = rel
    with psycopg.connect(settings.database_dsn(), autocommit=True) as c:
        alive = c.execute("SELECT count(*) FROM procrastinate_workers").fetchone()[0]
    if not alive:
        console.print("[yellow]Chưa có worker nào chạy (no worker running): start `tracuu worker`; "
                      "the jobs wait in the queue.[/yellow]")
    counts = {"done": 0, "duplicate": 0, "failed": 0}
    failed: list[tuple[str, str]] = []
    left = dict(ids)
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("Đang nạp (hàng đợi)", total=len(ids))
        while left:
            for job_id, rel in list(left.items()):
                st = jobs.job_status(settings, job_id)
                if st and st["status"] in counts:
                    counts[st["status"]] += 1
                    if st["status"] == "failed":
                        failed.append((rel, st["error"] or ""))
                    del left[job_id]
                    bar.advance(task)
            if left:
                time.sleep(1)
    console.print(f"Đã nạp {counts['done']}, trùng {counts['duplicate']}, lỗi {counts['failed']}.")
    for rel, error in failed:
        console.print(f"  [red]✗[/red] {rel}: {error}", highlight=False)
    for row, reason in manifest.errors:
        console.print(f"  [yellow]manifest dòng {row}[/yellow]: {reason}", highlight=False)
    return counts["failed"]


def run_ingest(settings: Settings, folder: Path):
    from indexer.pipeline import Ingestor, discover
    from search.index import RecordIndex

    files = discover(folder.resolve())
    ingestor = Ingestor(settings, RecordIndex.from_settings(settings))
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[pages]} trang"), TimeElapsedColumn(), TextColumn("ETA"),
               TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("Đang nạp", total=len(files), pages=0)
        pages = 0

        def on_file(rel: str, n: int) -> None:
            nonlocal pages
            pages += n
            bar.update(task, advance=1, pages=pages)

        report = ingestor.ingest_dir(folder, on_file=on_file, files=files)
    console.print(
        f"Đã nạp {len(report.ingested)}, cập nhật {len(report.updated)}, trùng {len(report.duplicates)}, "
        f"lỗi {len(report.failed)} "
        f"({report.pages} trang)."
    )
    for f in report.failed:
        console.print(f"  [red]✗[/red] {f.file}: {f.message}", highlight=False)
    for e in report.manifest_errors:
        console.print(f"  [yellow]manifest dòng {e['row']}[/yellow]: {e['reason']}", highlight=False)
    return report


@app.command()
@errors_to_exit
def worker(
    name: Annotated[str, typer.Option(help="This worker's name in the queue (default: host and pid)")] = "",
) -> None:
    """Run an ingest worker: take jobs from the queue (PostgreSQL, TRACUU_DATABASE_URL) one
    at a time — files pushed through POST /api/v1/ingest — OCR, archive and index each.

    Run any number, on any host that sees TRACUU_DATA_DIR (the archive) and the database.
    A worker that dies stops its heartbeat; after TRACUU_JOB_STALLED_SECONDS another
    worker gives its job back to the queue. Ctrl-C or SIGTERM: the running job finishes
    first. See docs/ingest-service.md."""
    import os
    import socket

    from indexer import queue

    _setup_logging()
    queue.run_worker(get_settings(), name or f"{socket.gethostname()}-{os.getpid()}", say=console.print)


@app.command()
@errors_to_exit
def verify() -> None:
    """Check the fixity of every archival package (BagIt, SHA-256) under TRACUU_DATA_DIR.

    Exit code 0 when every package is intact, 1 when any is damaged (each is named, with
    what is wrong)."""
    from indexer.maintenance import count_bags
    from indexer.maintenance import verify as run_verify

    settings = get_settings()
    with _bar() as bar:
        task = bar.add_task("Kiểm tra", total=count_bags(settings))
        report = run_verify(settings, on_bag=lambda _: bar.advance(task))
    for name, what in report.damaged:
        console.print(f"  [red]✗[/red] {name}: {what}", highlight=False)
    console.print(f"Đã kiểm tra {report.checked} gói lưu trữ, {len(report.damaged)} gói hỏng.")
    raise typer.Exit(1 if report.damaged else 0)


@app.command()
@errors_to_exit
def reindex(
    pending: Annotated[bool, typer.Option("--pending", help="Only index what a killed or cut-off writer archived "
                                          "but did not index (seconds, not a rebuild)")] = False,
) -> None:
    """Rebuild the search index from the archive, with no downtime, and the reuse counts
    from their journal.

    A new index is filled while the current one keeps serving; what is written meanwhile
    is caught up; then the alias (TRACUU_INDEX) is swapped to it in one atomic step and the
    old index is deleted. If anything fails before the swap, the old index stays in service.
    With --pending, only the records the archive holds in a newer state than the index."""
    from archive.recovery import catch_up
    from indexer.maintenance import count_bags
    from indexer.maintenance import reindex as run_reindex
    from search.index import RecordIndex

    _setup_logging()
    settings = get_settings()
    index = RecordIndex.from_settings(settings)
    if pending:
        done = catch_up(settings.archive_dir, index)
        console.print(f"Đã lập chỉ mục {len(done.indexed)} bản ghi còn chờ; bỏ {len(done.dropped)} dấu chờ "
                      "của túi chưa từng được lưu.")
        return
    with _bar() as bar:
        task = bar.add_task("Lập lại chỉ mục", total=count_bags(settings))
        report = run_reindex(settings, index, on_record=lambda: bar.advance(task))
    console.print(f"Đã lập chỉ mục {report.indexed} bản ghi vào {report.new_index} "
                  f"(thêm {report.caught_up} bản ghi ghi trong lúc chạy); "
                  f"thay cho {', '.join(report.replaced) or '(không có)'}; {report.reuses} lượt dùng lại "
                  "lập lại từ nhật ký.")


@app.command()
@errors_to_exit
def backup(
    dest: Annotated[Path, typer.Argument(file_okay=False, help="A new or empty folder outside TRACUU_DATA_DIR, "
                                         "best on another disk")],
) -> None:
    """Back up what cannot be rebuilt — the archive, accounts and API keys, the keys, the
    reuse journal, the audit log, ingest reports and failed files — into DEST, while the
    service runs (each part is copied consistently: see docs/backup.md).

    DEST becomes a BagIt bag with a SHA-256 of every file. It holds every personal datum
    and the keys: keep it where only the operators can read it. The search index is not
    in it; `tracuu restore` rebuilds it. Exit code 0 when done; 1 when some archival
    packages were already damaged (copied as found and named: run `tracuu verify`)."""
    from archive.backup import backup as run_backup
    from archive.backup import check_dest, count_items

    settings = get_settings()
    check_dest(settings.data_dir, dest)  # refused before a progress bar is shown
    with _bar() as bar:
        task = bar.add_task("Sao lưu", total=count_items(settings))
        report = run_backup(settings, dest, on_item=lambda _step, _name: bar.advance(task))
    for name, what in report.damaged:
        console.print(f"  [red]✗[/red] {name}: {what}", highlight=False)
    for name in report.skipped:
        console.print(f"  [yellow]không sao lưu[/yellow] {name} (not backed up)", highlight=False)
    for note in report.notes:
        console.print(f"  [yellow]![/yellow] {note}", highlight=False)
    console.print(f"Đã sao lưu {report.bags} gói lưu trữ, {report.files} tệp ({report.bytes / 1e6:.1f} MB) "
                  f"vào {report.dest}.", highlight=False)
    if report.damaged:
        console.print(f"[red]{len(report.damaged)} gói lưu trữ đã hỏng từ trước[/red] và được chép nguyên trạng; "
                      "chạy 'tracuu verify' và khôi phục chúng từ một bản sao lưu cũ hơn.")
    raise typer.Exit(1 if report.damaged else 0)


@app.command()
@errors_to_exit
def restore(
    src: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="A folder written by 'tracuu backup'")],
    force: Annotated[bool, typer.Option("--force", help="Replace what TRACUU_DATA_DIR holds (it is deleted)")] = False,
    rebuild: Annotated[bool, typer.Option("--reindex/--no-reindex",
                                          help="Rebuild the search index and the reuse counts afterwards")] = True,
) -> None:
    """Restore a backup made by `tracuu backup` into TRACUU_DATA_DIR, then rebuild the
    search index and the reuse counts from it (`tracuu reindex`).

    Every file of the backup is checked against its SHA-256 first: a damaged backup is
    refused, naming the first bad file, and nothing is changed. A data dir that already
    holds data is refused unless --force. Stop `tracuu serve` and any ingest first.
    With --no-reindex (OpenSearch not up yet), run `tracuu reindex` before serving."""
    from archive.backup import count_files
    from archive.backup import restore as run_restore

    settings = get_settings()
    total = count_files(src)
    with _bar() as bar:
        tasks: dict[str, int] = {}

        def on_item(step: str, _name: str) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task("Kiểm tra bản sao lưu" if step == "check" else "Khôi phục", total=total)
            bar.advance(tasks[step])

        report = run_restore(settings, src, on_item=on_item, force=force)
    for note in report.notes:
        console.print(f"  [yellow]![/yellow] {note}", highlight=False)
    replaced = f"; thay cho {', '.join(report.replaced)} đã có" if report.replaced else ""
    console.print(f"Đã khôi phục {report.files} tệp ({report.bytes / 1e6:.1f} MB) của bản sao lưu lúc "
                  f"{report.taken_at or '?'} vào {settings.data_dir}{replaced}.", highlight=False)
    if not rebuild:
        console.print("Chỉ mục tìm kiếm chưa được lập lại: chạy 'tracuu reindex' trước khi phục vụ "
                      "(the index is not rebuilt yet).")
        return
    try:
        reindex()
    except typer.Exit as e:
        if e.exit_code:
            console.print("[yellow]Dữ liệu đã khôi phục xong[/yellow], nhưng chỉ mục chưa lập lại được: chạy "
                          "'tracuu reindex' khi OpenSearch hoạt động (the data is restored; the index is not).")
        raise


@app.command()
@errors_to_exit
def sample(
    folder: Annotated[Path, typer.Argument(file_okay=False, help="Folder to write into (created)")],
    n: Annotated[int, typer.Option("--n", min=1, help="How many results")] = 200,
    seed: Annotated[int, typer.Option(help="Same seed, same bytes")] = 1,
    scanned_share: Annotated[float, typer.Option(min=0, max=1, help="Share of scans (the rest born-digital)")] = 0.6,
    degraded_share: Annotated[float, typer.Option(min=0, max=1, help="Share of scans that are skewed, noisy, blurred")] = 0.4,
    manifest_share: Annotated[float, typer.Option(min=0, max=1, help="Share of files with a manifest.csv row")] = 2 / 3,
    as_of: Annotated[str, typer.Option(help="Latest issue date (YYYY-MM-DD); fixed so a seed means the same bytes")] = "",
    workers: Annotated[int, typer.Option(min=1, help="Processes writing files")] = 2,
) -> None:
    """Write realistic sample results with ground truth into FOLDER.

    Documents are laid out as Decree 30/2020/NĐ-CP prescribes, in nine kinds issued at
    province, district and commune level, as scans (PDF, TIFF, JPEG, PNG at 200/300 dpi,
    some skewed, noisy, blurred) and born-digital files (DOCX, text PDF). Beside them:
    manifest.csv (for a share of the files), truth.jsonl (every field, format, degradation,
    page count and exact text per file), queries.jsonl and qrels.tsv (graded relevance)."""
    import datetime as dt

    from .sample import DEFAULT_AS_OF, Options, generate

    opts = Options(n=n, seed=seed, scanned_share=scanned_share, degraded_share=degraded_share,
                   manifest_share=manifest_share,
                   as_of=dt.date.fromisoformat(as_of) if as_of else DEFAULT_AS_OF)
    with _bar() as bar:
        task = bar.add_task("Đang tạo mẫu", total=n)
        truth = generate(folder, opts, workers=workers, on_file=lambda _: bar.advance(task))
    scans = sum(t["scanned"] for t in truth)
    console.print(f"{len(truth)} kết quả mẫu ({scans} bản quét, {len(truth) - scans} bản điện tử) trong {folder}")


@app.command()
@errors_to_exit
def purge(
    days: Annotated[int | None, typer.Option(min=1, help="Keep what is younger than this many days "
                                                          "(default TRACUU_RETENTION_DAYS, 90)")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count what would be removed; remove nothing")] = False,
) -> None:
    """Remove the files ingest kept aside (failed/) and the ingest reports (reports/) once
    older than the retention period: they carry personal data and are the record of nothing
    (the archive is). Audited. The archive, the database and the audit log are not touched."""
    from archive.retention import purge as run_purge

    settings = get_settings()
    done = run_purge(settings, days, dry_run=dry_run)
    kept = settings.retention_days if days is None else days
    verb = "would remove" if dry_run else "removed"
    console.print(f"{verb} {done.total} files ({done.bytes / 2**20:.1f} MiB) older than {kept} days: "
                  + ", ".join(f"{name}/ {n}" for name, n in done.files.items()), highlight=False)
    if not dry_run:
        audit_operator(settings, "purge", count=done.total,
                       detail=f"older than {kept} days: " + ", ".join(f"{k} {v}" for k, v in done.files.items()))


@app.command("upgrade-state")
@errors_to_exit
def upgrade_state() -> None:
    """Bring an older installation's files into the database: the schema up to date, then
    TRACUU_DATA_DIR/accounts.sqlite3 (accounts, rights, API keys) imported and renamed
    accounts.sqlite3.imported. `tracuu serve` does the same at start; safe to repeat."""
    from database.connection import migrate
    from database.upgrade import import_old_files

    settings = get_settings()
    migrate(settings)
    done = import_old_files(settings)
    for line in done or ["Không có gì cần chuyển (nothing to import)."]:
        console.print(line, highlight=False)


@app.command()
@errors_to_exit
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Web processes (all share the database: "
                                                            "accounts, sessions, rate limits)")] = 1,
) -> None:
    """Run the web front end and the JSON API (/api/v1, OpenAPI at /docs)."""
    import uvicorn

    from database.connection import migrate
    from database.upgrade import import_old_files

    _setup_logging()
    settings = get_settings()
    # Accounts, sessions and rate limits live in the database: no database, no service.
    migrate(settings)
    for line in import_old_files(settings):
        console.print(line, highlight=False)
    # access_log=False: uvicorn's line carries the query string (names, CCCD numbers);
    # web/access_log.py logs each request without it. proxy_headers=False: uvicorn would
    # believe X-Forwarded-For from 127.0.0.1 unasked; the app believes only the proxies of
    # TRACUU_TRUSTED_PROXIES (web/app.py).
    if workers == 1:
        from web.app import create_app

        uvicorn.run(create_app(settings), host=host, port=port, log_config=LOG_CONFIG, access_log=False,
                    proxy_headers=False)
    else:  # each process builds its app from the same TRACUU_ settings
        import os
        import tempfile

        # /metrics adds up this server's processes' counts from files here (prometheus_client's
        # multiprocess mode): a new, host-local folder at each start — never the data dir,
        # which several hosts may share.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="tracuu-metrics-")
        uvicorn.run("web.app:create_app", factory=True, workers=workers, host=host, port=port,
                    log_config=LOG_CONFIG, access_log=False, proxy_headers=False)


@app.command()
@errors_to_exit
def demo(
    port: Annotated[int, typer.Option(help="Port for the web front end")] = 8000,
    n: Annotated[int, typer.Option("--n", help="How many sample results to generate")] = 40,
) -> None:
    """The first thing to run: start the services, write sample results, ingest them and
    serve the front end at http://127.0.0.1:PORT."""
    from . import services
    from .sample import Options, generate

    settings = get_settings()
    services.start(settings, say=console.print)
    folder = settings.data_dir / "sample"
    if not (folder / "truth.jsonl").exists():
        console.print(f"Đang tạo {n} kết quả mẫu trong {folder}")
        generate(folder, Options(n=n, seed=1))
    run_ingest(settings, folder)
    accounts = _accounts()
    if not accounts.users():
        import secrets

        for login, role in (("canbo", "officer"), ("quantri", "admin")):
            password = secrets.token_urlsafe(9)
            accounts.add_user(login, role, password)
            console.print(f"Tài khoản thử: [bold]{login}[/bold] / [bold]{password}[/bold] ({role})")
    console.print(f"Mở http://127.0.0.1:{port}/ (cán bộ), /citizen (công dân), /docs (API)")
    serve(host="127.0.0.1", port=port)


def _accounts():
    from database.accounts import AccountStore

    return AccountStore.of(get_settings())


def _password(stdin: bool) -> str:
    if stdin:
        return sys.stdin.readline().rstrip("\n")
    return typer.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True)


@user_app.command("add")
@errors_to_exit
def user_add(
    login: Annotated[str, typer.Argument(help="Login name: lower-case letters, digits, . _ -")],
    role: Annotated[str, typer.Option(help="officer or admin")] = "officer",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin")] = False,
) -> None:
    """Create an officer or admin account. The password (at least 10 characters) is asked
    twice, or read from stdin; it is stored as an Argon2id hash."""
    user = _accounts().add_user(login, role, _password(password_stdin))
    console.print(f"Đã tạo tài khoản {user.login} ({user.role}).")


@user_app.command("password")
@errors_to_exit
def user_password(
    login: str,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin")] = False,
) -> None:
    """Set a new password (also unlocks an account locked by failed logins)."""
    _accounts().set_password(login, _password(password_stdin))
    console.print(f"Đã đổi mật khẩu của {login}.")


@user_app.command("disable")
@errors_to_exit
def user_disable(login: str, enable: Annotated[bool, typer.Option(help="Enable again instead")] = False) -> None:
    """Disable an account (its open sessions end at their next request), or enable it."""
    _accounts().set_disabled(login, not enable)
    console.print(f"Đã {'mở khóa' if enable else 'khóa'} tài khoản {login}.")


@user_app.command("list")
@errors_to_exit
def user_list() -> None:
    """Accounts, roles and whether they are disabled."""
    for u in _accounts().users():
        typer.echo(f"{u.login}\t{u.role}\t{'disabled' if u.disabled else 'active'}")


@apikey_app.command("create")
@errors_to_exit
def apikey_create(
    name: Annotated[str, typer.Argument(help="Which system uses the key, e.g. 'Một cửa tỉnh'")],
    scope: Annotated[list[str], typer.Option("--scope", help="search, read, lookup, reuse, manage or ingest; repeat for more")],
) -> None:
    """Create an API key and print it once (only its hash is kept). Systems send it as
    `Authorization: Bearer <key>`."""
    key, token = _accounts().create_key(name, scope)
    console.print(f"Khóa {key.key_id} ({', '.join(sorted(key.scopes))}) — lưu ngay, không hiển thị lại:")
    typer.echo(token)


@apikey_app.command("list")
@errors_to_exit
def apikey_list() -> None:
    """Keys with their scopes, creation, last use and revocation times (never the key)."""
    for k in _accounts().keys():
        typer.echo("\t".join([k.key_id, k.name, ",".join(sorted(k.scopes)), k.created_at[:19],
                              (k.last_used_at or "-")[:19], "revoked " + k.revoked_at[:19] if k.revoked_at else "active"]))


@apikey_app.command("revoke")
@errors_to_exit
def apikey_revoke(key_id: str) -> None:
    """Revoke a key: every call with it is refused from now on."""
    _accounts().revoke_key(key_id)
    console.print(f"Đã thu hồi khóa {key_id}.")


@app.command("audit")
@errors_to_exit
def audit_log(
    since: Annotated[str | None, typer.Option(help="From this date or time (ISO, e.g. 2026-11-01)")] = None,
    subject: Annotated[str | None, typer.Option(help="A CCCD / enterprise code: who looked at this subject's records")] = None,
    actor: Annotated[str | None, typer.Option(help="Events by this login, key or citizen session")] = None,
    record: Annotated[str | None, typer.Option(help="Events about this record id")] = None,
    action: Annotated[str | None, typer.Option(help="search, view, view_file, download, lookup, reuse, login …")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line")] = False,
    verify: Annotated[bool, typer.Option(help="Check the log's hash chain instead")] = False,
) -> None:
    """Read the audit log: who searched, viewed, downloaded, looked up, reused, logged in.
    `tracuu audit --subject 001085012345` answers "who looked at my record?"."""
    import datetime as dt

    from database.audit import AuditLog, describe

    log = AuditLog.of(get_settings())
    if verify:
        found = log.verify()
        for line, offset in found.torn:
            console.print(f"[yellow]Dòng {line} bị cắt dở (mất điện khi đang ghi?), từ byte {offset}[/yellow] "
                          f"(torn line {line} at byte offset {offset}).")
        if found.broken:
            console.print(f"[red]Nhật ký bị sửa tại dòng {found.broken}[/red]: {found.reason} "
                          f"(đã kiểm {found.lines} dòng).")
        if found.truncated:
            console.print("[red]Nhật ký bị cắt mất các dòng cuối[/red]: dòng cuối không phải dòng đã ghi sau cùng "
                          "(lines were cut from the end).")
        if not found.intact:
            raise typer.Exit(1)
        console.print(f"Nhật ký nguyên vẹn: {found.lines} dòng.")
        return
    start = None
    if since:
        try:
            start = dt.datetime.fromisoformat(since)
        except ValueError:
            raise TracuuError(f"--since '{since}' không phải ngày ISO (ví dụ 2026-11-01).") from None
        start = start if start.tzinfo else start.replace(tzinfo=dt.timezone(dt.timedelta(hours=7)))
    for e in log.query(since=start, subject=subject, actor=actor, record_id=record, action=action):
        if as_json:
            typer.echo(e.model_dump_json(exclude_none=True, exclude={"prev"}))
        else:
            row = describe(e)
            typer.echo("  ".join(str(row[k]) for k in ("at", "actor", "action", "outcome", "record", "subject",
                                                        "query", "count")).rstrip())


@app.command()
@errors_to_exit
def report(
    date_from: Annotated[str, typer.Option("--from", help="First day of the period, e.g. 2026-01-01")],
    date_to: Annotated[str, typer.Option("--to", help="Last day of the period, e.g. 2026-06-30")],
    agency: Annotated[str | None, typer.Option(help="Only this issuing agency")] = None,
    out: Annotated[Path, typer.Option(help="Folder for the .xlsx and the printable .html")] = Path("."),
) -> None:
    """The six-monthly digitization report an agency sends upward: per agency, results
    digitized in the period and in total, by phase of issue year (TRACUU_REPORT_PHASES),
    still valid, reused — as an .xlsx workbook and a printable HTML page."""
    import datetime as dt

    from search.index import RecordIndex, six_month_report
    from search.reports import parse_phases
    from web import report_files

    settings = get_settings()
    try:
        start, end = dt.date.fromisoformat(date_from), dt.date.fromisoformat(date_to)
    except ValueError:
        raise TracuuError("--from và --to là ngày dạng năm-tháng-ngày, ví dụ 2026-06-30.") from None
    index = RecordIndex.from_settings(settings)
    result = six_month_report(index, start, end, parse_phases(settings.report_phases), agency)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"bao-cao-so-hoa-{start}-{end}"
    stem.with_suffix(".xlsx").write_bytes(report_files.to_xlsx(result))
    stem.with_suffix(".html").write_text(report_files.to_html(result), encoding="utf-8")
    t = result.total
    console.print(f"{len(result.rows)} cơ quan; số hóa trong kỳ {t.digitized_in_period}, tổng {t.digitized_total}, "
                  f"còn hiệu lực {t.valid}, tái sử dụng {t.reused_in_period}")
    typer.echo(stem.with_suffix(".xlsx"))
    typer.echo(stem.with_suffix(".html"))


def main() -> None:  # pragma: no cover - entry point for `python -m tracuu.cli`
    sys.exit(app())
