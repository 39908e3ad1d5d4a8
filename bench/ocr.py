"""Benchmark: OCR seconds per scanned page, ocrmypdf (as the indexer runs it) vs. bare tesseract.

Why: OCR is the slow step of indexing. This tells how much of it is tesseract itself and how
much is ocrmypdf's work around it (image -> PDF, rasterising, deskew, PDF/A output,
optimisation), i.e. what a leaner pipeline could win at most.

Fair comparison on the same pages, both given the machine's 2 cores:

* ocrmypdf: the indexer's own call (``indexer.ocr.ocr_file``: its options, its engine
  plugin, deskew only for files with a tilted page), ``jobs=2``, one file at a time: pages
  of a file run in 2 workers.
  For a one-page file ocrmypdf would let tesseract use 2 OpenMP threads instead
  (ocrmypdf/builtin_plugins/tesseract_ocr.py, ``validate``); by default this script sets
  ``OMP_THREAD_LIMIT=1`` as recommended, because 2 threads gained nothing on an idle
  machine and were 10x slower on a shared one (bench/omp_threads.py). So a one-page file
  keeps one core busy: that is the indexer's real cost, not a handicap of the benchmark
  (``--omp-thread-limit 0`` lets ocrmypdf choose).
* ocrmypdf, two files at a time: the same call in 2 worker processes with ``jobs=1``, as
  the indexer's OCR pool runs it — the like-for-like match of two tesseracts at a time.
* tesseract: ``tesseract IMAGE out -l vie`` over every page image, 2 at a time with
  ``OMP_THREAD_LIMIT=1`` (the fastest way to run it on 2 cores). Page images are made
  beforehand and not timed: PDFs with ``pdftoppm -r DPI -gray``, multi-page TIFFs split
  into PNGs, single JPEG/PNG files used as they are.

Each run is repeated ``--repeat`` times, alternating which side goes first; medians are
printed, with the load average before each measurement (other people's tests on the same
2 cores make numbers noisy; ours adds about 2 while running).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The indexer's ocrmypdf options before it decided deskew per file (indexer/ocr.py):
#: ocr_breakdown.py switches its steps off one at a time from here.
OCRMYPDF_OPTIONS = dict(
    language=["vie"], output_type="pdfa", pdfa_backend="internal", jobs=2, deskew=True,
    skip_text=True, progress_bar=False, invalidate_digital_signatures=True, tesseract_timeout=300,
    tesseract_thresholding="sauvola",
)


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def scans(folder: Path) -> list[dict]:
    rows = [json.loads(line) for line in (folder / "truth.jsonl").open(encoding="utf-8")]
    return [r for r in rows if r["scanned"]]


def page_images(rows: list[dict], folder: Path, work: Path) -> list[Path]:
    """One image per page, at the scan's own resolution, for the bare tesseract run."""
    from PIL import Image, ImageSequence

    images: list[Path] = []
    for r in rows:
        src, stem = folder / r["file"], work / Path(r["file"]).stem
        if r["format"] == "pdf":
            subprocess.run(["pdftoppm", "-r", str(r["dpi"]), "-gray", src, stem], check=True)
            images += sorted(work.glob(stem.name + "-*.pgm"))
        elif r["pages"] > 1:
            with Image.open(src) as im:
                for n, page in enumerate(ImageSequence.Iterator(im)):
                    page.save(f"{stem}-{n + 1}.png", dpi=(r["dpi"], r["dpi"]))
                    images.append(Path(f"{stem}-{n + 1}.png"))
        else:
            images.append(src)
    return images


def run_ocrmypdf(rows: list[dict], folder: Path, work: Path) -> float:
    """ocrmypdf exactly as the indexer calls it (indexer/ocr.py: its options, its engine
    plugin, deskew only for tilted files), one file at a time, pages over 2 workers."""
    sys.path.insert(0, str(ROOT))
    from indexer.formats import sniff
    from indexer.ocr import ocr_file
    from search.config import Settings

    settings = Settings(ocr_jobs=2)
    t0 = time.perf_counter()
    for n, r in enumerate(rows):
        src = folder / r["file"]
        (work / f"ocr-{n}").mkdir(exist_ok=True)
        ocr_file(src, sniff(src), work / f"ocr-{n}", settings)
    return time.perf_counter() - t0


def run_ocrmypdf_two_files(rows: list[dict], folder: Path, work: Path, pool) -> float:
    """The same call, two files at a time in worker processes (one core each), as the
    indexer's OCR pool runs it: the like-for-like match of two tesseracts at a time."""
    sys.path.insert(0, str(ROOT))
    from indexer.formats import sniff
    from indexer.ocr import ocr_file
    from search.config import Settings

    settings = Settings(ocr_jobs=1)
    dirs = [work / f"ocr2-{n}" for n in range(len(rows))]
    for d in dirs:
        d.mkdir(exist_ok=True)
    t0 = time.perf_counter()
    futures = [pool.submit(ocr_file, folder / r["file"], sniff(folder / r["file"]), d, settings)
               for r, d in zip(rows, dirs)]
    for f in futures:
        f.result()
    return time.perf_counter() - t0


