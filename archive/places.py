"""Places as printed and as they are now: the 1 July 2025 reorganisation of provinces and
communes (63 provinces -> 34, district level abolished, ~10,000 communes -> 3,321).

A record keeps the units printed on it (``province``, ``district``, ``commune``: never
rewritten). From them and the issue date this module derives the units the place lies in
today, from the official conversion table shipped as data (``data/places_2025.csv``, built
by scripts/build_places.py; docs/places.md says where it comes from and how to update it):

    >>> current_units("tỉnh Bắc Giang", "huyện Lục Ngạn", "xã Tân Mộc", dt.date(2021, 4, 8))
    CurrentUnits(current_province='Bắc Ninh', current_commune='xã Nam Dương', ...)

Nothing is guessed. An old commune split between several new ones (441 of them) keeps every
candidate (``current_commune_candidates``) with a note saying why, and no current commune;
so does a commune name that repeats in a province when no district is printed. A record
printed with the new units (issued on or after 1 July 2025, no district) maps to itself.

Names are compared by a key that ignores case, spacing and where the tone mark sits
('Hoà' = 'Hòa': search/analysis.normalize) but never drops a diacritic (Quảng Tiến is not
Quảng Tiên). The unit word is part of a name ('phường Chương Dương' is not 'xã Chương
Dương'): a name typed with it is matched with it, a bare name matches any unit word.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field

from search.analysis import normalize

DATA_DIR = Path(__file__).resolve().parent / "data"
TABLE = DATA_DIR / "places_2025.csv"
META = DATA_DIR / "places_2025.meta.json"
#: The day the new units took effect (Nghị quyết 202/2025/QH15, 1654-1687/NQ-UBTVQH15).
EFFECTIVE = dt.date(2025, 7, 1)

#: Unit words by level, longest first, with the short forms clerks type ('TP.', 'TX', 'TT').
_PROVINCE_WORDS = {"thành phố": "thành phố", "tỉnh": "tỉnh", "tp.": "thành phố", "tp": "thành phố"}
_DISTRICT_WORDS = {"thành phố": "thành phố", "thị xã": "thị xã", "huyện": "huyện", "quận": "quận",
                   "tp.": "thành phố", "tp": "thành phố", "tx.": "thị xã", "tx": "thị xã",
                   "h.": "huyện", "q.": "quận"}
_COMMUNE_WORDS = {"thị trấn": "thị trấn", "đặc khu": "đặc khu", "phường": "phường", "xã": "xã",
                  "tt.": "thị trấn", "tt": "thị trấn", "p.": "phường", "x.": "xã"}
WORDS = {"province": _PROVINCE_WORDS, "district": _DISTRICT_WORDS, "commune": _COMMUNE_WORDS}
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})


class CurrentUnits(BaseModel):
    """Where a printed place lies today. ``current_province`` is the province's name
    ('Bắc Ninh', 'Hà Nội'); ``current_commune`` the commune with its unit word, as the 2025
    resolutions write it ('xã Nam Dương', 'phường Trương Quang Trọng', 'đặc khu Côn Đảo')."""

    current_province: str | None = None
    current_commune: str | None = None
    current_units_note: str | None = Field(
        None, description="Why no single current commune: split between several, a name that repeats, or not "
                          "in the conversion table.")
    current_commune_candidates: list[str] = Field(
        default_factory=list, description="Every commune the place may now be in, when there is more than one.")

    @property
    def ambiguous(self) -> bool:
        """Several candidates: a person has to decide (the record goes on the review list)."""
        return len(self.current_commune_candidates) > 1


# -- names and keys ----------------------------------------------------------------------


@lru_cache(maxsize=65536)
def split_unit(level: str, name: str) -> tuple[str | None, str]:
    """('xã', 'Tân Mộc') for 'Xã Tân Mộc'; (None, 'Tân Mộc') for a bare name. The unit word
    in its full lower-case form ('TP.' -> 'thành phố')."""
    text = " ".join(normalize(name).split())
    low = text.lower()
    for word, full in WORDS[level].items():
        if low.startswith(word) and len(low) > len(word):
            rest = text[len(word):]
            if word.endswith(".") or rest[0] == " ":
                return full, rest.strip(" .")
    return None, text


@lru_cache(maxsize=65536)
def key(name: str) -> str:
    """Comparison key of a bare name: case, spacing, apostrophes, dashes, leading zeros and
    the place of the tone mark do not count; diacritics do."""
    text = normalize(name).translate(_APOSTROPHES).lower()
    text = re.sub(r"\s*[-–]\s*", " - ", text)
    text = re.sub(r"(?<!\d)0+(\d)", r"\1", text)  # 'Phường 01' = 'Phường 1'
    return " ".join(text.strip(" .,;").split())


def unit_key(level: str, name: str) -> str:
    """The key of a name as given: with its unit word when it has one ('xã tân mộc'),
    bare otherwise ('tân mộc'). Provinces are always bare: no two share a name."""
    word, rest = split_unit(level, name)
    if word is None or level == "province":
        return key(rest)
    return f"{word} {key(rest)}"


def unit_keys(level: str, name: str) -> list[str]:
    """Every key a name is found by: with its unit word and bare."""
    word, rest = split_unit(level, name)
    keys = [key(rest)]
    if word is not None and level != "province":
        keys.insert(0, f"{word} {key(rest)}")
    return keys


def display(level: str, name: str) -> str:
    """A name as the resolutions write it in running text: the unit word in lower case
    ('Xã Nam Dương' -> 'xã Nam Dương'), a province by its name alone ('Tỉnh Bắc Ninh' ->
    'Bắc Ninh'), with the project's one tone-mark placement."""
    word, rest = split_unit(level, name)
    if level == "province" or word is None:
        return rest
    return f"{word} {rest}"


