"""The error hierarchy of Tra cứu.

    TracuuError                 anything this project raises on purpose
    ├── SearchUnavailable       OpenSearch cannot be reached or answered with a server error
    ├── RecordNotFound          no record with that id
    │   └── FileNotAvailable    the record exists but has no file of the kind asked for
    ├── InvalidQuery            a search request the service will not run (bad page, size …)
    ├── SettingsError           a TRACUU_ setting is missing its sense; the service does not start
    ├── IngestError             a file or manifest could not be ingested (see indexer/errors.py)
    └── BackupError             a backup not taken, or a backup not restored (archive/backup.py)

Messages are written for the clerk who reads them: what went wrong and what to do next.
They never contain personal data (names, CCCD numbers, text of records); file names and ids
are allowed because the clerk needs them to act.
"""

from __future__ import annotations


class TracuuError(Exception):
    """Base class; ``str(err)`` is a message a clerk can act on."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SearchUnavailable(TracuuError):
    exit_code = 3


class RecordNotFound(TracuuError):
    exit_code = 4

    def __init__(self, record_id: str) -> None:
        super().__init__(f"Không tìm thấy hồ sơ có mã '{record_id}' (record not found).")
        self.record_id = record_id


class FileNotAvailable(RecordNotFound):
    def __init__(self, record_id: str, variant: str) -> None:
        TracuuError.__init__(self, (
            f"Hồ sơ '{record_id}' chưa có bản PDF lưu trữ (chuyển đổi sang PDF/A không thành công, "
            "hồ sơ nằm trong danh sách cần xem lại); hãy tải bản gốc." if variant == "archival" else
            f"Không tìm thấy bản gốc của hồ sơ '{record_id}' trong kho lưu trữ; "
            "hãy chạy 'tracuu verify' để kiểm tra kho."))
        self.record_id = record_id
        self.variant = variant


class InvalidQuery(TracuuError):
    exit_code = 2


class SettingsError(TracuuError):
    """One line per setting that is wrong, each naming its TRACUU_ variable."""

    exit_code = 2


class IngestError(TracuuError):
    """A file could not be ingested. ``reason`` is a short machine code for reports."""

    reason = "ingest_failed"
    exit_code = 5


class BackupError(TracuuError):
    """A backup that cannot be taken, or a backup that will not be restored (damaged, not a
    backup, or the data dir holds data and ``--force`` was not given). Nothing was changed."""

    exit_code = 7
