"""The manifest: the metadata a cataloguing clerk typed, one row per file.

``manifest.csv`` (UTF-8; Windows-1258 from old Excel installs is recognised and converted)
or ``manifest.xlsx``. Columns are record field names plus ``file`` (path relative to the
folder). Empty cells and absent columns mean "not given", to be extracted from the text.
A bad row is reported with its row number and reason and does not stop the others.

Identifiers (``subject_id``, ``dossier_code``, ``doc_number``) are stored in their one form
(archive/identifiers.py). A cell of an .xlsx is read as the text the clerk saw: a cell
Excel keeps as a *number* has lost its leading zeros (every CCCD starts with 0), and what
is left may have the shape of another kind (a CCCD without its two zeros has ten digits,
like an enterprise code), so in an identifier column such a cell is not used — unless its
display format pads it with zeros ('000000000000'), which gives back the digits shown. An
identifier that is not used, or not of a shape its column allows, is reported with the
row and the column (never the value: it may be a person's number) and only that cell is
left out: the rest of the row is the clerk's work and is kept, and the number printed on
the document is read from its text instead. docs/identifiers.md says why.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from archive.identifiers import canonical_doc_number, canonical_dossier_code, canonical_subject_id_of
from archive.records import MANIFEST_FIELDS, Record
from search.analysis import normalize
from search.errors import InvalidQuery

from .errors import ManifestError

MANIFEST_NAMES = ("manifest.csv", "manifest.xlsx")
DATE_FIELDS = ("issued_date", "valid_from", "valid_until")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9]")
#: Columns holding an identifier: a numeric .xlsx cell in them is not used.
IDENTIFIER_COLUMNS = ("subject_id", "dossier_code", "doc_number")
_NUMERIC_ID = ("cột '{}' không được dùng: Excel lưu ô này dạng số nên có thể đã bỏ các chữ số 0 ở đầu. Hãy "
               "định dạng cột là Văn bản (Text) rồi nhập lại, hoặc sửa trên hồ sơ sau khi nhập.")


class NumberCell(str):
    """The text of an .xlsx cell that Excel stores as a number (no leading zeros)."""


@dataclass
class Manifest:
    rows: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)  # file -> (row, values)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)

    def values_for(self, relpath: str) -> dict[str, Any]:
        return self.rows.get(relpath, (0, {}))[1]


def read_manifest(root: Path) -> Manifest:
    manifest = Manifest()
    csv_path, xlsx_path = root / MANIFEST_NAMES[0], root / MANIFEST_NAMES[1]
    if csv_path.exists():
        table = _read_csv(csv_path, manifest)
    elif xlsx_path.exists():
        table = _read_xlsx(xlsx_path)
    else:
        return manifest
    if not table:
        raise ManifestError(f"Tệp manifest trong '{root.name}' rỗng.")
    header = [str(h or "").strip() for h in table[0]]
    if "file" not in header:
        raise ManifestError("Manifest thiếu cột 'file' (đường dẫn tệp trong thư mục).")
    unknown = [h for h in header if h and h != "file" and h not in MANIFEST_FIELDS]
    if unknown:
        manifest.errors.append((1, f"cột không dùng được, bị bỏ qua: {', '.join(unknown)[:200]}"))
    for row_no, cells in enumerate(table[1:], start=2):
        row = {h: _cell(c) for h, c in zip(header, cells) if h}
        if not any(row.values()):
            continue
        rel = row.pop("file", "")
        if not rel:
            manifest.errors.append((row_no, "thiếu tên tệp ở cột 'file'"))
            continue
        try:
            values, problems = _parse_row(row)
        except ValueError as e:
            manifest.errors.append((row_no, f"{rel}: {e}"))
            continue
        manifest.errors.extend((row_no, f"{rel}: {problem}") for problem in problems)
        manifest.rows[Path(rel).as_posix()] = (row_no, values)
    return manifest


def _read_csv(path: Path, manifest: Manifest) -> list[list[str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        text = raw.decode("cp1258", errors="replace")
        if not _VIETNAMESE.search(normalize(text)):
            raise ManifestError(
                f"manifest.csv không phải UTF-8 (byte {e.start}); hãy lưu lại dưới dạng 'CSV UTF-8'."
            ) from e
        manifest.errors.append((0, "manifest.csv được lưu bằng bảng mã Windows-1258; đã chuyển sang "
                                   "Unicode. Lần sau hãy lưu dưới dạng 'CSV UTF-8'."))
    return list(csv.reader(io.StringIO(text)))


def _read_xlsx(path: Path) -> list[list[Any]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise ManifestError(f"Không đọc được manifest.xlsx ({type(e).__name__}); hãy lưu lại bằng Excel.") from e
    try:
        return [[_xlsx_value(c) for c in row] for row in book.worksheets[0].iter_rows()]
    finally:
        book.close()


def _xlsx_value(cell: Any) -> Any:
    """A cell's value; a number as the text Excel shows for it, marked as a number. Only a
    display format of zeros ('000000000000') says how many digits the clerk saw."""
    value = cell.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    shown = getattr(cell, "number_format", None) or ""
    # '0' is plain "Number, no decimals" (chosen so a CCCD is not shown as 1.08501E+11): it
    # pads nothing, so it says nothing of the zeros the number lost.
    if isinstance(value, int) and value >= 0 and re.fullmatch(r"0+", shown) and len(shown) > len(str(value)):
        return f"{value:0{len(shown)}d}"
    return NumberCell(value)


def _cell(value: Any) -> str | dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, NumberCell):
        return value
    return str(value).strip() if value is not None else ""


def parse_values(row: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """One manifest row given as a mapping of field to text (the push API's ``metadata``):
    the values as a folder's manifest.csv would give them, and the cells left out.
    Raises ValueError with the reason when a value is wrong."""
    return _parse_row({k: _cell(v) for k, v in row.items()})


def _parse_row(row: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The row's values, and what was left out of it (identifier cells that cannot be used)."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name, value in row.items():
        if name not in MANIFEST_FIELDS or value in ("", None):
            continue
        if name in DATE_FIELDS:
            values[name] = value if isinstance(value, dt.date) else _parse_date(name, value)
        elif name in IDENTIFIER_COLUMNS:
            if isinstance(value, NumberCell):
                problems.append(_NUMERIC_ID.format(name))
                continue
            try:
                values[name] = _identifier(name, value, row.get("subject_type"))
            except InvalidQuery as e:
                problems.append(f"cột '{name}' không được dùng: {e.message}")
        else:
            values[name] = normalize(str(value))
    try:
        checked = Record.model_validate({"id": "manifest-row", **values})
    except ValidationError as e:
        err = e.errors()[0]
        raise ValueError(f"giá trị cột '{err['loc'][0]}' không hợp lệ ({err['msg']})") from None
    return {k: getattr(checked, k) for k in values}, problems


def _identifier(name: str, value: str, subject_type: Any) -> str:
    """The identifier in its one form; a subject id of the shape its subject_type allows."""
    if name == "subject_id":
        kind = str(subject_type or "").strip().lower()
        return canonical_subject_id_of(value, kind if kind in ("citizen", "organization") else None)
    if name == "dossier_code":
        return canonical_dossier_code(value)
    return canonical_doc_number(value)


def _parse_date(name: str, value: str) -> dt.date:
    try:
        if m := _DMY.match(value):
            day, month, year = (int(g) for g in m.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"ngày ở cột '{name}' không hợp lệ: '{value[:20]}' (dùng YYYY-MM-DD hoặc dd/mm/yyyy)") from None