# -- the table ---------------------------------------------------------------------------


@dataclass
class _OldCommune:
    province: str             # display forms: 'tỉnh Bắc Giang' is shown as 'Bắc Giang'
    district: str             # 'huyện Lục Ngạn'
    name: str                 # 'xã Tân Mộc'
    new: list[str] = field(default_factory=list)  # 'xã Nam Dương' (several: split)


@dataclass
class Table:
    """The conversion table, indexed for lookups by key."""

    #: bare key of an old province -> the new province's name
    old_province: dict[str, str] = field(default_factory=dict)
    #: bare key of a new province -> its name; and its unit word
    new_province: dict[str, str] = field(default_factory=dict)
    province_word: dict[str, str] = field(default_factory=dict)
    #: old province key -> district key (with and without unit word, aliases) -> district ids
    districts: dict[str, dict[str, list[tuple[str, str]]]] = field(default_factory=dict)
    #: district id -> commune key -> old communes (and the same for a whole province)
    district_communes: dict[tuple[str, str], dict[str, list[_OldCommune]]] = field(default_factory=dict)
    province_communes: dict[str, dict[str, list[_OldCommune]]] = field(default_factory=dict)
    #: district id -> the new communes its communes went to (a district without communes
    #: — the island districts — went whole to one đặc khu)
    district_new: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    district_has_communes: set[tuple[str, str]] = field(default_factory=set)
    #: new province key -> commune key -> new communes
    new_communes: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)


def _add(index: dict, keys: Iterable[str], value) -> None:
    for k in dict.fromkeys(keys):
        bucket = index.setdefault(k, [])
        if value not in bucket:
            bucket.append(value)


def _aliases(cell: str) -> list[str]:
    return [a.strip() for a in cell.split("|") if a.strip()]


def read_table(path: Path = TABLE) -> Table:
    table = Table()
    communes: dict[str, _OldCommune] = {}  # by old code, or district for a district without communes
    with path.open(encoding="utf-8", newline="") as f:
        lines = []
        for line in f:
            if line.startswith("#"):
                table.comments.append(line[1:].strip())
            else:
                lines.append(line)
    seen: set[tuple[str, ...]] = set()  # names already indexed (the table repeats them row by row)
    for row in csv.DictReader(lines):
        new_province = display("province", row["new_province"])
        pkey = key(new_province)
        old_province = display("province", row["old_province"])
        okey = key(old_province)
        new_commune = display("commune", row["new_commune"])
        district = display("district", row["old_district"])
        did = (old_province, district)
        if ("p", old_province) not in seen:
            seen.add(("p", old_province))
            table.new_province[pkey] = new_province
            table.province_word[new_province] = split_unit("province", row["new_province"])[0] or "tỉnh"
            table.old_province[okey] = new_province
        if ("n", pkey, new_commune) not in seen:
            seen.add(("n", pkey, new_commune))
            _add(table.new_communes.setdefault(pkey, {}),
                 [k for n in [row["new_commune"], *_aliases(row["new_commune_aliases"])]
                  for k in unit_keys("commune", n)], new_commune)
        if ("d", *did) not in seen:
            seen.add(("d", *did))
            _add(table.districts.setdefault(okey, {}),
                 [k for n in [row["old_district"], *_aliases(row["old_district_aliases"])]
                  for k in unit_keys("district", n)], did)
        if new_commune not in table.district_new.setdefault(did, []):
            table.district_new[did].append(new_commune)
        if not row["old_commune"]:
            continue
        table.district_has_communes.add(did)
        code = row["old_commune_code"] or f"{did}/{row['old_commune']}"
        old = communes.get(code)
        if old is None:
            old = communes[code] = _OldCommune(old_province, district, display("commune", row["old_commune"]))
            keys = [k for n in [row["old_commune"], *_aliases(row["old_commune_aliases"])]
                    for k in unit_keys("commune", n)]
            _add(table.district_communes.setdefault(did, {}), keys, old)
            _add(table.province_communes.setdefault(okey, {}), keys, old)
        if new_commune not in old.new:
            old.new.append(new_commune)
    return table


