"""Audit events per second written to the database log (database/audit.py: advisory lock,
last row's HMAC, insert, commit), by 1 and 4 processes, against a plain INSERT of the same
line into a table without chain or lock, measured in the same run.

    .venv/bin/python bench/audit_writes.py --events 400 --repeat 3

Needs the local PostgreSQL (`tracuu services start`). Each run gets a fresh database
(migrated); the median of the runs is printed per setting with its ratio to the plain
insert by the same number of processes. What it answers: what the one chain across all
processes costs a busy service (every search writes one event).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import time
import uuid
from pathlib import Path

import psycopg
from pydantic import SecretStr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from database.audit import AuditEvent, AuditLog  # noqa: E402
from scratch_db import scratch_database  # noqa: E402
from search.config import Settings  # noqa: E402


def _with_reference_table(dsn: str) -> None:
    """The reference's table: the same line, no chain, no lock."""
    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute("CREATE TABLE plain_lines (seq bigint GENERATED ALWAYS AS IDENTITY, line text)")


def _event(i: int) -> AuditEvent:
    return AuditEvent(actor_kind="officer", actor="canbo", action="search", query=f"giấy phép xây dựng {i}",
                      count=20, hits=[f"{i:024x}"] * 3, client="127.0.0.1")


def _chained(dsn: str, n: int, go) -> None:
    settings = Settings(database_url=dsn, audit_key="b" * 40, data_dir=Path(f"/tmp/bench-audit-{uuid.uuid4().hex}"))
    log = AuditLog.of(settings)
    log.check_key()
    go.wait()
    for i in range(n):
        log.write(_event(i))
    log.close()


def _plain(dsn: str, n: int, go) -> None:
    with psycopg.connect(dsn, autocommit=True) as c:
        go.wait()
        for i in range(n):
            c.execute("INSERT INTO plain_lines (line) VALUES (%s)", (_event(i).model_dump_json(exclude_none=True),))


def _rate(target, dsn: str, procs: int, events: int) -> float:
    ctx = multiprocessing.get_context("spawn")
    go = ctx.Barrier(procs + 1)
    workers = [ctx.Process(target=target, args=(dsn, events // procs, go)) for _ in range(procs)]
    for w in workers:
        w.start()
    go.wait()
    started = time.perf_counter()
    for w in workers:
        w.join()
        if w.exitcode != 0:
            raise SystemExit(f"a writer failed (exit {w.exitcode})")
    return (events // procs * procs) / (time.perf_counter() - started)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=400, help="events per setting per run")
    ap.add_argument("--repeat", type=int, default=3, help="runs; medians are printed")
    ap.add_argument("--out", type=Path, help="append the summary as one JSON line to this file")
    args = ap.parse_args()
    base = Settings()
    rates: dict[str, list[float]] = {}
    for run in range(args.repeat):
        with scratch_database(base) as dsn:
            _with_reference_table(dsn)
            settings = base.model_copy(update={"database_url": SecretStr(dsn), "audit_key": SecretStr("b" * 40),
                                               "data_dir": Path(f"/tmp/bench-audit-{uuid.uuid4().hex}")})
            for procs in (1, 4):  # interleaved: each setting sees the same machine state
                rates.setdefault(f"plain insert, {procs} process(es)", []).append(_rate(_plain, dsn, procs, args.events))
                rates.setdefault(f"audit log, {procs} process(es)", []).append(_rate(_chained, dsn, procs, args.events))
            found = AuditLog.of(settings).verify()
            assert found.intact and found.lines == 2 * args.events, found
        print(f"run {run + 1}/{args.repeat} done", file=sys.stderr)
    summary = {}
    print("| setting | events / s (median) | vs plain insert |")
    print("|---|---|---|")
    for procs in (1, 4):
        ref = statistics.median(rates[f"plain insert, {procs} process(es)"])
        for name in (f"plain insert, {procs} process(es)", f"audit log, {procs} process(es)"):
            med = statistics.median(rates[name])
            summary[name] = round(med, 1)
            print(f"| {name} | {med:.0f} | {med / ref:.2f} |")
    if args.out:
        with args.out.open("a") as f:
            f.write(json.dumps({"bench": "audit_writes", "events": args.events, "repeat": args.repeat,
                                "at": time.strftime("%Y-%m-%dT%H:%M:%S"), **summary}) + "\n")


if __name__ == "__main__":
    main()
