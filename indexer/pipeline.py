"""The ingest pipeline, top to bottom.

Per file: size and checksum → if the archive holds these bytes already: a new version when
the manifest row changed, else index the kept record unless the index has it (the archive,
not the index, decides what is known: with the data dir lost and the index kept, a rerun
archives everything again) → sniff the format by content → text (pages with a text layer as they are, the rest
OCR'd; Tika for office formats, which also get a PDF/A from LibreOffice) → legacy encodings, normalization → signature → metadata
(manifest wins; what the text says is kept beside it) → archive as a bag → index in bulk.
Scans are OCR'd two at a time in worker processes; results are reported in input order.

A file that fails is reported with its reason and a copy is kept aside under ``failed/``;
the batch goes on, and the given folder is never modified. A service that is down is not
the file's fault: the run stops with a clear error, and what was archived is indexed when
the run is repeated.

One folder ingest runs at a time (a second is refused at once, naming the first: both would
OCR the same files), and each batch is written to the index under the shared index lease, so
a reindex running meanwhile catches it up before it swaps (archive/leases.py).

``ingest_one`` is the same pipeline for one file, as a queue worker runs it
(indexer/queue.py): no run-wide lease, since workers on many hosts take different files at
once. What keeps them apart is per file: a bag is built aside and renamed into place whole
(the same bytes have the same record id, so a second writer's bag is dropped), the index
write holds the bag's lock, and the queue gives one job per SHA-256 at a time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from archive import bags, leases, pending
from archive.recovery import catch_up
from archive.layout import bag_path, read_record, record_file
from archive.records import Record, file_sha256, record_id_for
from search.analysis import normalize, segment
from search.config import Settings
from search.errors import IngestError, SearchUnavailable
from search.index import RecordIndex, to_document

from . import metadata, office_pdf, procedures, versions
from .errors import ConversionFailed, ConverterMissing, FileTooLarge, NoTextFound, ServiceDown
from .extract import TikaClient
from .formats import SUPPORTED_SUFFIXES, Format, check_image_size, needs_pdfa, sniff
from .legacy import fix_legacy
from .manifest import MANIFEST_NAMES, read_manifest
from .ocr import ocr_file
from .pdf import has_text, page_texts
from .signature import load_trust_roots, read_signature

log = logging.getLogger(__name__)


@dataclass
class Failure:
    file: str
    reason: str
    message: str


@dataclass
class IngestReport:
    folder: str
    started_at: str
    finished_at: str = ""
    ingested: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # known files whose manifest row changed
    duplicates: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    manifest_errors: list[dict[str, Any]] = field(default_factory=list)
    pages: int = 0
    aborted: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)


#: Called after each file with (relative path, pages processed).
ProgressCallback = Callable[[str, int], None]


@dataclass
class Text:
    """What a file says, and how we read it."""

    text: str
    pages: int
    route: str                       # tika | ocr | mixed
    archival: Path | None = None     # the PDF/A derivative, for scans
    tools: dict[str, Any] = field(default_factory=dict)
    unsure: frozenset[str] | None = None  # words OCR read with low confidence (None: not OCR'd)
    unsure_at: frozenset[tuple[str, str, str]] | None = None  # and where they stand on their lines
    dpi: int | None = None  # the scan's lowest page resolution (None: not OCR'd, or not known)


@dataclass
class Pending:
    """A file checked and routed, its OCR (if any) running in the pool."""

    path: Path
    rel: str
    given: dict[str, Any]
    sha: str
    record_id: str
    fmt: Format
    layer: list[str] = field(default_factory=list)  # text layer per page, for PDFs
    ocr: Future | None = None
    workdir: Path | None = None  # where derivatives (the PDF/A) are made


@dataclass
class OneResult:
    """What ``ingest_one`` did with its file: done | updated | duplicate | failed."""

    status: str
    record_id: str | None
    pages: int = 0
    reason: str = ""
    error: str = ""


@dataclass
class Queued:
    """A record waiting for the next bulk request, with the digest of the record.json it
    was made from: if a clerk's correction or a status decision changed the bag since, the
    document is made again from the bag rather than sent stale."""

    rel: str
    doc: dict[str, Any]
    digest: str

    @classmethod
    def of(cls, rel: str, record: Record) -> Queued:
        digest = hashlib.sha256(record.model_dump_json(indent=2).encode("utf-8")).hexdigest()
        return cls(rel, to_document(record, segment(record.text)), digest)


@dataclass
class Update:
    """A file the archive holds, given again with a changed manifest row."""

    record_id: str
    rel: str
    given: dict[str, Any]


class OcrPool:
    """OCR in worker processes, so two scans are read at once (ocrmypdf is not thread-safe
    and a one-page file keeps only one core busy). Started on first use."""

    def __init__(self, settings: Settings) -> None:
        self.workers = max(1, settings.ocr_workers)
        # Pages of one file share the cores left to each worker.
        self.settings = settings.model_copy(update={"ocr_jobs": max(1, settings.ocr_jobs // self.workers)})
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, path: Path, fmt: Format, workdir: Path) -> Future:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
        return self._pool.submit(ocr_file, path, fmt, workdir, self.settings)

    def __enter__(self) -> OcrPool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _chunks(items: list[Path], size: int) -> Iterator[list[Path]]:
    for i in range(0, len(items), size):
        yield items[i: i + size]


def discover(root: Path) -> list[Path]:
    """Supported files under ``root`` (by name; content is checked later), in a stable order."""
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and p.name not in MANIFEST_NAMES and p.suffix.lower() in SUPPORTED_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


class Ingestor:
    def __init__(self, settings: Settings, index: RecordIndex, tika: TikaClient | None = None) -> None:
        self.settings = settings
        self.index = index
        self.tika = tika or TikaClient(settings)
        self.archive_dir = settings.archive_dir
        self._updated: set[str] = set()
        # The CA roots a signature's chain is checked against, read once (indexer/signature.py).
        self.trust_roots = load_trust_roots(settings.trust_roots)

    def ingest_dir(self, root: Path, on_file: ProgressCallback | None = None,
                   files: list[Path] | None = None) -> IngestReport:
        root = root.resolve()
        report = IngestReport(folder=str(root), started_at=_now().isoformat())
        manifest = read_manifest(root)
        report.manifest_errors = [{"row": r, "reason": m} for r, m in manifest.errors]
        files = discover(root) if files is None else files
        present = {f.relative_to(root).as_posix() for f in files}
        for rel, (row_no, _) in manifest.rows.items():
            if rel not in present:
                report.manifest_errors.append(
                    {"row": row_no, "reason": f"tệp '{rel}' trong manifest không có trong thư mục"})

        batch: list[Queued] = []
        seen: set[str] = set()
        self._updated = set()
        try:
            with leases.sole(self.archive_dir, "ingest"), \
                    tempfile.TemporaryDirectory(prefix="tracuu-ingest-") as tmp, OcrPool(self.settings) as pool:
                self.index.ensure()
                bags.clean_staging(self.archive_dir)  # what a killed run left half-built
                catch_up(self.archive_dir, self.index, ingest_idle=True)  # what a killed writer left unindexed
                # Files are prepared a few at a time so that scans are OCR'd side by side on
                # all cores, then finished and reported in the order they were given.
                for chunk in _chunks(files, 2 * pool.workers):
                    prepared = []
                    for path in chunk:
                        rel = path.relative_to(root).as_posix()
                        try:
                            item: Any = self._prepare(path, rel, manifest.values_for(rel), Path(tmp), seen, pool)
                        except IngestError as e:
                            item = e
                        prepared.append((path, rel, item))
                    for path, rel, item in prepared:
                        pages = 0
                        try:
                            if isinstance(item, IngestError):
                                raise item
                            record, pages = self._finish(item)
                        except IngestError as e:
                            report.failed.append(Failure(rel, e.reason, e.message))
                            self._keep_aside(path, rel, e)
                        else:
                            if record is None:
                                report.duplicates.append(rel)
                            else:
                                if isinstance(item, Update):
                                    self._updated.add(rel)
                                batch.append(Queued.of(rel, record))
                                if len(batch) >= self.settings.bulk_size:
                                    self._flush(batch, report)
                        report.pages += pages
                        if on_file:
                            on_file(rel, pages)
                self._flush(batch, report)
        except Exception as e:
            report.aborted = str(e)
            raise
        finally:
            report.finished_at = _now().isoformat()
            self._write_report(report)
        return report

    def ingest_one(self, path: Path, rel: str, given: dict[str, Any], pool: OcrPool) -> OneResult:
        """Ingest one file (a queue job). A bad file is kept aside and reported in the result;
        a service that is down raises (the job is retried later)."""
        sha = file_sha256(path)
        report = IngestReport(folder=rel, started_at=_now().isoformat())
        with tempfile.TemporaryDirectory(prefix="tracuu-job-") as tmp:
            try:
                item = self._prepare(path, rel, given, Path(tmp), set(), pool)
                record, pages = self._finish(item)
            except IngestError as e:
                self._keep_aside(path, rel, e)
                return OneResult("failed", None, pages=0, reason=e.reason, error=e.message)
        if record is None:
            return OneResult("duplicate", record_id_for(sha))
        self._updated = {rel} if isinstance(item, Update) else set()
        self._flush([Queued.of(rel, record)], report)
        if report.failed:  # the index refused the document: archived and pending, retried later
            raise SearchUnavailable(report.failed[0].message)
        return OneResult("updated" if report.updated else "done", record.id, pages=pages)

    def _prepare(self, path: Path, rel: str, given: dict[str, Any], tmp: Path, seen: set[str],
                 pool: OcrPool) -> Pending | Update | Record | None:
        """Checks that need no reading of the content, and the OCR started if it is a scan.
        None: archived and indexed already; a Record: archived (by an interrupted run, or
        before the index was lost) but not indexed; an Update: archived, its row changed."""
        size = path.stat().st_size
        if size > self.settings.max_file_bytes:
            raise FileTooLarge(
                f"Tệp '{rel}' lớn {size // 2**20} MiB, vượt giới hạn "
                f"{self.settings.max_file_bytes // 2**20} MiB; hãy tách tệp."
            )
        sha = file_sha256(path)
        record_id = record_id_for(sha)
        if record_id in seen:
            return None
        seen.add(record_id)
        if (kept := read_record(self.archive_dir, record_id)) is not None:
            if versions.manifest_changes(kept, given):
                return Update(record_id, rel, given)
            return None if self.index.exists(record_id) else kept  # index it, do not OCR again
        fmt = sniff(path)
        if fmt.kind == "image":
            check_image_size(path)
        pending = Pending(path, rel, given, sha, record_id, fmt, workdir=tmp / record_id)
        if fmt.kind == "pdf":
            pending.layer = page_texts(path)
        if fmt.kind == "image" or (fmt.kind == "pdf" and not (pending.layer and all(map(has_text, pending.layer)))):
            pending.workdir.mkdir(exist_ok=True)
            pending.ocr = pool.submit(path, fmt, pending.workdir)
        return pending

    def _finish(self, item: Pending | Update | Record | None) -> tuple[Record | None, int]:
        if isinstance(item, Update):
            return self._new_version(item), 0
        if not isinstance(item, Pending):
            return item, 0
        read = self._read(item)
        text, legacy = fix_legacy(read.text)
        text = normalize(text)
        if not text:
            raise NoTextFound(f"Không đọc được chữ nào trong tệp '{item.rel}'; kiểm tra bản quét.")
        reading = metadata.read(text, ocr=read.route != "tika", unsure=read.unsure, unsure_at=read.unsure_at,
                                dpi=read.dpi)
        extracted, given = reading.values, item.given
        disagree = sorted(k for k, v in given.items() if k in extracted and extracted[k] != v)
        # A doubt the clerk's manifest settles is no doubt: the manifest's value is kept.
        doubts = {k: v for k, v in reading.doubts.items() if not given.get(k)}
        merged = {**extracted, **given}  # the clerk's manifest wins
        # Blank cells that follow from what is there: the procedure's name and field from its
        # code, the places from the address the manifest gives.
        merged.update(procedures.fill_blanks(merged))
        if given.get("subject_address"):
            merged.update({k: v for k, v in metadata.places(given["subject_address"]).items() if not merged.get(k)})
        record = Record(
            id=item.record_id,
            text=text,
            source_sha256=item.sha,
            source_filename=item.path.name,
            archival_sha256=file_sha256(read.archival) if read.archival else None,
            ingested_at=_now(),
            signature=read_signature(item.path, self.trust_roots) if item.fmt.kind == "pdf" else None,
            pipeline={
                "format": item.fmt.mime, "route": read.route, "pages": read.pages, "legacy_encoding": legacy,
                "extracted": versions.jsonable(extracted), "disagree": disagree,
                "manifest": versions.jsonable(given),
                **({"doubts": doubts, "doubtful": sorted(doubts)} if doubts else {}), **read.tools,
            },
            **merged,
        )
        bags.write_bag(self.archive_dir, record, item.path, read.archival)
        return record, read.pages

    def _new_version(self, item: Update) -> Record | None:
        """Write the changed row into the bag (under its lock: a clerk's correction of the
        same record at the same moment lands before or after, never lost)."""
        with bags.bag_lock(self.archive_dir, item.record_id):
            kept = read_record(self.archive_dir, item.record_id)
            changes = versions.manifest_changes(kept, item.given) if kept else {}
            if not changes:
                return kept
            record = versions.new_version(kept, item.given, changes, item.rel)
            bags.rewrite_record(self.archive_dir, record)
        return record

    def _read(self, item: Pending) -> Text:
        """Born-digital text as it is (Tika); the OCR started in _prepare for the rest."""
        if item.ocr is None:
            got = self.tika.extract(item.path)
            pages = len(item.layer) or got.pages or 1
            tools: dict[str, Any] = {"tika": got.tika_version}
            return Text(got.text, pages, "tika", self._office_pdfa(item, tools), tools=tools)
        result = item.ocr.result()
        layer = item.layer
        # Pages ocrmypdf skipped already had text: take that text as it is.
        pages = [(layer[i] if i < len(layer) else "") if t is None else t for i, t in enumerate(result.page_texts)]
        route = "mixed" if any(t is None for t in result.page_texts) else "ocr"
        # The unsure words are kept so that the text's reading can be redone from the archive.
        tools = {**result.tools, "ocr_confidence": result.confidence, "ocr_unsure": sorted(result.unsure_words)[:500],
                 "ocr_dpi": result.dpi}
        if len(result.unsure_places) <= 2000:  # else a reading redone falls back on the words alone
            tools["ocr_unsure_at"] = sorted(result.unsure_places)
        return Text("\n".join(pages), result.pages, route, result.pdfa, tools, result.unsure_words,
                    result.unsure_places, result.dpi)

    def _office_pdfa(self, item: Pending, tools: dict[str, Any]) -> Path | None:
        """The PDF/A derivative of an office, HTML or text result (Decree 30 asks a PDF of
        every digitized copy). A failed conversion is not a lost record: the original and
        its text are archived all the same, and ``pipeline.pdfa_failed`` says why there is
        no PDF (the record is then on the review list)."""
        if not needs_pdfa(item.fmt):
            return None
        try:
            archival = office_pdf.to_pdfa(item.path, item.workdir, self.settings.office_timeout, fmt=item.fmt)
        except ConverterMissing as e:
            # Not this file's fault, and every office file after it would be archived without
            # its PDF/A for good: stop, like a service that is down.
            raise ServiceDown(e.message) from e
        except ConversionFailed as e:
            log.warning("no PDF/A for %s: %s", item.rel, e.reason)
            tools.update(pdfa_failed=e.reason, pdfa_error=e.message)
            return None
        tools["pdfa"] = office_pdf.converter_version()
        return archival

    def _flush(self, batch: list[Queued], report: IngestReport) -> None:
        """Bulk-index the batch, each record as its bag holds it *now*: the bags are locked
        while their documents are checked and sent, so a correction or status decision
        made since the file was read is neither overwritten nor lost. OpenSearch hiccups
        are retried with backoff before the run gives up (the records are archived and
        marked pending already, so the next run indexes them)."""
        if not batch:
            return
        names = {q.doc["id"]: q.rel for q in batch}
        delay = 2.0
        with contextlib.ExitStack() as locked:
            for record_id in sorted(names):
                locked.enter_context(bags.bag_lock(self.archive_dir, record_id))
            docs = [self._current(q) for q in batch]
            for attempt in range(4):
                try:
                    results = list(self.index.bulk(docs, refresh=True))
                    break
                except SearchUnavailable:
                    if attempt == 3:
                        raise
                    log.warning("OpenSearch unavailable; retrying in %.0f s", delay)
                    time.sleep(delay)
                    delay *= 2
            pending.clear(self.archive_dir, [doc_id for doc_id, error in results if error is None])
        for doc_id, error in results:
            if error is None:
                rel = names.get(doc_id, doc_id)
                (report.updated if rel in self._updated else report.ingested).append(rel)
            else:
                report.failed.append(Failure(names.get(doc_id, doc_id), "index", error))
        batch.clear()

    def _current(self, queued: Queued) -> dict[str, Any]:
        path = record_file(bag_path(self.archive_dir, queued.doc["id"]))
        if hashlib.sha256(path.read_bytes()).hexdigest() == queued.digest:
            return queued.doc
        record = read_record(self.archive_dir, queued.doc["id"])
        return to_document(record, segment(record.text))

    def _keep_aside(self, path: Path, rel: str, err: IngestError) -> None:
        dest = self.settings.failed_dir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        # copyfile, not copy2: the copy's time is when it was kept aside, which is what its
        # retention counts from (archive/retention.py), not when the original was last written.
        shutil.copyfile(path, dest)
        dest.with_name(dest.name + ".reason.txt").write_text(f"{err.reason}: {err.message}\n", encoding="utf-8")

    def _write_report(self, report: IngestReport) -> Path:
        """Each run its own report, written whole: two runs started in the same second get
        two files (``-2``, ``-3`` …), never one over the other."""
        folder = self.settings.reports_dir
        folder.mkdir(parents=True, exist_ok=True)
        stamp = report.started_at.replace(":", "").replace("-", "")[:15]
        tmp = folder / f".ingest-{stamp}-{os.getpid()}.tmp"
        tmp.write_text(report.to_json(), encoding="utf-8")
        for n in range(1, 10_000):
            dest = folder / (f"ingest-{stamp}.json" if n == 1 else f"ingest-{stamp}-{n}.json")
            try:
                os.link(tmp, dest)  # fails if dest exists: an atomic "create, never replace"
            except FileExistsError:
                continue
            tmp.unlink()
            return dest
        raise OSError(f"không đặt được tên cho báo cáo nhập trong {folder}")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