@lru_cache(maxsize=1)
def table() -> Table:
    """The shipped table, read once per process (~10,600 rows)."""
    return read_table(TABLE)


@lru_cache(maxsize=1)
def meta() -> dict:
    """Source, date and counts of the shipped table (data/places_2025.meta.json)."""
    return json.loads(META.read_text(encoding="utf-8"))


#: Provinces of results still valid that the table (units of 2024 and 2025) names otherwise:
#: Thừa Thiên Huế (the city of Huế from 2025) and Hà Tây (in Hà Nội since 2008).
_FORMER_PROVINCES = frozenset({"thừa thiên huế", "thừa thiên - huế", "hà tây"})


def is_province(name: str) -> bool:
    """Whether a bare name is a province's, before July 2025 or after ('Bắc Giang', 'Huế')."""
    k = key(name)
    return k in table().old_province or k in table().new_province or k in _FORMER_PROVINCES


def province_title(name: str) -> str:
    """'Bắc Ninh' -> 'tỉnh Bắc Ninh', 'Hà Nội' -> 'thành phố Hà Nội' (a current province)."""
    return f"{table().province_word.get(name, 'tỉnh')} {name}"


# -- lookups -----------------------------------------------------------------------------


def _find(index: dict[str, list], level: str, name: str) -> list:
    """Entries for a name: with its unit word when typed so, else (or when that finds
    nothing) by the bare name."""
    typed = unit_key(level, name)
    found = index.get(typed, [])
    if not found:
        found = index.get(key(split_unit(level, name)[1]), [])
    return found


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _old_units(t: Table, okey: str, district: str | None, commune: str | None, printed: str) -> CurrentUnits | None:
    """The current units of a place printed with the old units (None: not an old province)."""
    new_province = t.old_province.get(okey)
    if new_province is None:
        return None
    out = CurrentUnits(current_province=new_province)
    dids = _find(t.districts.get(okey, {}), "district", district) if district else []
    if not commune:
        if len(dids) == 1 and dids[0] not in t.district_has_communes:  # an island district: now a đặc khu
            out.current_commune = t.district_new[dids[0]][0]
        return out
    olds: list[_OldCommune] = []
    for did in dids:
        olds += _find(t.district_communes.get(did, {}), "commune", commune)
    if not olds:  # no district printed, or one not in the table (misread, renamed): the province's
        olds = _find(t.province_communes.get(okey, {}), "commune", commune)
    if not olds:
        out.current_units_note = (f"Không tìm thấy {commune} ({district or 'không ghi quận/huyện'}, {printed}) "
                                  f"trong bảng chuyển đổi đơn vị hành chính năm 2025: chưa xác định được xã, "
                                  f"phường hiện nay.")
        return out
    candidates = _unique(n for old in olds for n in old.new)
    if len(candidates) == 1:
        out.current_commune = candidates[0]
        return out
    out.current_commune_candidates = candidates
    if len(olds) == 1:
        out.current_units_note = (f"{olds[0].name} ({olds[0].district}) được sắp xếp vào {len(candidates)} đơn vị "
                                  f"mới: {', '.join(candidates)}. Cần xác định theo địa chỉ cụ thể; hệ thống không "
                                  f"tự chọn.")
    else:
        where = "; ".join(f"{o.name}, {o.district}" for o in olds)
        out.current_units_note = (f"Có {len(olds)} đơn vị tên {commune} ở {printed} ({where}) và văn bản không "
                                  f"ghi rõ quận/huyện; nay thuộc một trong: {', '.join(candidates)}. Cần xác định "
                                  f"theo địa chỉ cụ thể.")
    return out


