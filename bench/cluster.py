"""A three-node OpenSearch cluster on this machine, and one node killed with SIGKILL in the
middle of a search load and a concurrent ingest (issue #21): how many searches fail, whether
any acknowledged write is lost, how long until the cluster is green again.

    .venv/bin/python bench/cluster.py [--records 20000] [--clients 8] [--seconds 90] [--heap 1g]

The nodes are the distribution `tracuu services` uses (tracuu/services.py), each with its
own configuration, data and logs in a scratch folder, HTTP on 9201–9203 and transport on
9301–9303 (stop the single node first: two cores). The index is the app's (its template,
3 shards × 1 replica: TRACUU_INDEX_SHARDS/REPLICAS) filled by bench/scale_data.py's
generator, and the client is the app's (search/index.py ``make_client``) given the three
nodes, as TRACUU_OPENSEARCH_URL would give them.

The run: --clients threads send the app's search (``RecordIndex.msearch`` of the hits and
facets ``find`` sends, with its retries) for --seconds, with a query mix of names, CCCDs, document numbers and topics;
one thread ingests records in bulk requests of 50 and notes every id OpenSearch
acknowledged. At a third of the run the elected cluster manager is killed with SIGKILL; at
two thirds it is started again. A search fails if the call raises (what a clerk sees as
"try again") or any shard failed in the answer it returns (``_shards.failed`` > 0: a partial
answer counts as a failure). Afterwards every
acknowledged id is looked up (all of them, not a sample), and the documents counted.
Prints one JSON summary; --out appends it as a JSON line.

With --files N, the run also ingests files as a province does: ``tracuu sample`` writes N
results (scans and born-digital, a seed nobody developed on) before the nodes start, and
``tracuu ingest`` reads them — Tika, OCR, the archive in a scratch TRACUU_DATA_DIR, the
index on the three nodes — from the start of the run until it is done, across the kill.
Afterwards: every file the ingest report names as ingested has its bag in the archive and
its record in the index, no bag is left pending (what an index write cut by the kill
leaves; ``tracuu reindex --pending`` is run once if any is, and counted), every bag passes
``tracuu verify``'s fixity check, and every file is either ingested or named in the report
with its reason. Needs Tika running (``tracuu services start``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx  # noqa: E402

from scale_data import base_pool, make  # noqa: E402
from search.config import Settings  # noqa: E402
from search.index import RecordIndex  # noqa: E402
from search.query import SearchRequest, build_bodies, request_cache  # noqa: E402
from tracuu.services import _java_home, opensearch_home  # noqa: E402

NODES = 3
TRACUU = str(Path(sys.executable).with_name("tracuu"))
HTTP, TRANSPORT = 9201, 9301
TOPICS = ["giấy phép xây dựng", "đăng ký hộ kinh doanh", "an toàn thực phẩm", "chứng chỉ hành nghề",
          "xac nhan tinh trang hon nhan", "trích lục khai sinh", "dang ky ket hon"]


def node_config(home: Path, i: int, heap: str) -> Path:
    conf = home / f"node-{i}" / "config"
    if not conf.exists():
        shutil.copytree(opensearch_home(Settings()) / "config", conf)
    seeds = ", ".join(f'"127.0.0.1:{TRANSPORT + k}"' for k in range(NODES))
    managers = ", ".join(f'"node-{k}"' for k in range(NODES))
    (conf / "opensearch.yml").write_text(
        f"cluster.name: tracuu-bench\nnode.name: node-{i}\nnetwork.host: 127.0.0.1\n"
        f"http.port: {HTTP + i}\ntransport.port: {TRANSPORT + i}\n"
        f"discovery.seed_hosts: [{seeds}]\ncluster.initial_cluster_manager_nodes: [{managers}]\n"
        f"path.data: {home / f'node-{i}' / 'data'}\npath.logs: {home / f'node-{i}' / 'logs'}\n"
        "action.auto_create_index: false\n")
    (conf / "jvm.options.d").mkdir(exist_ok=True)
    (conf / "jvm.options.d" / "heap.options").write_text(f"-Xms{heap}\n-Xmx{heap}\n")
    return conf


def start_node(home: Path, i: int, heap: str) -> subprocess.Popen:
    conf = node_config(home, i, heap)
    env = {**os.environ, "OPENSEARCH_PATH_CONF": str(conf), "OPENSEARCH_JAVA_HOME": _java_home()}
    cmd = [str(opensearch_home(Settings()) / "bin" / "opensearch")]
    if os.geteuid() == 0:  # OpenSearch refuses to run as root (as tracuu/services.py does it)
        cmd = ["unshare", "--user", "--map-user=1000", "--map-group=1000", *cmd]
    log = (home / f"node-{i}.log").open("ab")
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                            cwd=home / f"node-{i}", start_new_session=True)


def health(port: int, **params) -> dict:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/_cluster/health", params=params, timeout=70).json()
    except (httpx.HTTPError, ValueError):
        return {}


def wait_green(ports: list[int], nodes: int, limit: float = 300) -> float | None:
    """Seconds until green with ``nodes`` nodes; None if not within ``limit``."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        for port in ports:
            h = health(port, wait_for_nodes=nodes, wait_for_status="green", timeout="5s")
            if h.get("status") == "green" and h.get("number_of_nodes") == nodes and not h.get("timed_out"):
                return time.monotonic() - started
        time.sleep(1)
    return None


