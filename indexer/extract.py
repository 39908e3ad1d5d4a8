"""Text of born-digital files through the Apache Tika server: the only module that talks
to Tika.

We call Tika's REST API (``PUT /rmeta/text``) with httpx rather than the ``tika`` Python
package: that package's ``from_buffer`` mixes the names of embedded resources into the text
and cannot skip embedded documents, and we want our own timeouts and errors.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from search.config import Settings

from .errors import CorruptFile, EncryptedFile, ServiceDown, ServiceFailed


@dataclass(frozen=True)
class Extracted:
    text: str
    content_type: str
    pages: int
    tika_version: str


class TikaClient:
    def __init__(self, settings: Settings, retries: int = 3) -> None:
        self.url = settings.tika_url.rstrip("/")
        self.timeout = settings.tika_timeout
        self.retries = retries
        self._version: str | None = None
        # One client for the whole run: a new one per file built an SSL context and a TCP
        # connection each time (a quarter of the CPU of a born-digital ingest, by py-spy).
        self._http = httpx.Client(timeout=self.timeout)

    def close(self) -> None:
        self._http.close()

    def version(self) -> str:
        if self._version is None:
            r = self._request("GET", "/version", None)
            self._version = r.text.strip()
        return self._version

    def extract(self, path: Path) -> Extracted:
        r = self._request("PUT", "/rmeta/text", path.read_bytes(), name=path.name)
        if r.status_code == 422:
            raise _unprocessable(path, r.text)
        if r.status_code >= 400:
            raise ServiceFailed(f"Tika trả lỗi {r.status_code} với tệp '{path.name}'.")
        meta = (r.json() or [{}])[0]
        exc = str(meta.get("X-TIKA:EXCEPTION:container_exception", ""))
        if exc:
            raise _unprocessable(path, exc)
        pages = int(meta.get("xmpTPg:NPages", 0) or 0)
        return Extracted(
            text=_without_title(str(meta.get("X-TIKA:content") or ""), meta.get("dc:title")),
            content_type=str(meta.get("Content-Type", "")),
            pages=pages,
            tika_version=self.version(),
        )

    def _request(self, method: str, route: str, body: bytes | None, name: str = "") -> httpx.Response:
        """Retry with backoff when Tika is down or slow; the file is not to blame for that."""
        # Tika would OCR images itself with tesseract's English model; OCR is ours to do.
        headers = {"Accept": "application/json", "X-Tika-Skip-Embedded": "true",
                   "X-Tika-OCRskipOcr": "true", "X-Tika-PDFOcrStrategy": "no_ocr"}
        delay = 1.0
        for attempt in range(1, self.retries + 1):
            try:
                return self._http.request(method, self.url + route, content=body, headers=headers)
            except httpx.ReadTimeout:
                # Tika took the file but did not finish: this file is too hard, the next may not be.
                raise ServiceFailed(
                    f"Tika không đọc xong tệp '{name}' trong {self.timeout:.0f} giây; tệp được để riêng "
                    "để xem lại (có thể quá lớn hoặc hỏng)."
                ) from None
            except httpx.TransportError as e:
                if attempt == self.retries:
                    raise ServiceDown(
                        f"Không kết nối được Tika tại {self.url} ({type(e).__name__})"
                        + (f" khi đọc tệp '{name}'" if name else "")
                        + "; kiểm tra bằng 'tracuu services status'."
                    ) from e
                time.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")


def _unprocessable(path: Path, detail: str) -> Exception:
    if "EncryptedDocumentException" in detail or "password" in detail.lower():
        return EncryptedFile(
            f"Tệp '{path.name}' được đặt mật khẩu; hãy xin bản không mật khẩu từ cơ quan ban hành."
        )
    return CorruptFile(f"Tệp '{path.name}' bị hỏng hoặc không đọc được (Tika: {detail.splitlines()[0][:160] if detail else 'lỗi'}).")


def _without_title(text: str, title: object) -> str:
    """Tika's text output starts with the document's metadata title (the XHTML ``<title>``),
    which is not on the page: PDF writers put "untitled" or a file name there. Drop it."""
    if isinstance(title, list):
        title = title[0] if title else None
    if not isinstance(title, str) or not title.strip():
        return text
    body = text.lstrip()
    first, _, rest = body.partition("\n")
    return rest if first.strip() == title.strip() else text
