"""Settings, in one place.

Every knob is an environment variable with the ``TRACUU_`` prefix, read once into a
:class:`Settings` object that is passed down explicitly. Code never reads ``os.environ``
itself, so a test (or a second instance) can run with its own settings side by side.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRACUU_", extra="ignore")

    opensearch_url: str = "http://localhost:9200"
    index: str = Field(
        "records",
        pattern=r"^[a-z0-9][a-z0-9_-]{0,100}$",
        description="Alias that search reads and ingest writes; physical indices are named after it.",
    )
    tika_url: str = "http://localhost:9998"
    data_dir: Path = Path("var")

    # Outbound calls always carry a timeout: a hung service must not hang a clerk's request.
    opensearch_timeout: float = 30.0
    # gzip between the app and OpenSearch: worth it over a slow network; on one host it
    # cost 3 ms per search (bench/api_latency.py), so off by default.
    opensearch_compress: bool = False
    opensearch_pool_size: int = Field(32, ge=1, description="Connections kept open to OpenSearch "
                                      "(at least the web server's concurrent requests).")
    tika_timeout: float = 120.0

    ocr_language: str = "vie"
    ocr_workers: int = Field(2, ge=1, description="Files OCR'd at once, each in its own process.")
    ocr_jobs: int = Field(2, ge=1, description="Pages OCR'd in parallel, shared among the workers.")
    max_file_bytes: int = Field(200 * 1024 * 1024, description="Larger files are refused, not read.")
    bulk_size: int = Field(100, ge=1)
    # For a cluster: override the shard and replica counts of mappings/records.json.
    index_shards: int | None = Field(None, ge=1)
    index_replicas: int | None = Field(None, ge=0)

    # Local services (dev, CI, demo) — see tracuu/services.py.
    opensearch_version: str = "2.19.6"
    tika_version: str = "3.2.2"
    opensearch_heap: str = "2g"
    tika_heap: str = "1g"
    cache_dir: Path = Path.home() / ".cache" / "tracuu"

    # Web front end.
    secret_key: SecretStr | None = Field(
        None, description="Signs session cookies; when unset, a random key is kept in the data dir.")
    public_url: str = Field("", description="Base URL put in citations (e.g. https://tracuu.example.gov.vn); "
                            "when empty, the URL of the request is used.")
    citizen_session_minutes: int = Field(30, ge=1)
    officer_session_hours: int = Field(10, ge=1, description="An officer's working day; then log in again.")
    # Guessing limits (the `limits` library's syntax), counted per server process.
    citizen_limit_client: str = "10/minute;40/hour"
    citizen_limit_subject: str = "5/15 minutes;20/day"
    login_limit_client: str = "20/minute;100/hour"
    max_request_bytes: int = Field(64 * 1024, ge=1024, description="Larger request bodies are refused (413).")

    # Reports: phases of the digitization plan by year of issue ("start..end=label; …",
    # an open end left empty), as the province's plan sets them.
    report_phases: str = ("2022-07-01..=Từ 7/2022; 2020-01-01..2022-06-30=Giai đoạn 1 (2020 – 6/2022); "
                          "2010-01-01..2019-12-31=Giai đoạn 2 (2010 – 2019); ..2009-12-31=Giai đoạn 3 (đến 2009)")
    quality_min_ocr_confidence: float = Field(90.0, description="Scans read with a lower mean word confidence "
                                              "go to the review list.")

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def audit_dir(self) -> Path:
        return self.data_dir / "audit"

    @property
    def events_dir(self) -> Path:
        return self.data_dir / "events"

    @property
    def services_dir(self) -> Path:
        return self.data_dir / "services"

    @property
    def failed_dir(self) -> Path:
        return self.data_dir / "failed"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read from the environment once."""
    return Settings()
