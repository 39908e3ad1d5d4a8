"""How long the six-monthly report takes on a large index: the two aggregation queries,
the .xlsx and the printable page, and the whole page as an officer gets it over HTTP.

    .venv/bin/python bench/report_render.py --index scale100k [--reuses 20000] [--repeat 5]

Needs an index filled by bench/scale_data.py. Adds --reuses reuse events for its records
first (the reuse index of a fresh scale index is empty), then times each step --repeat
times and prints the medians, with OpenSearch's request and query caches cleared before
each (a report is rarely asked for twice in a row).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx  # noqa: E402

from search.config import Settings  # noqa: E402
from search.index import RecordIndex, six_month_report  # noqa: E402
from search.reports import parse_phases  # noqa: E402
from web import report_files  # noqa: E402
from database.accounts import AccountStore  # noqa: E402
from scratch_db import scratch_database  # noqa: E402

VENV_BIN = Path(sys.executable).parent


def add_reuses(index: RecordIndex, probes: list[dict], n: int) -> None:
    rng = random.Random(3)
    lines = []
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    for k in range(n):
        p = rng.choice(probes)
        at = start + dt.timedelta(seconds=rng.randrange(86400 * 320))
        lines.append(json.dumps({"index": {"_index": index.reuse_index}}))
        lines.append(json.dumps({"record_id": p["id"], "dossier_code": f"000.00.12.H06-{k:08d}", "actor": "bench",
                                 "at": at.isoformat(), "doc_number": p["doc_number"], "issuing_agency": p["agency"],
                                 "result_type": p["kind"]}, ensure_ascii=False))
    index.client.indices.delete(index=index.reuse_index, ignore_unavailable=True)
    index.ensure_reuse_index()
    for i in range(0, len(lines), 4000):
        index.client.bulk(body="\n".join(lines[i:i + 4000]) + "\n")
    index.client.indices.refresh(index=index.reuse_index)


def timed(fn, repeat: int, before=lambda: None) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        before()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True)
    ap.add_argument("--reuses", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--port", type=int, default=8771)
    args = ap.parse_args()
    settings = Settings(index=args.index)
    index = RecordIndex.from_settings(settings)
    probes = [json.loads(x) for x in Path(f"/tmp/{args.index}-probes.jsonl").read_text().splitlines()]
    add_reuses(index, probes, args.reuses)
    phases = parse_phases(settings.report_phases)
    start, end = dt.date(2026, 1, 1), dt.date(2026, 6, 30)

    def cold():  # OpenSearch caches aggregation answers per shard; a report is rarely asked twice
        index.client.indices.clear_cache(index=f"{args.index},{index.reuse_index}", request=True, query=True)

    query_s, report = timed(lambda: six_month_report(index, start, end, phases), args.repeat, cold)
    xlsx_s, _ = timed(lambda: report_files.to_xlsx(report), args.repeat)
    html_s, _ = timed(lambda: report_files.to_html(report), args.repeat)

    work = Path(tempfile.mkdtemp(prefix="tracuu-report-"))
    cleanup = contextlib.ExitStack()  # the run's own database, dropped at the end
    dsn = cleanup.enter_context(scratch_database(Settings()))
    AccountStore(dsn).add_user("bench", "officer", "mat-khau-bench-123")
    env = {**os.environ, "TRACUU_INDEX": args.index, "TRACUU_DATA_DIR": str(work), "TRACUU_DATABASE_URL": dsn}
    app = subprocess.Popen([str(VENV_BIN / "tracuu"), "serve", "--port", str(args.port)], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(300):
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        with httpx.Client(base_url=base, timeout=60) as c:
            page = c.get("/login").text
            token = page.split('name="csrf_token" value="')[1].split('"')[0]
            c.post("/login", data={"login": "bench", "password": "mat-khau-bench-123", "csrf_token": token})
            params = {"from": start.isoformat(), "to": end.isoformat()}
            page_s, _ = timed(lambda: c.get("/reports/six-monthly", params=params).raise_for_status(), args.repeat,
                              cold)
            file_s, _ = timed(lambda: c.get("/reports/six-monthly", params={**params, "format": "xlsx"})
                              .raise_for_status(), args.repeat, cold)
    finally:
        app.terminate()
        app.wait(10)
        cleanup.close()
    print(json.dumps({"index": args.index, "records": report.total.digitized_total, "agencies": len(report.rows),
                      "reuses_in_period": report.total.reused_in_period, "aggregations_s": round(query_s, 3),
                      "xlsx_s": round(xlsx_s, 3), "html_s": round(html_s, 3), "page_over_http_s": round(page_s, 3),
                      "xlsx_over_http_s": round(file_s, 3), "repeat": args.repeat}))


if __name__ == "__main__":
    main()