def run_tesseract(images: list[Path], work: Path) -> float:
    env = os.environ | {"OMP_THREAD_LIMIT": "1"}

    def one(i_img: tuple[int, Path]) -> None:
        i, img = i_img
        subprocess.run(["tesseract", img, work / f"t{i}", "-l", "vie"], check=True, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(one, enumerate(images)))
    return time.perf_counter() - t0


def run_pipeline(rows: list[dict], folder: Path, work: Path, n: int) -> float:
    """The indexer end to end on the scans alone (`tracuu ingest`: two files OCR'd at once
    in worker processes, then metadata, archive and indexing), into a fresh index."""
    import uuid

    from search.config import Settings
    from search.index import RecordIndex

    scans_dir = work / f"pipeline-{n}"
    scans_dir.mkdir()
    for r in rows:
        shutil.copy2(folder / r["file"], scans_dir / r["file"])
    index = f"bench-ocr-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "TRACUU_INDEX": index, "TRACUU_DATA_DIR": str(work / f"data-{n}")}
    env.pop("OMP_THREAD_LIMIT", None)  # the indexer sets its own
    t0 = time.perf_counter()
    subprocess.run([Path(sys.executable).parent / "tracuu", "ingest", str(scans_dir)], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - t0
    RecordIndex.from_settings(Settings(index=index)).drop()
    return elapsed


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("--n", type=int, default=20, help="results in the generated sample (about 60%% scans)")
    p.add_argument("--seed", type=int, default=3, help="sample seed")
    p.add_argument("--dir", type=Path, help="use this `tracuu sample` folder instead of generating one")
    p.add_argument("--repeat", type=int, default=3, help="measurements per side")
    p.add_argument("--pipeline", action="store_true",
                   help="also time the indexer end to end on the same scans (needs the services)")
    p.add_argument("--omp-thread-limit", type=int, default=1,
                   help="OMP_THREAD_LIMIT for ocrmypdf's tesseract (0: leave it to ocrmypdf)")
    a = p.parse_args()
    if a.omp_thread_limit:
        os.environ["OMP_THREAD_LIMIT"] = str(a.omp_thread_limit)

    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as tmp:
        tmp = Path(tmp)
        folder = a.dir
        if folder is None:
            folder = tmp / "sample"
            subprocess.run([Path(sys.executable).parent / "tracuu", "sample", folder, "--n", str(a.n),
                            "--seed", str(a.seed)], check=True, cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        rows = scans(folder)
        pages = sum(r["pages"] for r in rows)
        (tmp / "img").mkdir()
        images = page_images(rows, folder, tmp / "img")
        assert len(images) == pages, (len(images), pages)
        out = sys.stdout  # ocrmypdf.ocr() swaps sys.stderr for a StringIO; keep our own handle
        print(f"{len(rows)} scanned files, {pages} pages; ocrmypdf {ocrmypdf_version()}, "
              f"{subprocess.run(['tesseract', '--version'], capture_output=True, text=True).stdout.split()[1]}",
              file=out)
        run_ocrmypdf(rows[:1], folder, tmp)  # warm-up (imports, plugins, file cache), not timed
        run_tesseract(images[:2], tmp)
        # Worker processes started (and their imports paid) before anything is timed.
        pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"))
        run_ocrmypdf_two_files(rows[:2], folder, tmp, pool)
        times: dict[str, list[float]] = {"ocrmypdf": [], "ocrmypdf2": [], "tesseract": []} | (
            {"pipeline": []} if a.pipeline else {})
        for i in range(a.repeat):
            order = list(times) if i % 2 == 0 else list(times)[::-1]
            for side in order:
                load = loadavg()
                s = (run_ocrmypdf(rows, folder, tmp) if side == "ocrmypdf"
                     else run_ocrmypdf_two_files(rows, folder, tmp, pool) if side == "ocrmypdf2"
                     else run_tesseract(images, tmp) if side == "tesseract" else run_pipeline(rows, folder, tmp, i))
                times[side].append(s)
                print(f"repeat {i + 1} {side:9}: {s:7.1f} s = {s / pages:5.2f} s/page (load avg before {load})",
                      file=out, flush=True)
        pool.shutdown()
    med = {k: statistics.median(v) / pages for k, v in times.items()}
    print(f"\nmedian over {a.repeat} repeats, {pages} pages:", file=out)
    for k, v in med.items():
        print(f"  {k:9}: {v:5.2f} s/page, {60 / v:5.1f} pages/min", file=out)
    print(f"  ratio ocrmypdf/tesseract per page: {med['ocrmypdf'] / med['tesseract']:.2f}", file=out)
    print(f"  ratio ocrmypdf (2 files at a time)/tesseract per page: {med['ocrmypdf2'] / med['tesseract']:.2f}",
          file=out)
    if "pipeline" in med:
        print(f"  ratio pipeline/tesseract per page: {med['pipeline'] / med['tesseract']:.2f}", file=out)


def ocrmypdf_version() -> str:
    import ocrmypdf

    return ocrmypdf.__version__


if __name__ == "__main__":
    main()