def cluster_manager(port: int) -> int:
    """Which node (0-based) is the elected cluster manager."""
    name = httpx.get(f"http://127.0.0.1:{port}/_cat/cluster_manager", params={"h": "node"}, timeout=10).text.strip()
    return int(name.rsplit("-", 1)[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=20000)
    ap.add_argument("--base", type=int, default=2000, help="distinct generated results the records are made from")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=90)
    ap.add_argument("--heap", default="1g")
    ap.add_argument("--keep", action="store_true", help="leave the nodes running and their folder in place")
    ap.add_argument("--out", type=Path, help="append the summary here as a JSON line")
    ap.add_argument("--files", type=int, default=0, help="also `tracuu ingest` this many sample files during the run")
    ap.add_argument("--files-seed", type=int, default=21, help="the sample's seed (one nobody developed on)")
    args = ap.parse_args()

    home = Path(tempfile.mkdtemp(prefix="tracuu-cluster-"))
    ports = [HTTP + i for i in range(NODES)]
    if args.files:
        write_sample(home / "files", args.files, args.files_seed)
    procs = {i: start_node(home, i, args.heap) for i in range(NODES)}
    try:
        print(f"3 nodes starting in {home}", flush=True)
        formed = wait_green(ports, NODES)
        if formed is None:
            raise SystemExit(f"the three nodes did not form a green cluster within 300 s; see the logs in {home}")
        print(f"green with 3 nodes after {formed:.0f} s", flush=True)
        settings = Settings(opensearch_url=",".join(f"http://127.0.0.1:{p}" for p in ports), index="bench-cluster",
                            index_shards=3, index_replicas=1, opensearch_timeout=20)
        index = RecordIndex.from_settings(settings)
        index.drop()
        index.ensure()
        pool = base_pool(min(args.base, args.records), 1)
        rng = random.Random(1)
        probes = []
        made = (make(i, pool[i % len(pool)], rng) for i in range(args.records))

        def docs():
            for doc, probe in made:
                if len(probes) < 500 and rng.random() < 0.05:
                    probes.append(probe)
                yield doc

        started = time.perf_counter()
        errors = [e for _, e in index.bulk(docs()) if e]
        index.refresh()
        print(f"{args.records} records loaded in {time.perf_counter() - started:.0f} s ({len(errors)} errors)",
              flush=True)
        # Every replica placed before a node is killed: a cluster left yellow (OpenSearch
        # refuses replicas on a disk above its 85 % watermark) would measure nothing.
        if wait_green(ports, NODES, limit=120) is None:
            raise SystemExit("the index's replicas were not all assigned (GET _cluster/allocation/explain "
                             f"says why: often the disk watermark); node logs in {home}")
        queries = [q for p in probes for q in (p.get("name"), p.get("subject_id"), p.get("doc_number")) if q] + TOPICS
        summary = run(index, settings, queries, args, home, procs, ports)
        summary.update({"records": args.records, "nodes": NODES, "shards": 3, "replicas": 1, "formed_s": round(formed)})
        print(json.dumps(summary, ensure_ascii=False))
        if args.out:
            with args.out.open("a", encoding="utf-8") as f:
                f.write(json.dumps(summary, ensure_ascii=False) + "\n")
    finally:
        if not args.keep:
            for proc in procs.values():
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGTERM)
            for proc in procs.values():
                try:
                    proc.wait(60)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
            shutil.rmtree(home, ignore_errors=True)


