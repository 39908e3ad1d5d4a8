"""Text-only ingest rate: born-digital results (DOCX, text PDF) through Tika, metadata,
archive and bulk indexing, in documents per second; and pyvi's share of that time.

    .venv/bin/python bench/ingest.py --n 200 --repeat 3 [--bulk 50 100 200]

Needs the services. Each run ingests the same sample into a fresh index and data folder
(so nothing is a duplicate); prints the median over runs for each bulk size.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from indexer.pipeline import Ingestor
from search import analysis
from search.config import Settings
from search.index import RecordIndex
from tracuu.sample import Options, generate


def one_run(folder: Path, bulk: int) -> tuple[float, float, int]:
    settings = Settings(index=f"bench-{uuid.uuid4().hex[:8]}", data_dir=Path(tempfile.mkdtemp()) / "data",
                        bulk_size=bulk)
    index = RecordIndex.from_settings(settings)
    segment_time = 0.0
    original = analysis.segment

    def timed(text: str) -> str:  # measure pyvi's share without changing what it does
        nonlocal segment_time
        start = time.perf_counter()
        try:
            return original(text)
        finally:
            segment_time += time.perf_counter() - start

    import indexer.pipeline as pipeline

    pipeline.segment = timed
    try:
        start = time.perf_counter()
        report = Ingestor(settings, index).ingest_dir(folder)
        elapsed = time.perf_counter() - start
    finally:
        pipeline.segment = original
        index.drop()
    assert not report.failed, report.failed
    return elapsed, segment_time, len(report.ingested)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--bulk", type=int, nargs="+", default=[100])
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-ingest-")) / "sample"
    generate(folder, Options(n=args.n, seed=5, scanned_share=0.0, manifest_share=0.5))
    one_run(folder, args.bulk[0])  # warm-up: JVMs, pyvi's model
    print("| bulk size | docs | median s | docs/s | pyvi share |")
    print("|---|---|---|---|---|")
    for bulk in args.bulk:
        runs = [one_run(folder, bulk) for _ in range(args.repeat)]
        elapsed = statistics.median(r[0] for r in runs)
        share = statistics.median(r[1] / r[0] for r in runs)
        docs = runs[0][2]
        print(f"| {bulk} | {docs} | {elapsed:.1f} | {docs / elapsed:.1f} | {share:.1%} |")


if __name__ == "__main__":
    main()
