"""Why a file could not be ingested.

    IngestError (search/errors.py)
    ├── EmptyFile            zero bytes
    ├── FileTooLarge         over TRACUU_MAX_FILE_BYTES
    ├── UnsupportedFile      not a format we ingest (by content, not by name)
    ├── CorruptFile          the format is known but the bytes cannot be read
    ├── EncryptedFile        password-protected
    ├── NoTextFound          OCR/extraction ran and found nothing readable
    ├── ManifestError        manifest.csv is unreadable or a row is wrong
    ├── ServiceFailed        Tika or OCR failed on this file for a reason not its own
    └── ConversionFailed     LibreOffice made no PDF/A derivative of an office file; the
        │                    original and its text are still good (indexer/office_pdf.py)
        ├── ConversionTimedOut   it did not finish within TRACUU_OFFICE_TIMEOUT and was killed
        └── ConverterMissing     soffice is not installed: not the file's fault

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


class ConversionFailed(IngestError):
    reason = "pdfa_failed"


class ConversionTimedOut(ConversionFailed):
    reason = "pdfa_timeout"


class ConverterMissing(ConversionFailed):
    reason = "pdfa_no_converter"


class ServiceDown(TracuuError):
    exit_code = 3
