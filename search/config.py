"""Settings, in one place.

Every knob is an environment variable with the ``TRACUU_`` prefix, read once into a
:class:`Settings` object that is passed down explicitly. Code never reads ``os.environ``
itself, so a test (or a second instance) can run with its own settings side by side.
"""

from __future__ import annotations

import ipaddress

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import SettingsError

#: A session-signing key shorter than this is guessable offline from one cookie.
MIN_SECRET_CHARS = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRACUU_", extra="ignore")

    opensearch_url: str = Field(
        "http://localhost:9200", description="OpenSearch, or the nodes of a cluster comma-separated "
        "(http://os1:9200,http://os2:9200,http://os3:9200): requests are spread over them and a request a "
        "node does not answer is retried on another. https:// checks the nodes' certificates.")
    opensearch_username: str | None = Field(None, description="User for a cluster with the security plugin "
                                            "(HTTP basic authentication); unset: none.")
    opensearch_password: SecretStr | None = None
    opensearch_ca_certs: Path | None = Field(None, description="CA bundle (PEM) that signed the cluster's "
                                             "certificates, for https:// nodes a public CA did not sign.")
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
    # LibreOffice making the PDF/A of an office file (indexer/office_pdf.py) is killed after this.
    office_timeout: float = Field(120.0, description="Seconds LibreOffice may take to make the PDF/A "
                                  "derivative of one office, HTML or text file; then it is killed.")

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
    # The ingest job queue (indexer/queue.py). Empty: the local PostgreSQL that
    # `tracuu services start` runs (data under TRACUU_DATA_DIR/services/postgres).
    database_url: SecretStr | None = Field(
        None, description="PostgreSQL of the ingest queue (postgresql://user:password@host:port/db); "
        "when unset, the local server of `tracuu services`.")
    postgres_port: int = Field(55432, ge=1, le=65535, description="Port of the local PostgreSQL.")
    job_stalled_seconds: float = Field(30.0, ge=5, description="A worker silent this long is dead; "
                                       "its job is given to another.")

    # Web front end.
    audit_key: SecretStr | None = Field(
        None, description="Keys the audit log's HMAC chain; when unset, a random key is kept in "
        "TRACUU_DATA_DIR/keys (keep that folder apart from the database; on several hosts set the "
        "same key on all).")
    public_url: str = Field("", description="Base URL put in citations (e.g. https://tracuu.example.gov.vn); "
                            "when empty, the URL of the request is used.")
    citizen_session_minutes: int = Field(30, ge=1)
    officer_session_hours: int = Field(10, ge=1, description="An officer's working day; then log in again.")
    # Guessing limits (the `limits` library's syntax), counted in the database: shared by
    # every process and host (database/rate_limits.py).
    citizen_limit_client: str = "10/minute;40/hour"
    citizen_limit_subject: str = "5/15 minutes;20/day"
    login_limit_client: str = "20/minute;100/hour"
    max_request_bytes: int = Field(64 * 1024, ge=1024, description="Larger request bodies are refused (413).")
    # Single sign-on with OpenID Connect (web/oidc.py, docs/security.md). Officers: the
    # province's identity provider, beside local accounts; an empty issuer turns it off.
    oidc_issuer: str = Field("", description="Issuer URL of the officers' OpenID Connect provider "
                             "(e.g. https://sso.example.gov.vn/realms/tinh); empty: local accounts only.")
    oidc_client_id: str = ""
    oidc_client_secret: SecretStr | None = None
    oidc_roles_claim: str = Field("tracuu_roles", description="ID-token claim listing the officer's roles: "
                                  "'officer' or 'admin', and 'manage' for the right to record status decisions.")
    # Citizens' strong login (VNeID or a provincial portal): all of one's own results.
    citizen_oidc_issuer: str = Field("", description="Issuer URL of the citizens' OpenID Connect provider; "
                                     "empty: citizens prove themselves with a receipt only.")
    citizen_oidc_client_id: str = ""
    citizen_oidc_client_secret: SecretStr | None = None
    citizen_oidc_id_claim: str = Field("cccd", description="ID-token claim holding the citizen's personal "
                                       "identification number (CCCD).")
    # The local identity provider `tracuu services` runs for development and tests (Keycloak).
    keycloak_url: str = "http://127.0.0.1:8180"
    keycloak_version: str = "26.5.6"
    trust_roots: Path | None = Field(
        None, description="Folder of the root (and intermediate) CA certificates a signature's chain is checked "
        "against, PEM or DER (the national Root CA and the CAs it certifies, as the operator installs them); "
        "unset: signatures are checked for integrity only and shown as not verified.")
    retention_days: int = Field(90, ge=1, description="Days the files an ingest could not take (failed/) and "
                                "the ingest reports (reports/) are kept before `tracuu purge` removes them.")
    restricted_roles: str = Field(
        "admin", description="Officer roles that still see the results of a subject whose personal data is "
        "restricted (`tracuu subject restrict`), comma-separated: admin, officer. Everyone else, and every "
        "other system, is told the result is restricted.")
    trusted_proxies: str = Field(
        "", description="Reverse proxies whose X-Forwarded-For header names the client (addresses or networks, "
        "comma-separated: 127.0.0.1,10.0.0.0/8). Empty: none; the client is whoever connects. Behind a proxy "
        "not listed here every citizen has the proxy's address, and shares its guessing limits.")

    # Reports: phases of the digitization plan by year of issue ("start..end=label; …",
    # an open end left empty), as the province's plan sets them.
    report_phases: str = ("2022-07-01..=Từ 7/2022; 2020-01-01..2022-06-30=Giai đoạn 1 (2020 – 6/2022); "
                          "2010-01-01..2019-12-31=Giai đoạn 2 (2010 – 2019); ..2009-12-31=Giai đoạn 3 (đến 2009)")
    quality_min_ocr_confidence: float = Field(90.0, description="Scans read with a lower mean word confidence "
                                              "go to the review list.")

    # -- checked at start: one clear message per problem (get_settings) -------------------

    @field_validator("audit_key")
    @classmethod
    def _secret_long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().strip()) < MIN_SECRET_CHARS:
            raise ValueError(f"khóa bí mật rỗng hoặc ngắn hơn {MIN_SECRET_CHARS} ký tự; hãy đặt một chuỗi ngẫu nhiên "
                             f"(empty or shorter than {MIN_SECRET_CHARS} characters), hoặc bỏ biến này để tự sinh khóa")
        return value

    @field_validator("opensearch_url", "tika_url")
    @classmethod
    def _service_url(cls, value: str) -> str:
        urls = [v.strip().rstrip("/") for v in value.split(",") if v.strip()] or [value]
        for url in urls:
            if not url.startswith(("http://", "https://")) or len(url) < 10:
                raise ValueError(f"địa chỉ '{url[:80]}' không phải URL http(s) (not an http(s) URL)")
        return ",".join(urls)

    @model_validator(mode="after")
    def _addresses_and_credentials(self) -> "Settings":
        if "," in self.tika_url:
            raise ValueError("TRACUU_TIKA_URL: một địa chỉ duy nhất (one URL only)")
        if self.opensearch_password is not None and not self.opensearch_username:
            raise ValueError("TRACUU_OPENSEARCH_PASSWORD cần TRACUU_OPENSEARCH_USERNAME (a password needs a user)")
        return self

    @property
    def opensearch_hosts(self) -> list[str]:
        """The nodes of OpenSearch the client spreads its requests over."""
        return self.opensearch_url.split(",")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not value.get_secret_value().startswith(("postgresql://", "postgres://")):
            raise ValueError("không phải URL postgresql://user:password@host:port/db (not a PostgreSQL URL)")
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(f"'{value[:80]}' không phải URL http(s) (not an http(s) URL)")
        return value.rstrip("/")

    @field_validator("opensearch_timeout", "tika_timeout", "office_timeout")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("phải lớn hơn 0 giây (must be > 0 seconds)")
        return value

    @field_validator("oidc_issuer", "citizen_oidc_issuer", "keycloak_url")
    @classmethod
    def _issuer(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(f"'{value[:80]}' không phải URL http(s) (not an http(s) URL)")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _oidc_clients(self) -> "Settings":
        for issuer, client, name in ((self.oidc_issuer, self.oidc_client_id, "TRACUU_OIDC_CLIENT_ID"),
                                     (self.citizen_oidc_issuer, self.citizen_oidc_client_id,
                                      "TRACUU_CITIZEN_OIDC_CLIENT_ID")):
            if issuer and not client:
                raise ValueError(f"thiếu {name} cho nhà cung cấp định danh {issuer[:80]} (client id missing)")
        return self

    @field_validator("opensearch_ca_certs")
    @classmethod
    def _ca_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"'{str(value)[:120]}' không phải tệp (not a CA bundle file)")
        return value

    @field_validator("trust_roots")
    @classmethod
    def _trust_roots(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"'{str(value)[:120]}' không phải thư mục (not a folder of CA certificates)")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: str) -> str:
        for item in (v.strip() for v in value.split(",") if v.strip()):
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"'{item[:60]}' không phải địa chỉ IP hay dải mạng (not an IP address or "
                                 "network), ví dụ 127.0.0.1,10.0.0.0/8") from None
        return value

    @field_validator("restricted_roles")
    @classmethod
    def _roles(cls, value: str) -> str:
        unknown = {v.strip() for v in value.split(",") if v.strip()} - {"admin", "officer"}
        if unknown:
            raise ValueError(f"vai trò không có: {', '.join(sorted(unknown))}; dùng admin, officer "
                             "(unknown roles; use admin, officer)")
        return value

    @property
    def restricted_role_set(self) -> frozenset[str]:
        return frozenset(v.strip() for v in self.restricted_roles.split(",") if v.strip())

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [v.strip() for v in self.trusted_proxies.split(",") if v.strip()]

    @field_validator("report_phases")
    @classmethod
    def _phases(cls, value: str) -> str:
        from .phases import parse_phases

        parse_phases(value)
        return value

    @field_validator("citizen_limit_client", "citizen_limit_subject", "login_limit_client")
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        from limits import parse_many

        try:
            if not parse_many(value):
                raise ValueError
        except ValueError:
            raise ValueError(f"giới hạn '{value[:60]}' không hợp lệ; viết dạng 10/minute;40/hour "
                             "(not a rate limit)") from None
        return value

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def audit_dir(self) -> Path:
        return self.data_dir / "audit"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def events_dir(self) -> Path:
        return self.data_dir / "events"

    @property
    def services_dir(self) -> Path:
        return self.data_dir / "services"

    @property
    def spool_dir(self) -> Path:
        """Files pushed through the API, named by their SHA-256, until a worker has them."""
        return self.data_dir / "spool"

    def database_dsn(self) -> str:
        """TRACUU_DATABASE_URL, or the local server's (its password is made at its first start)."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        pw_file = self.services_dir / "postgres" / "password"
        try:
            password = pw_file.read_text().strip()
        except OSError:
            raise SettingsError("TRACUU_DATABASE_URL: chưa đặt, và PostgreSQL cục bộ chưa chạy lần nào "
                                "(unset, and the local PostgreSQL was never started): "
                                "tracuu services start") from None
        return f"postgresql://tracuu:{password}@127.0.0.1:{self.postgres_port}/tracuu"

    @property
    def failed_dir(self) -> Path:
        return self.data_dir / "failed"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read from the environment once and checked: every wrong
    setting is named, each on its line, and nothing starts."""
    try:
        return Settings()
    except ValidationError as e:
        raise settings_error(e) from None


def settings_error(e: ValidationError) -> SettingsError:
    lines = []
    for err in e.errors():
        name = "TRACUU_" + str(err["loc"][0]).upper() if err["loc"] else "TRACUU_*"
        lines.append(f"{name}: {err['msg'].removeprefix('Value error, ')}")
    return SettingsError("Cấu hình không hợp lệ (invalid settings):\n" + "\n".join(lines))
