"""The ingest pipeline, top to bottom.

Per file: size and checksum → skip if already indexed → sniff the format → text (OCR for
scans, Tika for born-digital) → normalize → metadata (manifest wins over extraction) →
archive as a bag → index in bulk. A file that fails is reported with its reason and a copy
is kept aside under ``failed/``; the batch goes on and the given folder is never modified.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from search.analysis import normalize, segment
from search.config import Settings
from search.errors import IngestError
from search.index import RecordIndex, to_document
from search.records import Record, record_id_for

from . import archive, metadata
from .errors import FileTooLarge, NoTextFound
from .extract import TikaClient
from .formats import SUPPORTED_SUFFIXES, Format, sniff
from .manifest import MANIFEST_NAME, read_manifest
from .ocr import ocr_file

log = logging.getLogger(__name__)

#: A PDF whose extracted text is shorter than this per page is treated as a scan.
MIN_TEXT_CHARS_PER_PAGE = 20


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
    duplicates: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    manifest_errors: list[dict[str, Any]] = field(default_factory=list)
    pages: int = 0

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)


#: Called after each file with (relative path, pages processed).
ProgressCallback = Callable[[str, int], None]


def discover(root: Path) -> list[Path]:
    """Supported files under ``root`` (by name; content is checked later), in a stable order."""
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and p.name != MANIFEST_NAME and p.suffix.lower() in SUPPORTED_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


class Ingestor:
    def __init__(self, settings: Settings, index: RecordIndex, tika: TikaClient | None = None) -> None:
        self.settings = settings
        self.index = index
        self.tika = tika or TikaClient(settings)
        self.archive_dir = settings.data_dir / "archive"

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

        self.index.ensure()
        batch: list[tuple[str, dict[str, Any]]] = []  # (relative path, document)
        with tempfile.TemporaryDirectory(prefix="tracuu-ingest-") as tmp:
            for path in files:
                rel = path.relative_to(root).as_posix()
                pages = 0
                try:
                    record, pages = self._ingest_file(path, rel, manifest.values_for(rel), Path(tmp))
                except IngestError as e:
                    report.failed.append(Failure(rel, e.reason, e.message))
                    self._keep_aside(path, rel, e)
                else:
                    if record is None:
                        report.duplicates.append(rel)
                    else:
                        batch.append((rel, to_document(record, segment(record.text))))
                        if len(batch) >= self.settings.bulk_size:
                            self._flush(batch, report)
                report.pages += pages
                if on_file:
                    on_file(rel, pages)
            self._flush(batch, report)
        report.finished_at = _now().isoformat()
        self._write_report(report)
        return report

    def _ingest_file(self, path: Path, rel: str, given: dict[str, Any], tmp: Path) -> tuple[Record | None, int]:
        size = path.stat().st_size
        if size > self.settings.max_file_bytes:
            raise FileTooLarge(
                f"Tệp '{rel}' lớn {size // 2**20} MiB, vượt giới hạn "
                f"{self.settings.max_file_bytes // 2**20} MiB; hãy tách tệp."
            )
        sha = _sha256(path)
        record_id = record_id_for(sha)
        if self.index.exists(record_id):
            return None, 0
        fmt = sniff(path)
        workdir = tmp / record_id
        workdir.mkdir(exist_ok=True)
        text, pages, archival, tools = self._text_of(path, fmt, workdir)
        text = normalize(text)
        if not text:
            raise NoTextFound(f"Không đọc được chữ nào trong tệp '{rel}'; kiểm tra bản quét.")
        values = {**metadata.extract(text), **given}  # the clerk's manifest wins
        record = Record(
            id=record_id,
            text=text,
            source_sha256=sha,
            source_filename=path.name,
            archival_sha256=_sha256(archival) if archival else None,
            ingested_at=_now(),
            pipeline={"format": fmt.mime, "route": "ocr" if archival else "tika", "pages": pages, **tools},
            **values,
        )
        archive.write_bag(self.archive_dir, record, path, archival, tmp)
        return record, pages

    def _text_of(self, path: Path, fmt: Format, workdir: Path) -> tuple[str, int, Path | None, dict[str, str]]:
        """Tika for born-digital files; OCR for images and for PDFs without a text layer."""
        if fmt.kind != "image":
            got = self.tika.extract(path)
            has_text = len(got.text.strip()) >= MIN_TEXT_CHARS_PER_PAGE * max(got.pages, 1)
            if fmt.kind != "pdf" or has_text:
                return got.text, got.pages or 1, None, {"tika": got.tika_version}
        result = ocr_file(path, fmt, workdir, self.settings)
        return result.text, result.pages, result.pdfa, result.tools

    def _flush(self, batch: list[tuple[str, dict[str, Any]]], report: IngestReport) -> None:
        if not batch:
            return
        names = {doc["id"]: rel for rel, doc in batch}
        for doc_id, error in self.index.bulk((doc for _, doc in batch), refresh=True):
            if error is None:
                report.ingested.append(names.get(doc_id, doc_id))
            else:
                report.failed.append(Failure(names.get(doc_id, doc_id), "index", error))
        batch.clear()

    def _keep_aside(self, path: Path, rel: str, err: IngestError) -> None:
        dest = self.settings.failed_dir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest)
        dest.with_name(dest.name + ".reason.txt").write_text(f"{err.reason}: {err.message}\n", encoding="utf-8")

    def _write_report(self, report: IngestReport) -> None:
        self.settings.reports_dir.mkdir(parents=True, exist_ok=True)
        stamp = report.started_at.replace(":", "").replace("-", "")[:15]
        (self.settings.reports_dir / f"ingest-{stamp}.json").write_text(report.to_json(), encoding="utf-8")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
