"""Benchmark: tesseract's OpenMP threads on shared cores (why OMP_THREAD_LIMIT=1).

Why: for a one-page file ocrmypdf (jobs=2) lets tesseract use 2 OpenMP threads. OpenMP
threads spin while waiting for each other; when another process holds one of the 2 cores
(tests, OpenSearch, a second indexer), the spinning thread burns the CPU its partner needs
and a page that takes ~1.5 s can take 30 s or more. This script OCRs the same page images
with ``OMP_THREAD_LIMIT=1``, ``=2`` and ``=2`` with ``OMP_WAIT_POLICY=PASSIVE``, on idle
cores and with ``--hogs`` busy-loop processes at our own niceness, and prints median wall
and CPU seconds per page.

    nice -n 10 .venv/bin/python bench/omp_threads.py --dir /tmp/s --pages 4 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import statistics
import subprocess
import time
from pathlib import Path

CONFIGS = {
    "OMP_THREAD_LIMIT=1": {"OMP_THREAD_LIMIT": "1"},
    "OMP_THREAD_LIMIT=2": {"OMP_THREAD_LIMIT": "2"},
    "OMP_THREAD_LIMIT=2 OMP_WAIT_POLICY=PASSIVE": {"OMP_THREAD_LIMIT": "2", "OMP_WAIT_POLICY": "PASSIVE"},
}


def hog() -> None:
    while True:
        pass


def ocr(image: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user+system) seconds of one ``tesseract IMAGE out -l vie``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(["tesseract", image, "/tmp/omp-bench-out", "-l", "vie"], check=True,
                   env=os.environ | env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dir", type=Path, required=True, help="`tracuu sample` folder; its PNG/JPEG scans are used")
    p.add_argument("--pages", type=int, default=4, help="how many single-page image scans")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--hogs", type=int, default=2, help="busy-loop processes in the loaded condition")
    a = p.parse_args()
    rows = [json.loads(line) for line in (a.dir / "truth.jsonl").open(encoding="utf-8")]
    images = [a.dir / r["file"] for r in rows if r["format"] in ("png", "jpeg") and r["pages"] == 1][: a.pages]
    print(f"{len(images)} page images; cells: median wall s / CPU s per page over {a.repeat} repeats")
    print("| config | idle | " + f"{a.hogs} busy loops |\n|---|---|---|")
    results: dict[tuple[str, int], list[tuple[float, float]]] = {}
    for hogs in (0, a.hogs):
        procs = [mp.Process(target=hog, daemon=True) for _ in range(hogs)]
        for pr in procs:
            pr.start()
        try:
            load = Path("/proc/loadavg").read_text().split()[0]
            print(f"<!-- {hogs} hogs, load average before: {load} -->")
            for _ in range(a.repeat):
                for name, env in CONFIGS.items():  # interleaved, so drifting load hits all alike
                    results.setdefault((name, hogs), []).extend(ocr(img, env) for img in images)
        finally:
            for pr in procs:
                pr.terminate()
    for name in CONFIGS:
        cells = []
        for hogs in (0, a.hogs):
            r = results[(name, hogs)]
            cells.append(f"{statistics.median(w for w, _ in r):.2f} / {statistics.median(c for _, c in r):.2f}")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