def _letters(name: str) -> str:
    """A bare name without its marks ('Hoằng Quỳ', 'Hoằng Quy' -> 'hoang quy')."""
    text = unicodedata.normalize("NFD", key(name)).replace("đ", "d")
    return "".join(c for c in text if not unicodedata.combining(c))


def listed_spellings(province: str, district: str | None, commune: str) -> list[str] | None:
    """Whether the national list has the commune as spelled: [] if it does; the listed names
    of that district (or, with no district, of that new province) with the same letters but
    other marks if it does not ('xã Hoằng Quỳ' for a reading 'xã Hoằng Quy'); None when the
    province or district is not in the list, so nothing can be said. A name with no listed
    look-alike is not called wrong: the list lacks the units abolished early in 2025."""
    t = table()
    okey = key(split_unit("province", province)[1])
    if district and okey in t.old_province:
        dids = _find(t.districts.get(okey, {}), "district", district)
        if not dids:
            return None
        if any(_find(t.district_communes.get(did, {}), "commune", commune) for did in dids):
            return []
        listed = {o.name for did in dids for olds in t.district_communes.get(did, {}).values() for o in olds}
    elif not district and okey in t.new_province:
        if _find(t.new_communes.get(okey, {}), "commune", commune):
            return []
        listed = {n for names in t.new_communes.get(okey, {}).values() for n in names}
    else:
        return None
    word, bare = split_unit("commune", commune)
    letters = _letters(bare)
    return sorted(n for n in listed if _letters(split_unit("commune", n)[1]) == letters
                  and (word is None or split_unit("commune", n)[0] == word))


def _new_units(t: Table, pkey: str, commune: str | None) -> CurrentUnits | None:
    """A place printed with the new units (None: not a new province, or a commune it lacks)."""
    province = t.new_province.get(pkey)
    if province is None:
        return None
    if not commune:
        return CurrentUnits(current_province=province)
    found = _find(t.new_communes.get(pkey, {}), "commune", commune)
    if len(found) != 1:
        return None
    return CurrentUnits(current_province=province, current_commune=found[0])


def current_units(province: str | None, district: str | None = None, commune: str | None = None,
                  issued_date: dt.date | None = None) -> CurrentUnits:
    """Where the printed place lies today. The period is decided first, as names repeat
    across periods (278 old communes share a name with another new commune of their
    province): a district printed, or an issue date before 1 July 2025, means the old units;
    otherwise the new ones, and the old ones if the place is not among them (an address
    written the old way after that day)."""
    if not province or not province.strip():
        return CurrentUnits()
    t = table()
    okey = key(split_unit("province", province)[1])
    district = district.strip() if district and district.strip() else None
    commune = commune.strip() if commune and commune.strip() else None
    printed = province.strip()
    old_period = district is not None or (issued_date is not None and issued_date < EFFECTIVE)
    found = None if old_period else _new_units(t, okey, commune)
    if found is None:
        found = _old_units(t, okey, district, commune, printed)
    elif issued_date is None and commune and (old := _old_units(t, okey, None, commune, printed)) is not None:
        # No date and no district: the period is unknown. Where the name means one unit
        # read the new way and another read the old way, both are candidates.
        either = _unique([found.current_commune, old.current_commune, *old.current_commune_candidates])
        either = [n for n in either if n]
        if len(either) > 1:
            found = CurrentUnits(
                current_province=found.current_province, current_commune_candidates=either,
                current_units_note=f"Văn bản không ghi ngày ban hành và quận/huyện: {commune} có thể là tên trước "
                                   f"hoặc sau ngày 01/7/2025; nay thuộc một trong: {', '.join(either)}.")
    if found is None:
        return CurrentUnits(current_units_note=f"Không tìm thấy {printed} trong danh mục tỉnh, thành phố (trước và "
                                               f"sau ngày 01/7/2025).")
    return found


# -- keys for search ----------------------------------------------------------------------

#: Levels of the place keys, printed and current (``place_keys`` in the index).
PRINTED_LEVELS = ("province", "district", "commune")
CURRENT_LEVELS = ("current_province", "current_commune", "candidate_commune")


def _level_of(name: str) -> str:
    return {"current_province": "province", "current_commune": "commune", "candidate_commune": "commune"}.get(name, name)


