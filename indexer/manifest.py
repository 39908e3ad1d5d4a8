"""manifest.csv: the metadata a cataloguing clerk typed, one row per file.

Columns are record field names plus ``file`` (path relative to the folder). Empty cells and
absent columns mean "not given", to be extracted from the text. A bad row is reported with
its row number and reason and does not stop the others.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from search.analysis import normalize
from search.records import MANIFEST_FIELDS, Record

from .errors import ManifestError

MANIFEST_NAME = "manifest.csv"
DATE_FIELDS = ("issued_date", "valid_from", "valid_until")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass
class Manifest:
    rows: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)  # file -> (row, values)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)

    def values_for(self, relpath: str) -> dict[str, Any]:
        return self.rows.get(relpath, (0, {}))[1]


def read_manifest(root: Path) -> Manifest:
    path = root / MANIFEST_NAME
    manifest = Manifest()
    if not path.exists():
        return manifest
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise ManifestError(
            f"{MANIFEST_NAME} không phải UTF-8 (byte {e.start}); hãy lưu lại dưới dạng 'CSV UTF-8'."
        ) from e
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in reader.fieldnames or []]
    if "file" not in header:
        raise ManifestError(f"{MANIFEST_NAME} thiếu cột 'file' (đường dẫn tệp trong thư mục).")
    unknown = [h for h in header if h and h != "file" and h not in MANIFEST_FIELDS]
    if unknown:
        manifest.errors.append((1, f"cột không dùng được, bị bỏ qua: {', '.join(unknown)[:200]}"))
    for row_no, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k}
        rel = row.pop("file", "")
        if not rel:
            manifest.errors.append((row_no, "thiếu tên tệp ở cột 'file'"))
            continue
        try:
            values = _parse_row(row)
        except ValueError as e:
            manifest.errors.append((row_no, f"{rel}: {e}"))
            continue
        manifest.rows[Path(rel).as_posix()] = (row_no, values)
    return manifest


def _parse_row(row: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in row.items():
        if name not in MANIFEST_FIELDS or not value:
            continue
        if name in DATE_FIELDS:
            values[name] = _parse_date(name, value)
        else:
            values[name] = normalize(value)
    try:
        checked = Record.model_validate({"id": "manifest-row", **values})
    except ValidationError as e:
        err = e.errors()[0]
        raise ValueError(f"giá trị cột '{err['loc'][0]}' không hợp lệ ({err['msg']})") from None
    return {k: getattr(checked, k) for k in values}


def _parse_date(name: str, value: str) -> dt.date:
    try:
        if m := _DMY.match(value):
            day, month, year = (int(g) for g in m.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"ngày ở cột '{name}' không hợp lệ: '{value[:20]}' (dùng YYYY-MM-DD hoặc dd/mm/yyyy)") from None
