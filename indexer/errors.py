"""Why a file could not be ingested.

    IngestError (search/errors.py)
    ├── EmptyFile            zero bytes
    ├── FileTooLarge         over TRACUU_MAX_FILE_BYTES
    ├── UnsupportedFile      not a format we ingest (by content, not by name)
    ├── CorruptFile          the format is known but the bytes cannot be read
    ├── EncryptedFile        password-protected
    ├── NoTextFound          OCR/extraction ran and found nothing readable
    ├── ManifestError        manifest.csv is unreadable or a row is wrong
    └── ServiceFailed        Tika or OCR failed on this file for a reason not its own

    TracuuError
    └── ServiceDown          Tika cannot be reached at all: the run stops (no file is blamed)

Each has a short ``reason`` code for reports and a message saying what the clerk can do.
"""

from __future__ import annotations

from search.errors import IngestError, TracuuError


class EmptyFile(IngestError):
    reason = "empty"


class FileTooLarge(IngestError):
    reason = "too_large"


class UnsupportedFile(IngestError):
    reason = "unsupported"


class CorruptFile(IngestError):
    reason = "corrupt"


class EncryptedFile(IngestError):
    reason = "encrypted"


class NoTextFound(IngestError):
    reason = "no_text"


class ManifestError(IngestError):
    reason = "manifest"


class ServiceFailed(IngestError):
    reason = "service_failed"


class ServiceDown(TracuuError):
    exit_code = 3
