"""Personal data outside the archive has a lifetime (issue #20, item 7): the files an ingest
kept aside and the ingest reports are removed after TRACUU_RETENTION_DAYS by `tracuu purge`,
counted from when they were kept; the archive is never touched."""

from __future__ import annotations

import os
import time

import pytest
from typer.testing import CliRunner

from archive.retention import purge
from database.audit import AuditLog
from indexer.pipeline import Ingestor

pytestmark = pytest.mark.opensearch

DAY = 86400


def _file(path, age_days: float, data: bytes = b"x") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    then = time.time() - age_days * DAY
    os.utime(path, (then, then))


@pytest.fixture
def kept(fresh_settings):
    s = fresh_settings
    _file(s.failed_dir / "xa" / "Nguyen Van An 001085012345.pdf", 120, b"%PDF old")
    _file(s.failed_dir / "xa" / "Nguyen Van An 001085012345.pdf.reason.txt", 120)
    _file(s.failed_dir / "moi.pdf", 3)
    _file(s.reports_dir / "ingest-20250101T000000.json", 200)
    _file(s.reports_dir / "ingest-20261101T000000.json", 10)
    _file(s.archive_dir / "ab" / "cd" / "bag" / "data" / "original.pdf", 900)  # the record of truth
    return s


def test_what_outlived_the_retention_goes_and_nothing_else(kept):
    done = purge(kept)  # 90 days by default
    assert done.files == {"failed": 2, "reports": 1} and done.total == 3
    assert not (kept.failed_dir / "xa").exists()  # its folder, emptied, goes too
    assert (kept.failed_dir / "moi.pdf").exists() and (kept.reports_dir / "ingest-20261101T000000.json").exists()
    assert (kept.archive_dir / "ab" / "cd" / "bag" / "data" / "original.pdf").exists()
    assert purge(kept, days=2).files == {"failed": 1, "reports": 1}


def test_the_command_counts_first_then_removes_and_audits(kept, monkeypatch):
    from tracuu.cli import app

    for name, value in (("TRACUU_DATA_DIR", str(kept.data_dir)), ("TRACUU_INDEX", kept.index),
                        ("TRACUU_DATABASE_URL", kept.database_dsn())):
        monkeypatch.setenv(name, value)
    dry = CliRunner().invoke(app, ["purge", "--dry-run"])
    assert dry.exit_code == 0 and "would remove 3 files" in dry.output
    assert (kept.reports_dir / "ingest-20250101T000000.json").exists()
    real = CliRunner().invoke(app, ["purge"])
    assert real.exit_code == 0 and "removed 3 files" in real.output
    assert not (kept.reports_dir / "ingest-20250101T000000.json").exists()
    event = [e for e in AuditLog.of(kept).events() if e.action == "purge"][-1]
    assert event.count == 3 and "older than 90 days" in event.detail


def test_a_file_kept_aside_counts_from_when_it_was_kept(fresh_settings, fresh_index, tmp_path):
    """A scan written years ago that fails today is kept 90 days from today, not purged at
    once for its own age."""
    folder = tmp_path / "in"
    _file(folder / "empty.docx", 3 * 365, b"")
    report = Ingestor(fresh_settings, fresh_index).ingest_dir(folder)
    assert [f.file for f in report.failed] == ["empty.docx"]
    assert purge(fresh_settings).files["failed"] == 0
    assert (fresh_settings.failed_dir / "empty.docx").exists()