def place_keys(units: dict[str, str | list[str] | None]) -> list[str]:
    """The index's keys of a record's places, one per level and spelling: 'province:bắc
    giang', 'commune:xã tân mộc', 'commune:tân mộc', 'current_province:bắc ninh' …"""
    out: list[str] = []
    for level in (*PRINTED_LEVELS, *CURRENT_LEVELS):
        values = units.get(level) or []
        for value in [values] if isinstance(values, str) else values:
            out += [f"{level}:{k}" for k in unit_keys(_level_of(level), value) if k]
    return list(dict.fromkeys(out))


def filter_keys(level: str, value: str) -> list[str]:
    """The keys a filter value matches at a level: the value as typed ('xã Tân Mộc' only
    that xã; 'Tân Mộc' any unit of that name)."""
    k = unit_key(_level_of(level), value)
    return [f"{level}:{k}"] if k else []


def place_names(units: dict[str, str | list[str] | None]) -> list[str]:
    """The names of a record's places as a query may say them, in lower case: each unit with
    and without its unit word, printed and current ('bắc giang', 'tỉnh bắc giang', 'bắc
    ninh' …). Names of one word or of digits only ('1' of 'Quận 1') are kept only with their
    unit word."""
    out: list[str] = []
    for level in ("province", "district", "commune", "current_province", "current_commune"):
        value = units.get(level)
        if not isinstance(value, str) or not value.strip():
            continue
        lvl = _level_of(level)
        word, rest = split_unit(lvl, value)
        if level == "current_province":
            word = table().province_word.get(rest, "tỉnh")
        if word:
            out.append(f"{word} {rest}")
        if len(rest.split()) > 1 and not rest.replace(" ", "").isdigit():
            out.append(rest)
    return list(dict.fromkeys(" ".join(normalize(n).lower().split()) for n in out))


@dataclass
class Address:
    """An address as a citizen or another system gives it, in the old form ('xã Tân Mộc,
    huyện Lục Ngạn, tỉnh Bắc Giang') or the new ('xã Nam Dương, tỉnh Bắc Ninh'), or any
    tail of it ('Bắc Ninh'). What a record must match to be at that address: its province
    (printed or current) and, when given, its commune (printed, current or a candidate)."""

    province: str | None = None
    district: str | None = None
    commune: str | None = None
    units: CurrentUnits = field(default_factory=CurrentUnits)

    @property
    def empty(self) -> bool:
        return not (self.province or self.district or self.commune)

    def clauses(self) -> list[list[str]]:
        """Groups of place keys; a record matches when it has one key of every group."""
        groups: list[list[str]] = []
        if self.province:
            names = _unique([self.province, *([self.units.current_province] if self.units.current_province else [])])
            groups.append(_unique(k for n in names for level in ("province", "current_province")
                                  for k in filter_keys(level, n)))
        if self.commune:
            names = _unique([self.commune, *([self.units.current_commune] if self.units.current_commune else []),
                             *self.units.current_commune_candidates])
            groups.append(_unique(k for n in names for level in ("commune", "current_commune", "candidate_commune")
                                  for k in filter_keys(level, n)))
        elif self.district:
            # A district alone: records printed with it, or now in a commune its communes went to.
            prov = key(split_unit("province", self.province or "")[1])
            dids = _find(table().districts.get(prov, {}), "district", self.district) if self.province else []
            news = _unique(n for did in dids for n in table().district_new.get(did, []))
            groups.append(_unique([*filter_keys("district", self.district),
                                   *(k for n in news for k in filter_keys("current_commune", n))]))
        return groups

    def matches(self, keys: Iterable[str]) -> bool:
        have = set(keys)
        return all(have.intersection(group) for group in self.clauses())


def parse_address(text: str, issued_date: dt.date | None = None) -> Address:
    """The units named at the end of an address, read from the right: a province (by its
    unit word, or a name of one, old or new), then a district, then a commune; the street
    before them is not needed. 'Nam Dương, Bắc Ninh' is read too: a bare part after the
    province is a commune."""
    parts = [p.strip() for p in normalize(text).replace(";", ",").split(",") if p.strip()]
    t = table()
    out = Address()
    for part in reversed(parts):
        if out.province is None:
            word, rest = split_unit("province", part)
            if word or key(rest) in t.old_province or key(rest) in t.new_province:
                out.province = part
                continue
        if out.district is None and out.commune is None and split_unit("district", part)[0] \
                and not split_unit("commune", part)[0]:
            out.district = part
            continue
        if out.commune is None and (split_unit("commune", part)[0] or out.province):
            out.commune = part
        break
    if out.province:
        out.units = current_units(out.province, out.district, out.commune, issued_date)
    return out