def write_sample(folder: Path, n: int, seed: int) -> None:
    """N sample results to ingest: a third scans (OCR is the slow part on two cores)."""
    tika = Settings().tika_url
    try:
        httpx.get(f"{tika}/tika", timeout=5).raise_for_status()
    except httpx.HTTPError:
        raise SystemExit(f"--files needs Tika at {tika} (tracuu services start)") from None
    started = time.perf_counter()
    subprocess.run([TRACUU, "sample", str(folder), "--n", str(n), "--seed", str(seed), "--scanned-share", "0.33"],
                   check=True, stdout=subprocess.DEVNULL)
    print(f"{n} sample files (seed {seed}) written in {time.perf_counter() - started:.0f} s", flush=True)


def ingest_env(settings: Settings, home: Path) -> dict[str, str]:
    """The environment a `tracuu` command needs to work on the cluster and the scratch archive."""
    return {**os.environ, "TRACUU_DATA_DIR": str(home / "data"), "TRACUU_OPENSEARCH_URL": settings.opensearch_url,
            "TRACUU_INDEX": settings.index, "TRACUU_INDEX_SHARDS": "3", "TRACUU_INDEX_REPLICAS": "1",
            # Index writes all through the run (the default, 100, would write 90 files once, at the end).
            "TRACUU_BULK_SIZE": "5"}


def check_ingest(index: RecordIndex, settings: Settings, home: Path, node_down: tuple[float, float]) -> dict:
    """What the file ingest left: archive, index and report agree, nothing pending, fixity;
    and how many files were archived while the node was down (``node_down``, epoch seconds)."""
    from archive import pending
    from archive.layout import iter_bags, read_record
    from indexer.pipeline import discover
    from indexer.maintenance import verify

    env = ingest_env(settings, home)
    data = Settings(data_dir=home / "data", opensearch_url=settings.opensearch_url, index=settings.index)
    reports = sorted((data.reports_dir).glob("*.json"))
    report = json.loads(reports[-1].read_text(encoding="utf-8")) if reports else {}
    left_pending = len(list(pending.pending(data.archive_dir)))
    if left_pending:  # what the kill cut between archive and index: the next ingest or this command indexes it
        subprocess.run([TRACUU, "reindex", "--pending"], env=env, check=True, stdout=subprocess.DEVNULL)
    bags = [b.name for b in iter_bags(data.archive_dir)]
    index.refresh()
    found: set[str] = set()
    for k in range(0, len(bags), 1000):
        got = index.client.mget(index=index.alias, body={"ids": bags[k:k + 1000]}, _source=False)["docs"]
        found.update(d["_id"] for d in got if d.get("found"))
    when = [read_record(data.archive_dir, b).ingested_at for b in bags]
    while_down = sum(1 for t in when if t and node_down[0] <= t.timestamp() <= node_down[1])
    files = discover(home / "files")  # what tracuu ingest reads of the folder
    fixity = verify(data)
    named = set(report.get("ingested", [])) | set(report.get("duplicates", [])) | \
        {f["file"] for f in report.get("failed", [])}
    return {
        "files": len(files), "files_ingested": len(report.get("ingested", [])),
        "files_failed": [(f["file"], f["reason"]) for f in report.get("failed", [])],
        "files_not_in_report": len(files) - len(named & {str(p.relative_to(home / "files")) for p in files}),
        "files_archived_while_node_down": while_down,
        "bags": len(bags), "bags_not_in_index": len(set(bags) - found),
        "pending_after_ingest": left_pending, "pending_after_catch_up": len(list(pending.pending(data.archive_dir))),
        "fixity_checked": fixity.checked, "fixity_damaged": len(fixity.damaged),
        "ingest_aborted": report.get("aborted", ""),
    }


