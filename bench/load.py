"""Search latency and throughput under concurrency with a real load generator (wrk): the
app's GET /api/v1/search against the same requests sent straight to OpenSearch (``raw``:
the app's own ``_msearch`` of hits and facets) and against the **floor** — a plain
``match`` on the text (with the same filters as term filters), no facets, 20 hits — with
the same queries and concurrency (issue #21's reference).

    .venv/bin/python bench/load.py --index scale100k [--clients 1 8 32] [--duration 15] [--repeat 3]

Needs `wrk` (Debian package) and an index filled by bench/scale_data.py (its probes file
gives the query mix). The script starts the app with `tracuu serve` on that index, creates
an API key (scope search) in a scratch data dir, writes one wrk Lua script per side with
the same queries — names with and without diacritics, CCCD numbers, document numbers,
topical words with and without diacritics, a third of them with a facet filter — and runs
wrk for each number of clients, app and raw in alternating order, --repeat times. wrk uses
at most 2 threads (2 cores); each thread starts at a random place in the mix.

Prints per number of clients the medians over repeats of p50/p95/p99 and requests/s for
both sides and their ratio, the index size per record, and the resident memory of the app
and of OpenSearch (and OpenSearch's heap in use). --out appends the result as JSON lines.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx  # noqa: E402

from search.analysis import fold  # noqa: E402
from search.config import Settings  # noqa: E402
from search.query import FACET_FIELDS, SearchRequest, build_bodies, msearch_lines  # noqa: E402
from database.accounts import AccountStore  # noqa: E402
from scratch_db import scratch_database  # noqa: E402

VENV_BIN = Path(sys.executable).parent
TOPICS = ["giấy phép xây dựng nhà ở", "đăng ký hộ kinh doanh", "an toàn thực phẩm", "chứng chỉ hành nghề",
          "xác nhận tình trạng hôn nhân", "trích lục khai sinh", "quyền sử dụng đất", "đăng ký kết hôn"]

LUA = r"""
local src = dofile("%(table)s")
local headers = %(headers)s
local reqs, i = {}, 0
local counter = 1
function setup(thread) thread:set("id", counter); counter = counter + 1 end
function init(args)
  for _, r in ipairs(src) do reqs[#reqs + 1] = wrk.format(r[1], r[2], headers, r[3]) end
  math.randomseed(os.time() * 100 + (id or 0)); i = math.random(#reqs)
end
function request() i = i %% #reqs + 1; return reqs[i] end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"p50": %%d, "p95": %%d, "p99": %%d, "requests": %%d, "duration_us": %%d, ' ..
    '"errors": %%d, "non2xx": %%d}\n', latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def query_mix(probes: list[dict], n: int, seed: int = 7) -> list[tuple[str, dict[str, list[str]]]]:
    rng = random.Random(seed)
    mix = []
    for k in range(n):
        p = rng.choice(probes)
        kind = k % 7
        q = {0: p["name"], 1: fold(p["name"] or ""), 2: p["subject_id"], 3: p["doc_number"],
             4: rng.choice(TOPICS), 5: fold(rng.choice(TOPICS)), 6: p["name"]}[kind] or "giấy phép"
        filters = {}
        if k % 3 == 2:
            filters = rng.choice([{"status": ["valid"]}, {"result_type": [p["kind"]]} if p["kind"] else {},
                                  {"issuing_agency": [p["agency"]]} if p["agency"] else {}])
        mix.append((q, filters))
    return mix


def _lua_str(s: str) -> str:
    assert "]==]" not in s
    return f"[==[{s}]==]"


def floor_body(q: str, filters: dict[str, list[str]]) -> dict:
    """The reference: what a plain BM25 search of the text costs (no facets, no scoring
    beyond one match, the filters as plain term filters on the facet fields)."""
    clauses = [{"terms": {FACET_FIELDS.get(k, k): vs}} for k, vs in filters.items() if k != "status"]
    match = {"match": {"text": q}} if q.strip() else {"match_all": {}}
    return {"size": 20, "query": {"bool": {"must": [match], "filter": clauses}}}


def write_scripts(mix, index: str, key: str, folder: Path) -> tuple[Path, Path, Path]:
    app_rows, raw_rows, floor_rows = [], [], []
    for q, filters in mix:
        params = [("q", q), ("size", "20")] + [(k, v) for k, vs in filters.items() for v in vs]
        app_rows.append(f'{{"GET", {_lua_str("/api/v1/search?" + urlencode(params))}, nil}}')
        bodies = build_bodies(SearchRequest(q=q, size=20, filters=filters))
        lines = msearch_lines(bodies)
        ndjson = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)
        raw_rows.append(f'{{"POST", {_lua_str(f"/{index}/_msearch")}, {_lua_str(ndjson)}}}')
        floor_rows.append(f'{{"POST", {_lua_str(f"/{index}/_search")}, '
                          f'{_lua_str(json.dumps(floor_body(q, filters), ensure_ascii=False))}}}')
    scripts = []
    for side, rows, headers in (("app", app_rows, f'{{["Authorization"] = "Bearer {key}"}}'),
                                ("raw", raw_rows, '{["Content-Type"] = "application/x-ndjson"}'),
                                ("floor", floor_rows, '{["Content-Type"] = "application/json"}')):
        table = folder / f"{side}-requests.lua"
        table.write_text("return {\n" + ",\n".join(rows) + "\n}\n", encoding="utf-8")
        script = folder / f"{side}.lua"
        script.write_text(LUA % {"table": table, "headers": headers}, encoding="utf-8")
        scripts.append(script)
    return scripts[0], scripts[1], scripts[2]


def run_wrk(script: Path, url: str, clients: int, duration: int) -> dict:
    threads = min(clients, 2)
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{duration}s", "--timeout", "10s",
                          "-s", str(script), url], capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    r = json.loads(line[7:])
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    return r


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def opensearch_pid() -> int | None:
    out = subprocess.run(["pgrep", "-f", "org.opensearch.bootstrap.OpenSearch"], capture_output=True, text=True).stdout
    return int(out.split()[0]) if out.split() else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True)
    ap.add_argument("--probes", type=Path, help="default /tmp/<index>-probes.jsonl")
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    ap.add_argument("--duration", type=int, default=15)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--queries", type=int, default=600)
    ap.add_argument("--port", type=int, default=8770)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    with scratch_database(Settings(index=args.index)) as dsn:
        run(args, Settings(index=args.index, database_url=dsn))


