"""Latency of GET /api/v1/search against the same query sent straight to OpenSearch.

    .venv/bin/python bench/api_latency.py --dir SAMPLE --index bench200 [--rounds 5]

SAMPLE is a `tracuu sample` folder already ingested into the index named by --index (its
queries.jsonl is the query mix: names with and without diacritics, CCCD numbers, document
numbers, topical words; every third query also filters on a facet). The script starts the
app with `tracuu serve` in its own process, on that index, then for each query sends the
app's request and the raw OpenSearch request (the app's own `_msearch`, `build_bodies`) from
this process, one client, persistent connections, alternating which goes first. A round
is one pass over the mix; it prints p50/p95 per round and the median over rounds, with
the ratio app / raw. The app is called as another system would: with an API key (created
in --data-dir), so key checking and the audit log are part of what is measured. Needs the
services.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from database.accounts import AccountStore
from search.config import Settings
from search.query import SearchRequest, build_bodies, msearch_lines

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scratch_db import scratch_database  # noqa: E402

VENV_BIN = Path(sys.executable).parent


def load_mix(folder: Path) -> list[tuple[str, str, dict[str, list[str]]]]:
    mix = []
    for i, line in enumerate((folder / "queries.jsonl").read_text(encoding="utf-8").splitlines()):
        row = json.loads(line)
        filters = {k: v if isinstance(v, list) else [v] for k, v in (row.get("filters") or {}).items()}
        if i % 3 == 2 and not filters:
            filters = {"status": ["valid"]}
        mix.append((row["type"], row["query"], filters))
    return mix


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def start_app(index: str, port: int, data_dir: str, dsn: str) -> subprocess.Popen:
    env = {**os.environ, "TRACUU_INDEX": index, "TRACUU_DATA_DIR": data_dir, "TRACUU_DATABASE_URL": dsn}
    proc = subprocess.Popen([str(VENV_BIN / "tracuu"), "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("the app did not become ready")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", type=Path, required=True, help="the ingested `tracuu sample` folder")
    ap.add_argument("--index", required=True, help="the alias it was ingested into")
    ap.add_argument("--data-dir", default="/tmp/tracuu-bench-data", help="TRACUU_DATA_DIR for the app")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--out", type=Path, help="append the summary as one JSON line to this file")
    args = ap.parse_args()

    with scratch_database(Settings(index=args.index)) as dsn:
        run(args, Settings(index=args.index, database_url=dsn))


def run(args, settings: Settings) -> None:
    mix = load_mix(args.dir)
    key = AccountStore.of(settings).create_key("bench api_latency", ["search"])[1]
    app = start_app(args.index, args.port, args.data_dir, settings.database_dsn())
    rounds = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{args.port}", timeout=30,
                          headers={"Authorization": f"Bearer {key}"}) as api, \
             httpx.Client(base_url=settings.opensearch_url, timeout=30) as raw:
            def via_app(q, filters):
                r = api.get("/api/v1/search", params={"q": q, "size": 20, **filters})
                r.raise_for_status()

            def via_raw(q, filters):
                bodies = build_bodies(SearchRequest(q=q, size=20, filters=filters))
                lines = msearch_lines(bodies)
                r = raw.post(f"/{args.index}/_msearch", headers={"Content-Type": "application/x-ndjson"},
                             content="".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines).encode())
                r.raise_for_status()

            for _, q, filters in mix[:20]:  # warm-up: JIT, caches, connections
                via_app(q, filters)
                via_raw(q, filters)
            rng = random.Random(1)
            for n in range(args.rounds):
                order = mix[:]
                rng.shuffle(order)
                times = {"app": [], "raw": []}
                for i, (_, q, filters) in enumerate(order):
                    pair = [("app", via_app), ("raw", via_raw)]
                    for name, call in (pair if i % 2 else pair[::-1]):
                        start = time.perf_counter()
                        call(q, filters)
                        times[name].append((time.perf_counter() - start) * 1000)
                row = {k: {"p50": percentile(v, 50), "p95": percentile(v, 95), "p99": percentile(v, 99)}
                       for k, v in times.items()}
                rounds.append(row)
                print(f"round {n + 1}: {len(order)} queries  app p50 {row['app']['p50']:.1f} ms "
                      f"p95 {row['app']['p95']:.1f}  |  raw p50 {row['raw']['p50']:.1f} ms "
                      f"p95 {row['raw']['p95']:.1f}  |  p50 ratio {row['app']['p50'] / row['raw']['p50']:.2f}",
                      flush=True)
    finally:
        app.terminate()
        app.wait(10)

    def med(side, p):
        return statistics.median(r[side][p] for r in rounds)

    summary = {
        "queries": len(mix), "rounds": args.rounds, "loadavg": os.getloadavg()[0],
        **{f"{side}_{p}_ms": round(med(side, p), 2) for side in ("app", "raw") for p in ("p50", "p95", "p99")},
    }
    summary["ratio_p50"] = round(summary["app_p50_ms"] / summary["raw_p50_ms"], 3)
    summary["ratio_p95"] = round(summary["app_p95_ms"] / summary["raw_p95_ms"], 3)
    print(json.dumps(summary))
    if args.out:
        with args.out.open("a") as f:
            f.write(json.dumps(summary) + "\n")


if __name__ == "__main__":
    main()
