"""Faults on purpose: kill -9 ingest, corrections, status events and reindex at random
moments, stop OpenSearch or Tika under an ingest, rerun, and check that nothing was lost.

    python scripts/chaos.py --runs 36 --seed 1          # the matrix in docs/reliability.md
    python scripts/chaos.py --runs 7 --only reindex:kill

Needs the services running (``tracuu services start``); a fault that stops one starts it
again. Everything else (data dir, index alias, corpus) is made fresh under --work.

After every run, with no writer left, it checks what a province's auditor would:
  1. ``verify``: every bag's checksums hold;
  2. every file given is archived and indexed exactly once, or in failed/ with its reason;
  3. index == archive: the same ids, and each indexed record equal to its bag's record;
  4. no event lost: every correction and status event a writer reported done is in the
     bag (or was overtaken by a later one that writer began).
The rerun after a killed ingest or reindex is the same command; after a killed correction
or status writer (in production: the web server) it is what the server does when it starts
again, ``tracuu reindex --pending``.
It prints the matrix (fault × moment → runs, failures) and writes one JSON line per run.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.layout import bag_path, iter_bags, read_record  # noqa: E402
from archive.records import record_id_for  # noqa: E402
from search.config import Settings, get_settings  # noqa: E402
from search.index import RecordIndex, record_from_source  # noqa: E402

TRACUU = str(Path(sys.executable).with_name("tracuu"))
#: fault -> the seconds over which its moment is drawn (about how long the work runs).
FAULTS: dict[str, float] = {
    "ingest:kill": 25.0,
    "corrections:kill": 6.0,
    "status:kill": 6.0,
    "reindex:kill": 6.0,
    "ingest:opensearch-down": 12.0,
    "ingest:tika-down": 12.0,
}
#: A moment is "early", "middle" or "late" in the fault's window: the matrix's columns.
MOMENTS = ("early", "middle", "late")
#: Fields a correction writer changes (free text: any value is valid).
CORRECTED = ("summary", "signer", "subject_address")


# -- the corpus -------------------------------------------------------------------------


def make_pool(folder: Path, n: int, seed: int) -> list[dict[str, str]]:
    """Sample documents (a quarter scans) to feed in a few at a time, and two bad files."""
    from tracuu.sample import Options, generate

    generate(folder, Options(n=n, seed=seed, scanned_share=0.25, degraded_share=0.3), workers=2)
    with (folder / "manifest.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    (folder / "bad-empty.pdf").write_bytes(b"")
    (folder / "bad-broken.docx").write_bytes(b"PK\x03\x04 not really a docx" + os.urandom(64))
    rows.extend({"file": name} for name in ("bad-empty.pdf", "bad-broken.docx"))
    return rows


def feed(pool: Path, corpus: Path, rows: list[dict[str, str]], given: list[str], k: int,
         rng: random.Random) -> None:
    """Give ``k`` more files, one of them a scan when any is left (so that an ingest runs
    long enough to be hit), and change one cell of a row already given (a new version)."""
    left = [r for r in rows if r["file"] not in given]
    scans = [r for r in left if Path(r["file"]).suffix.lower() in (".png", ".jpg", ".tif", ".tiff")]
    fresh = (scans[:1] + [r for r in left if r not in scans[:1]])[:k]
    for r in fresh:
        shutil.copy2(pool / r["file"], corpus / r["file"])
        given.append(r["file"])
    chosen = [r for r in rows if r["file"] in given]
    if len(chosen) > k and rng.random() < 0.5:
        row = rng.choice([r for r in chosen if "summary" in r])
        row["summary"] = f"Trích yếu sửa theo manifest lần {rng.randrange(10**6)}"
    header = list(rows[0].keys())
    with (corpus / "manifest.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, extrasaction="ignore")
        w.writeheader()
        w.writerows({h: r.get(h, "") for h in header} for r in chosen)


# -- writers run as their own processes, so that they can be killed --------------------


def writer_corrections(settings: Settings, ledger: Path, seed: int) -> None:
    """Correct random records forever; each change logged as begun, then done."""
    from archive.corrections import correct

    index = RecordIndex.from_settings(settings)
    rng = random.Random(seed)
    ids = [b.name for b in iter_bags(settings.archive_dir)]
    with ledger.open("a", encoding="utf-8") as log:
        while ids:
            rid, field = rng.choice(ids), rng.choice(CORRECTED)
            value = f"{field} {uuid.uuid4().hex[:8]}"
            _log(log, {"kind": "correction", "state": "begun", "id": rid, "field": field, "value": value})
            correct(index, settings.archive_dir, rid, {field: value}, "chaos")
            _log(log, {"kind": "correction", "state": "done", "id": rid, "field": field, "value": value})


def writer_status(settings: Settings, ledger: Path, seed: int) -> None:
    """Suspend and restore random records forever; each event logged as begun, then done."""
    from archive import events

    index = RecordIndex.from_settings(settings)
    rng = random.Random(seed)
    ids = [b.name for b in iter_bags(settings.archive_dir)]
    with ledger.open("a", encoding="utf-8") as log:
        while ids:
            rid = rng.choice(ids)
            record = read_record(settings.archive_dir, rid)
            last = record.status_events[-1].action if record.status_events else None
            decision = f"{rng.randrange(1, 10**6)}/QĐ-CHAOS"
            change = events.StatusChange(action="restore" if last == "suspend" else "suspend",
                                         effective_date=dt.date.today(), reason="kiểm thử sự cố",
                                         decision_number=decision)
            _log(log, {"kind": "status", "state": "begun", "id": rid, "decision": decision})
            try:
                events.apply_event(index, settings.archive_dir, rid, change, "chaos")
            except events.StatusRefused:
                continue
            _log(log, {"kind": "status", "state": "done", "id": rid, "decision": decision})


def _log(f, entry: dict[str, Any]) -> None:
    f.write(json.dumps(entry, ensure_ascii=False) + "\n")
    f.flush()
    os.fsync(f.fileno())


# -- faults -----------------------------------------------------------------------------


def _start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    out = log.open("ab")
    return subprocess.Popen(cmd, env=env, stdout=out, stderr=out, start_new_session=True)


def _kill(proc: subprocess.Popen) -> bool:
    """kill -9 the process and its children (OCR workers); True if it was still running."""
    running = proc.poll() is None
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    return running


def _run(cmd: list[str], env: dict[str, str], log: Path, timeout: float = 1800) -> int:
    with log.open("ab") as out:
        return subprocess.run(cmd, env=env, stdout=out, stderr=out, timeout=timeout).returncode


def _service(name: str, up: bool) -> None:
    from tracuu import services

    settings = get_settings()
    if up:
        services.start(settings, say=lambda *_: None)
    else:
        services.stop(settings, say=lambda *_: None, only=[name])


def _lasted(proc: subprocess.Popen, started: float) -> float | None:
    """How long the process ran, if it ended on its own before the fault."""
    return time.monotonic() - started if proc.poll() is not None else None


def one_run(kind: str, moment: float, ctx: dict[str, Any]) -> dict[str, Any]:
    """Inject the fault; ``hit`` says whether it struck while the work was still running
    (a kill of a finished process, or an outage after the ingest ended, tests nothing)."""
    env, log, corpus = ctx["env"], ctx["log"], ctx["corpus"]
    op, fault = kind.split(":")
    hit, lasted = False, None
    if op == "ingest":
        feed(ctx["pool"], corpus, ctx["rows"], ctx["given"], 3, ctx["rng"])
        began = time.monotonic()
        proc = _start([TRACUU, "ingest", str(corpus)], env, log)
        time.sleep(moment)
        lasted = _lasted(proc, began)
        if fault == "kill":
            hit = _kill(proc)
        else:
            service = fault.split("-")[0]
            _service(service, up=False)
            try:
                code = proc.wait(timeout=300)
            except subprocess.TimeoutExpired:
                code = -1
                _kill(proc)
            hit = lasted is None and code != 0  # it ran into the outage and stopped on it
            _service(service, up=True)
        _run([TRACUU, "ingest", str(corpus)], env, log)  # the rerun a clerk would make
    elif op == "reindex":
        began = time.monotonic()
        proc = _start([TRACUU, "reindex"], env, log)
        time.sleep(moment)
        lasted = _lasted(proc, began)
        hit = _kill(proc)
        _run([TRACUU, "reindex"], env, log)
    else:
        proc = _start([sys.executable, __file__, "--writer", op, "--work", str(ctx["work"]),
                       "--writer-seed", str(ctx["rng"].randrange(10**6))], env, log)
        time.sleep(moment)
        hit = _kill(proc)
        # What the web server does when it starts again: index what the killed writer
        # archived but did not index.
        _run([TRACUU, "reindex", "--pending"], env, log)
    if lasted is not None:  # it ended before the fault: aim the next one at a shorter span
        ctx["window"][kind] = max(1.0, 0.8 * lasted)
    return {"hit": hit}


# -- checks -----------------------------------------------------------------------------


def check(ctx: dict[str, Any]) -> list[str]:
    from indexer.maintenance import verify
    from opensearchpy import helpers

    settings: Settings = ctx["settings"]
    problems = [f"verify: {name}: {what}" for name, what in verify(settings).damaged]

    index = RecordIndex.from_settings(settings)
    index.refresh()
    indexed = {h["_id"]: h["_source"] for h in helpers.scan(index.client, index=index.alias,
                                                              query={"query": {"match_all": {}}})}
    archived = {b.name for b in iter_bags(settings.archive_dir)}
    if set(indexed) != archived:
        problems.append(f"index != archive: {len(set(indexed) - archived)} only in the index, "
                        f"{len(archived - set(indexed))} only in the archive")
    for rid in sorted(archived & set(indexed)):
        # As the service reads it back (the index leaves out empty values).
        kept = read_record(settings.archive_dir, rid).model_dump(mode="json", exclude={"text"})
        answered = record_from_source(indexed[rid]).model_dump(mode="json", exclude={"text"})
        differ = [k for k, v in kept.items() if answered.get(k) != v]
        if differ:
            problems.append(f"{rid}: index differs from the bag on {', '.join(differ[:4])}")
    failed_dir = settings.failed_dir
    for name in ctx["given"]:
        path = ctx["corpus"] / name
        rid = record_id_for(hashlib.sha256(path.read_bytes()).hexdigest())
        in_archive = bag_path(settings.archive_dir, rid).is_dir()
        aside = (failed_dir / name).exists() and (failed_dir / f"{name}.reason.txt").exists()
        if name.startswith("bad-"):
            if not aside or in_archive:
                problems.append(f"{name}: a bad file must be in failed/ with its reason, and only there")
        elif not in_archive or rid not in indexed:
            problems.append(f"{name}: not archived and indexed ({in_archive=}, indexed={rid in indexed})")
    problems += lost_events(ctx)
    return problems


def lost_events(ctx: dict[str, Any]) -> list[str]:
    """A change reported done must be in the bag, unless a later change of the same field
    (done or only begun, its writer killed) took its place."""
    ledger: Path = ctx["ledger"]
    if not ledger.exists():
        return []
    entries = [json.loads(line) for line in ledger.read_text(encoding="utf-8").splitlines() if line.strip()]
    problems = []
    last: dict[tuple, list[dict]] = defaultdict(list)
    for e in entries:
        key = (e["kind"], e["id"], e.get("field"))
        last[key].append(e)
    for (kind, rid, field), seq in last.items():
        done = [e for e in seq if e["state"] == "done"]
        if not done:
            continue
        record = read_record(ctx["settings"].archive_dir, rid)
        after_done = seq[seq.index(done[-1]) + 1:]
        if kind == "correction":
            allowed = {done[-1]["value"], *(e["value"] for e in after_done)}
            if getattr(record, field) not in allowed:
                problems.append(f"{rid}: correction of {field} reported done is lost")
        else:
            decisions = {e.decision_number for e in record.status_events}
            if done[-1]["decision"] not in decisions:
                problems.append(f"{rid}: status event {done[-1]['decision']} reported done is lost")
    return problems


# -- main -------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=36, help="faults to inject (default 36)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", choices=sorted(FAULTS), action="append", help="only these faults (repeatable)")
    ap.add_argument("--pool", type=int, default=80, help="sample documents to feed in (default 80)")
    ap.add_argument("--work", type=Path, help="working folder (default: a new temporary one)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "chaos.jsonl")
    ap.add_argument("--writer", choices=["corrections", "status"], help=argparse.SUPPRESS)
    ap.add_argument("--writer-seed", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.writer:
        settings = get_settings()
        target = writer_corrections if args.writer == "corrections" else writer_status
        target(settings, args.work / "ledger.jsonl", args.writer_seed)
        return 0

    work = args.work or Path(tempfile.mkdtemp(prefix="tracuu-chaos-"))
    work.mkdir(parents=True, exist_ok=True)
    base = get_settings()
    settings = base.model_copy(update={"data_dir": work / "data", "index": f"chaos-{uuid.uuid4().hex[:8]}"})
    env = {**os.environ, "TRACUU_DATA_DIR": str(settings.data_dir), "TRACUU_INDEX": settings.index,
           "TRACUU_OPENSEARCH_URL": settings.opensearch_url, "TRACUU_TIKA_URL": settings.tika_url}
    rng = random.Random(args.seed)
    print(f"chaos: work in {work}, index {settings.index}", flush=True)
    pool = work / "pool"
    rows = make_pool(pool, args.pool, seed=1000 + args.seed)
    corpus = work / "in"
    corpus.mkdir(exist_ok=True)
    ctx = {"env": env, "log": work / "commands.log", "corpus": corpus, "pool": pool, "rows": rows,
           "given": [], "rng": rng, "settings": settings, "work": work, "ledger": work / "ledger.jsonl"}
    feed(pool, corpus, rows, ctx["given"], 6, rng)  # a first archive to work on
    for bad in ("bad-empty.pdf", "bad-broken.docx"):
        shutil.copy2(pool / bad, corpus / bad)
        ctx["given"].append(bad)
    _run([TRACUU, "ingest", str(corpus)], env, ctx["log"])

    kinds = args.only or list(FAULTS)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    matrix: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    ctx["window"] = dict(FAULTS)
    failures = 0
    with args.out.open("a", encoding="utf-8") as out:
        for i in range(args.runs):
            kind = kinds[i % len(kinds)]
            third = (i // len(kinds)) % 3
            window = ctx["window"][kind]
            moment = window * (third + rng.random()) / 3
            started = time.monotonic()
            outcome = one_run(kind, moment, ctx)
            problems = check(ctx)
            row = {"run": i + 1, "fault": kind, "moment": MOMENTS[third], "at_s": round(moment, 2),
                   **outcome, "seconds": round(time.monotonic() - started, 1), "problems": problems[:20],
                   "ok": not problems, "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            out.flush()
            cell = matrix[(kind, MOMENTS[third])]
            cell[0] += 1
            cell[1] += bool(outcome["hit"])
            cell[2] += bool(problems)
            failures += bool(problems)
            print(f"[{i + 1}/{args.runs}] {kind} at {moment:.1f}s ({MOMENTS[third]}, "
                  f"{'hit the work' if outcome['hit'] else 'after the work ended'}): "
                  f"{'ok' if not problems else 'FAILED: ' + '; '.join(problems[:3])}", flush=True)

    print("\n| fault | " + " | ".join(MOMENTS) + " |\n|---|" + "---|" * len(MOMENTS))
    for kind in kinds:
        cells = [f"{matrix[(kind, m)][0]} runs ({matrix[(kind, m)][1]} while it worked), "
                 f"{matrix[(kind, m)][2]} failed" for m in MOMENTS]
        print(f"| {kind} | " + " | ".join(cells) + " |")
    archived = sum(1 for _ in iter_bags(settings.archive_dir))
    hits = sum(cell[1] for cell in matrix.values())
    print(f"\n{args.runs} runs ({hits} struck while the work ran), {failures} with a problem; "
          f"{archived} records archived; work in {work}")
    RecordIndex.from_settings(settings).drop()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