def run(args, settings: Settings) -> None:
    probes = [json.loads(x) for x in (args.probes or Path(f"/tmp/{args.index}-probes.jsonl")).read_text().splitlines()]
    work = Path(tempfile.mkdtemp(prefix="tracuu-load-"))
    key = AccountStore.of(settings).create_key("bench load", ["search"])[1]
    app_lua, raw_lua, floor_lua = write_scripts(query_mix(probes, args.queries), args.index, key, work)

    env = {**os.environ, "TRACUU_INDEX": args.index, "TRACUU_DATA_DIR": str(work),
           "TRACUU_DATABASE_URL": settings.database_dsn()}
    with socket.socket() as probe:  # a server left on the port would answer for ours
        if probe.connect_ex(("127.0.0.1", args.port)) == 0:
            raise SystemExit(f"port {args.port} is taken (a server left running?); free it or pass --port")
    app_log = work / "app.log"
    app = subprocess.Popen([str(VENV_BIN / "tracuu"), "serve", "--port", str(args.port)], env=env,
                           stdout=subprocess.DEVNULL, stderr=app_log.open("w"))
    app_url, raw_url = f"http://127.0.0.1:{args.port}", settings.opensearch_url
    try:
        for _ in range(300):
            if app.poll() is not None:
                raise SystemExit(f"the app exited ({app.returncode}); its log: {app_log}")
            try:
                if httpx.get(f"{app_url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        run_wrk(app_lua, app_url, 2, 5)  # warm-up: caches, JIT, pyvi's model
        run_wrk(raw_lua, raw_url, 2, 5)
        run_wrk(floor_lua, raw_url, 2, 5)
        sides = ("app", "raw", "floor")
        rows = []
        for clients in args.clients:
            runs = {side: [] for side in sides}
            for rep in range(args.repeat):
                order = [("app", app_lua, app_url), ("raw", raw_lua, raw_url), ("floor", floor_lua, raw_url)]
                for side, script, url in (order if rep % 2 == 0 else order[::-1]):
                    r = run_wrk(script, url, clients, args.duration)
                    if r["errors"] or r["non2xx"]:
                        print(f"  warning: {side} c={clients}: {r['errors']} errors, {r['non2xx']} non-2xx", flush=True)
                    runs[side].append(r)

            def med(side, k):
                return statistics.median(r[k] for r in runs[side])

            row = {"index": args.index, "clients": clients, "repeat": args.repeat, "duration_s": args.duration,
                   **{f"{s}_{k}_ms": round(med(s, k) / 1000, 2) for s in sides for k in ("p50", "p95", "p99")},
                   **{f"{s}_rps": round(med(s, "rps"), 1) for s in sides}}
            row["ratio_p50"] = round(row["app_p50_ms"] / row["raw_p50_ms"], 2)
            row["ratio_p99"] = round(row["app_p99_ms"] / row["raw_p99_ms"], 2)
            row["vs_floor_rps"] = round(row["app_rps"] / row["floor_rps"], 2)
            row["vs_floor_p99"] = round(row["app_p99_ms"] / row["floor_p99_ms"], 2)
            rows.append(row)
            print(f"c={clients:>2}  app p50 {row['app_p50_ms']:7.2f} p99 {row['app_p99_ms']:7.2f} ms "
                  f"{row['app_rps']:7.1f}/s | raw p50 {row['raw_p50_ms']:7.2f} p99 {row['raw_p99_ms']:7.2f} ms "
                  f"{row['raw_rps']:7.1f}/s | floor p50 {row['floor_p50_ms']:7.2f} p99 {row['floor_p99_ms']:7.2f} ms "
                  f"{row['floor_rps']:7.1f}/s | app/floor: throughput x{row['vs_floor_rps']} "
                  f"p99 x{row['vs_floor_p99']}", flush=True)
        physical = httpx.get(f"{raw_url}/_alias/{args.index}").json()
        name = next(iter(physical))
        stats = httpx.get(f"{raw_url}/{name}/_stats/store,docs").json()["indices"][name]["primaries"]
        jvm = next(iter(httpx.get(f"{raw_url}/_nodes/stats/jvm").json()["nodes"].values()))["jvm"]["mem"]
        os_pid = opensearch_pid()
        memory = {"index": args.index, "docs": stats["docs"]["count"],
                  "bytes_per_record": round(stats["store"]["size_in_bytes"] / max(stats["docs"]["count"], 1)),
                  "store_mb": round(stats["store"]["size_in_bytes"] / 2**20, 1),
                  "opensearch_heap_used_mb": round(jvm["heap_used_in_bytes"] / 2**20),
                  "opensearch_heap_max_mb": round(jvm["heap_max_in_bytes"] / 2**20),
                  "opensearch_rss_mb": round(rss_mb(os_pid)) if os_pid else None,
                  "app_rss_mb": round(rss_mb(app.pid)) if app.poll() is None else f"exited {app.returncode}",
                  "loadavg": os.getloadavg()[0]}
        print(json.dumps(memory))
        if args.out:
            with args.out.open("a") as f:
                for row in rows:
                    f.write(json.dumps(row) + "\n")
                f.write(json.dumps(memory) + "\n")
    finally:
        app.terminate()
        app.wait(10)


if __name__ == "__main__":
    main()