def run(index: RecordIndex, settings: Settings, queries: list[str], args, home: Path, procs: dict,
        ports: list[int]) -> dict:
    stop = threading.Event()
    lock = threading.Lock()
    searches = {"ok": 0, "raised": 0, "partial": 0, "failures": []}
    acked: list[str] = []
    writes = {"batches": 0, "failed_items": 0, "raised": 0}
    t0, wall0 = time.monotonic(), time.time()

    def searcher(seed: int) -> None:
        rng = random.Random(seed)
        while not stop.is_set():
            try:
                bodies = build_bodies(SearchRequest(q=rng.choice(queries)))
                answer = index.msearch(bodies, cache=request_cache(bodies))
                bad = any("error" in r or r.get("_shards", {}).get("failed", 0) for r in answer)
                kind = "partial" if bad else "ok"
            except Exception as e:  # noqa: BLE001 — every failure is counted, whatever it is
                kind = "raised"
                with lock:
                    searches["failures"].append(f"{time.monotonic() - t0:.1f}s {type(e).__name__}")
            with lock:
                searches[kind] += 1
                if kind == "partial":
                    searches["failures"].append(f"{time.monotonic() - t0:.1f}s partial")

    def writer() -> None:
        n = 0
        while not stop.is_set():
            batch = [{"id": f"w{n + k:08d}", "text": "ghi đồng thời", "result_type": "Giấy phép xây dựng",
                      "status": "valid"} for k in range(50)]
            n += 50
            try:
                results = list(index.bulk(batch))
            except Exception:  # noqa: BLE001 — a batch that raised was not acknowledged
                with lock:
                    writes["raised"] += 1
                continue
            with lock:
                writes["batches"] += 1
                acked.extend(i for i, e in results if e is None)
                writes["failed_items"] += sum(1 for _, e in results if e)

    threads = [threading.Thread(target=searcher, args=(k,)) for k in range(args.clients)]
    threads.append(threading.Thread(target=writer))
    for t in threads:
        t.start()
    ingest, ingest_ended = None, []
    if args.files:
        ingest = subprocess.Popen([TRACUU, "ingest", str(home / "files")], env=ingest_env(settings, home),
                                  stdout=subprocess.DEVNULL, stderr=(home / "ingest.log").open("ab"))
        threading.Thread(target=lambda: (ingest.wait(), ingest_ended.append(time.monotonic() - t0)),
                         daemon=True).start()
    victim, killed_at, restarted_at = None, None, None
    try:
        time.sleep(args.seconds / 3)
        victim = cluster_manager(ports[0])
        os.killpg(procs[victim].pid, signal.SIGKILL)
        procs[victim].wait()
        killed_at = time.monotonic() - t0
        print(f"killed node-{victim} (the cluster manager) with SIGKILL at {killed_at:.0f} s", flush=True)
        time.sleep(args.seconds / 3)
        procs[victim] = start_node(home, victim, args.heap)
        restarted_at = time.monotonic() - t0
        print(f"node-{victim} started again at {restarted_at:.0f} s", flush=True)
        time.sleep(max(0.0, args.seconds - (time.monotonic() - t0)))
    finally:
        stop.set()
        for t in threads:
            t.join()
    green_after = wait_green([p for i, p in enumerate(ports) if i != victim] + [ports[victim]], NODES)
    green_at = time.monotonic() - t0
    if green_after is None:
        print(f"not green with {NODES} nodes within 300 s of the end; node logs in {home}", flush=True)
    files = {}
    if ingest is not None:
        code = ingest.wait()
        while not ingest_ended:
            time.sleep(0.1)
        files = {"ingest_exit": code, "ingest_ended_s": round(ingest_ended[0], 1)}
        print(f"the ingest ended at {ingest_ended[0]:.0f} s, exit {code}"
              + ("" if ingest_ended[0] > (killed_at or 0) else " — before the kill: it measured nothing"), flush=True)
    index.refresh()
    present: set[str] = set()
    for k in range(0, len(acked), 1000):
        got = index.client.mget(index=index.alias, body={"ids": acked[k:k + 1000]}, _source=False)["docs"]
        present.update(d["_id"] for d in got if d.get("found"))
    lost = [i for i in acked if i not in present]
    if ingest is not None:
        files.update(check_ingest(index, settings, home, (wall0 + (killed_at or 0), wall0 + (restarted_at or 0))))
    total = searches["ok"] + searches["raised"] + searches["partial"]
    return {**files,
        "searches": total, "searches_failed": searches["raised"] + searches["partial"],
        "searches_failed_pct": round(100 * (searches["raised"] + searches["partial"]) / max(total, 1), 3),
        "searches_per_s": round(total / args.seconds, 1), "failures": searches["failures"][:20],
        "writes_acknowledged": len(acked), "writes_lost": len(lost), "lost_sample": lost[:10],
        "write_batches_raised": writes["raised"], "write_items_refused": writes["failed_items"],
        "killed": f"node-{victim}", "killed_at_s": round(killed_at or 0, 1), "restarted_at_s": round(restarted_at or 0, 1),
        "green_after_end_s": round(green_after, 1) if green_after is not None else None,
        "green_after_restart_s": round(green_at - (restarted_at or 0), 1) if green_after is not None else None,
    }


if __name__ == "__main__":
    main()
