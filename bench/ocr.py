"""Benchmark: OCR seconds per scanned page, ocrmypdf (as the indexer runs it) vs. bare tesseract.

Why: OCR is the slow step of indexing. This tells how much of it is tesseract itself and how
much is the work around it: ocrmypdf's (image -> PDF, rasterising, PDF/A output,
optimisation) and the indexer's own before it (each page's tilt estimated, tilted pages
straightened: indexer/ocr.py ``prepare``), i.e. what a leaner pipeline could win at most.

All sides run two at a time on the machine's 2 cores, one tesseract each
(``OMP_THREAD_LIMIT=1``: 2 OpenMP threads gained nothing on an idle machine and were 3-20x
slower on a shared one, bench/omp_threads.py; ``--omp-thread-limit 0`` lets ocrmypdf
choose), as the indexer's OCR pool runs files:

* tesseract: ``tesseract IMAGE out -l vie`` over every page image of the scans as they
  are. Page images are made beforehand and not timed: PDFs with ``pdftoppm -r DPI -gray``,
  multi-page TIFFs split into PNGs, single JPEG/PNG files used as they are.
* tesseract, prepared pages: the same over the pages ocrmypdf is given, i.e. after the
  indexer straightened the tilted ones (made beforehand, not timed); and once more with the
  indexer's thresholding (``-c thresholding_method=2``, sauvola), tesseract doing exactly
  the reading the indexer asks of it.
* ocrmypdf: the indexer's ocrmypdf call alone (``indexer.ocr.ocr_prepared``: its options
  and plugins) on those prepared files, two files at a time in worker processes with
  ``jobs=1``. Against "tesseract, prepared pages" this is ocrmypdf's overhead per page
  (against the sauvola line, without the cost of the thresholding the indexer chose).
* indexer OCR: the indexer's whole OCR step (``indexer.ocr.ocr_file``: tilt estimate,
  straightening, ocrmypdf), the same way. Against "tesseract" this is what OCR costs the
  indexer over bare tesseract on the scans as they come.
* pipeline (``--pipeline``, needs the services): ``tracuu ingest`` on the scans alone.

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


def prepare_all(rows: list[dict], folder: Path, work: Path) -> list[dict]:
    """What the indexer gives ocrmypdf for each scan (indexer/ocr.py ``prepare``): rows whose
    ``file`` is that source and ``prepared`` its ``Prepared``."""
    sys.path.insert(0, str(ROOT))
    from indexer.formats import sniff
    from indexer.ocr import prepare

    out = []
    for n, r in enumerate(rows):
        src = folder / r["file"]
        (work / f"prep-{n}").mkdir()
        prepared = prepare(src, sniff(src), work / f"prep-{n}")
        named = work / f"prepared-{n:03d}{prepared.source.suffix}"  # one page-image stem per file
        named.symlink_to(prepared.source)
        out.append(r | {"file": str(named), "prepared": prepared, "src": str(src),
                        "format": "pdf" if named.suffix == ".pdf" else r["format"]})
    return out


def _ocr_prepared(row: dict, work: Path):
    from indexer.formats import sniff
    from indexer.ocr import ocr_prepared
    from search.config import Settings

    src = Path(row["src"])
    return ocr_prepared(src, sniff(src), row["prepared"], work, Settings(ocr_jobs=1))


def _ocr_file(row: dict, work: Path):
    from indexer.formats import sniff
    from indexer.ocr import ocr_file
    from search.config import Settings

    src = Path(row["src"])
    return ocr_file(src, sniff(src), work, Settings(ocr_jobs=1))


def run_two_at_a_time(task, prepared: list[dict], work: Path, pool, tag: str) -> float:
    """``task`` over every file, two files at a time in the worker processes."""
    dirs = [work / f"{tag}-{n}" for n in range(len(prepared))]
    for d in dirs:
        d.mkdir()
    t0 = time.perf_counter()
    for f in [pool.submit(task, r, d) for r, d in zip(prepared, dirs)]:
        f.result()
    return time.perf_counter() - t0


def run_tesseract(images: list[Path], work: Path, *extra: str) -> float:
    env = os.environ | {"OMP_THREAD_LIMIT": "1"}

    def one(i_img: tuple[int, Path]) -> None:
        i, img = i_img
        subprocess.run(["tesseract", img, work / f"t{i}", "-l", "vie", *extra], check=True, env=env,
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
        out = sys.stdout  # ocrmypdf.ocr() swaps sys.stderr for a StringIO; keep our own handle
        (tmp / "prep").mkdir()
        prepared = prepare_all(rows, folder, tmp / "prep")
        (tmp / "img").mkdir()
        images = page_images(rows, folder, tmp / "img")
        (tmp / "img-prepared").mkdir()
        images_prepared = page_images(prepared, folder, tmp / "img-prepared")
        assert len(images) == len(images_prepared) == pages, (len(images), len(images_prepared), pages)
        straightened = sum(r["prepared"].source != Path(r["src"]) for r in prepared)
        print(f"{len(rows)} scanned files, {pages} pages ({straightened} files put in a PDF by the indexer, "
              f"straightened or not); ocrmypdf {ocrmypdf_version()}, "
              f"{subprocess.run(['tesseract', '--version'], capture_output=True, text=True).stdout.split()[1]}",
              file=out)
        # Worker processes started (and their imports paid) before anything is timed.
        pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"))
        run_two_at_a_time(_ocr_file, prepared[:2], tmp, pool, "warm")
        run_tesseract(images[:2], tmp)
        sides = {
            "tesseract": lambda i: run_tesseract(images, tmp),
            "tesseract, prepared pages": lambda i: run_tesseract(images_prepared, tmp),
            "tesseract sauvola, prepared": lambda i: run_tesseract(images_prepared, tmp, "-c", "thresholding_method=2"),
            "ocrmypdf": lambda i: run_two_at_a_time(_ocr_prepared, prepared, tmp, pool, f"ocrmypdf-{i}"),
            "indexer OCR": lambda i: run_two_at_a_time(_ocr_file, prepared, tmp, pool, f"indexer-{i}"),
        }
        if a.pipeline:
            sides["pipeline"] = lambda i: run_pipeline(rows, folder, tmp, i)
        times: dict[str, list[float]] = {k: [] for k in sides}
        for i in range(a.repeat):
            for side in (list(sides) if i % 2 == 0 else list(sides)[::-1]):
                load = loadavg()
                times[side].append(sides[side](i))
                print(f"repeat {i + 1} {side:28}: {times[side][-1]:6.1f} s = {times[side][-1] / pages:5.2f} s/page "
                      f"(load avg before {load})", file=out, flush=True)
        pool.shutdown()
    med = {k: statistics.median(v) / pages for k, v in times.items()}
    print(f"\nmedian over {a.repeat} repeats, {pages} pages, two at a time:", file=out)
    for k, v in med.items():
        print(f"  {k:28}: {v:5.2f} s/page, {60 / v:5.1f} pages/min", file=out)
    print(f"  ocrmypdf's overhead (ocrmypdf / tesseract, prepared pages): "
          f"{med['ocrmypdf'] / med['tesseract, prepared pages']:.2f}; "
          f"against tesseract with the same thresholding: {med['ocrmypdf'] / med['tesseract sauvola, prepared']:.2f}",
          file=out)
    print(f"  indexer OCR / tesseract on the scans as they are: {med['indexer OCR'] / med['tesseract']:.2f}", file=out)
    if "pipeline" in med:
        print(f"  pipeline / tesseract on the scans as they are: {med['pipeline'] / med['tesseract']:.2f}", file=out)


def ocrmypdf_version() -> str:
    import ocrmypdf

    return ocrmypdf.__version__


if __name__ == "__main__":
    main()
