#!/usr/bin/env python3
"""Build archive/data/places_2025.csv: every commune-level unit before 1 July 2025 -> the
commune(s) it now lies in. Rerun it and commit the CSV to update the data; no code changes.

Source of the mapping: the National Statistics Office's conversion table
"Bảng chuyển đổi ĐVHC mới - cũ" (file BangChuyendoiĐVHCmoi_cu_final.xlsx, sheet
"Tổng hợp_không merge", Cục Thống kê / NSO, made for the 1 July 2025 reorganisation decided
by Resolution 202/2025/QH15 and the 34 resolutions 1654-1687/NQ-UBTVQH15 of 16 June 2025).

The table reaches us through the PyPI package ``vietnam-provinces`` 2026.9.0, which embeds it
as data (``_ward_conversion_2025.py``: old GSO code -> new GSO code(s)), together with the NSO
list of new units (``_lookup.py``) and the GSO list of units as of 2025-01-04
(``legacy/_lookup.py``). Those files are read as *data* with ``ast``: nothing of the package
is imported or executed, and it is not a dependency of Tra cứu (docs/places.md: licences).

    pip download vietnam-provinces==2026.9.0 vietnamadminunits==1.0.4 --no-deps \
        --only-binary=:all: --python-version 3.12 -d /tmp/vp
    .venv/bin/python scripts/build_places.py \
        --wheel /tmp/vp/vietnam_provinces-2026.9.0-py3-none-any.whl \
        --names-wheel /tmp/vp/vietnamadminunits-1.0.4-py3-none-any.whl

``--names-wheel`` (recommended; MIT): vietnamadminunits 1.0.4 ships, in data/dataset.db, the GSO
list of units as it stood on 2025-07-18 (table admin_units_legacy) - the names and codes that
the NSO table itself uses, including the renames and re-codings of January-June 2025 (thị xã
Mộc Châu, HCMC wards re-coded, ...), which the 2025-01-04 list inside vietnam-provinces lacks.
Only that table (and the list of new units, for spellings) is read; its conversion data is not
used, and its address converter (which geocodes over the internet) never runs.

Wheels used for the committed output (sha256):
    vietnam_provinces-2026.9.0-py3-none-any.whl  b5f3540a98937d38b9bebcbdb792fa4f5b9712737d41b05c7254beb2308ebcd1
    vietnamadminunits-1.0.4-py3-none-any.whl     737ee3662e877290386c1c45ed4d71f2e5fae34ab6fb9c64bfb4cb74b216ea35
(``--python-version 3.12`` is needed because vietnam-provinces 2026.9.0 declares Requires-Python
>=3.12; on 3.11 pip would silently pick 2025.10.1, which has no conversion table. Nothing is
installed, so the project's Python 3.11 is not a problem.)

Optional ``--nso-csv``: the NSO sheet itself exported as CSV (9 columns: new province, new
commune, new code, old commune, old code, note "Ghi chú", old district, old province). When
given, it adds the NSO note (e.g. "Nhập một phần diện tích, toàn bộ dân số"), the NSO's own
spellings of old names as aliases, the non-commune coastal area of Kim Sơn, and it
cross-checks the wheel pair by pair (a warning lists any disagreement beyond the errata).

ERRATA below correct the NSO table where it contradicts the resolutions' own text; each
entry cites the clause. Nothing else is changed.

Output: ``#`` lines (source, date, how it was built), then one row per (old unit, new commune)
pair, UTF-8 (NFC), comma-separated, with a header; and a .meta.json beside it (source, counts,
the 63 -> 34 province map, the errata). A commune split between several new communes has one
row per candidate: nothing is chosen. The output is deterministic: the same wheels give the
same bytes.
"""
from __future__ import annotations

import argparse
import ast
import collections
import csv
import json
import re
import sys
import unicodedata
import zipfile
from pathlib import Path

SOURCE = 'NSO Bảng chuyển đổi ĐVHC mới-cũ 2025 (via vietnam-provinces {ver})'
SOURCE_LONG = ('Mapping: NSO (Cục Thống kê) "Bảng chuyển đổi ĐVHC mới - cũ" (BangChuyendoiĐVHCmoi_cu_final.xlsx, '
               'sheet "Tổng hợp_không merge"), as embedded in PyPI vietnam-provinces {ver} (data {dver}), '
               'with {n} errata from the NQ-UBTVQH15 resolutions. New unit names: NSO list (same package). '
               'Old unit names: {oldsrc}.{nsocsv}')
EFFECTIVE = '2025-07-01'

# Corrections to the NSO table, each read in the resolution text (Điều 1, khoản N).
# op: ("remove"|"add", old GSO code, new GSO code, reason)
ERRATA = [
    ('remove', '00553', '00562', 'NSO row "Xã Đặng Xá -> Xã Thuận An" carries Cổ Bi\'s code 00553; '
     'NQ 1656/NQ-UBTVQH15 khoản 110: part of xã Đặng Xá (not Cổ Bi) goes to xã Thuận An'),
    ('add', '00556', '00562', 'NQ 1656/NQ-UBTVQH15 khoản 110: một phần diện tích, toàn bộ dân số '
     'của xã Đặng Xá -> xã Thuận An (NSO row has the wrong old code 00553)'),
    ('remove', '01615', '01648', 'NSO row "Xã Mỹ Hưng -> Xã Phục Hòa" carries Hồng Quang\'s code 01615; '
     'NQ 1657/NQ-UBTVQH15 khoản 39: xã Hồng Quang -> xã Bế Văn Đàn only'),
    ('add', '01651', '01648', 'NQ 1657/NQ-UBTVQH15 khoản 38: xã Mỹ Hưng (huyện Quảng Hòa) -> xã Phục Hòa '
     '(NSO row has the wrong old code 01615)'),
    ('remove', '02485', '02494', 'NSO row "Xã Phú Thịnh -> Xã Thái Bình" carries Công Đa\'s code 02485; '
     'NQ 1684/NQ-UBTVQH15 khoản 27: xã Công Đa -> xã Trung Sơn only'),
    ('add', '02482', '02494', 'NQ 1684/NQ-UBTVQH15 khoản 28: xã Phú Thịnh (huyện Yên Sơn) -> xã Thái Bình '
     '(NSO row has the wrong old code 02485)'),
    ('add', '23053', '23041', 'NQ 1671/NQ-UBTVQH15 khoản 46: một phần diện tích tự nhiên của xã Hòa Thắng '
     '-> xã Hồng Thái; khoản 51: phần còn lại -> xã Hòa Thắng (NSO lists only Hòa Thắng, "Nhập toàn bộ")'),
]

# Districts that had no commune level: the whole district became a special zone (đặc khu).
WHOLE_DISTRICT_ZONES = ['Bạch Long Vĩ', 'Cồn Cỏ', 'Hoàng Sa', 'Lý Sơn', 'Côn Đảo']

TONES = {'\u0300': '2', '\u0301': '1', '\u0303': '4', '\u0309': '3', '\u0323': '5'}


def nfc(s: str) -> str:
    return unicodedata.normalize('NFC', re.sub(r'\s+', ' ', s or '').strip())


def loose(s: str) -> str:
    """Comparison key: no type word, no diacritics/spaces/apostrophes, Roman numerals and
    leading zeros as digits, i == y. Only used to match the NSO sheet against the GSO list."""
    s = nfc(s).lower()
    s = re.sub(r'\s*\(\d+\)\s*$', '', s)
    for p in ('thành phố', 'thị trấn', 'thi trấn', 'thị xã', 'đặc khu', 'phường', 'huyện', 'quận', 'tỉnh', 'xã', 'xa'):
        if s.startswith(p + ' '):
            s = s[len(p) + 1:]
            break
    s = re.sub(r'\b0+(\d)', r'\1', s.replace('-', ' '))
    roman = {'i': '1', 'ii': '2', 'iii': '3', 'iv': '4', 'v': '5', 'vi': '6', 'vii': '7', 'viii': '8', 'ix': '9', 'x': '10'}
    s = ' '.join(roman.get(w, w) for w in s.split())
    s = unicodedata.normalize('NFD', s.replace('đ', 'd'))
    s = ''.join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[\s'’‘]", '', s).replace('y', 'i')


# ---------------------------------------------------------------- wheel (read as data)
class Wheel:
    def __init__(self, path: Path):
        self.files = {}
        if path.is_dir():
            for f in path.rglob('*.py'):
                self.files[str(f.relative_to(path)).replace('\\', '/')] = f.read_text(encoding='utf-8')
        else:
            with zipfile.ZipFile(path) as z:
                for n in z.namelist():
                    if n.endswith('.py'):
                        self.files[n] = z.read(n).decode('utf-8')

    def src(self, suffix: str) -> str:
        hits = [v for k, v in self.files.items() if k.endswith(suffix)]
        if len(hits) != 1:
            raise SystemExit(f'{suffix}: found {len(hits)} files in the wheel')
        return hits[0]

    @staticmethod
    def assigns(src: str) -> dict:
        out = {}
        for node in ast.parse(src).body:
            tgt = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, 'target', None)
            if isinstance(tgt, ast.Name) and getattr(node, 'value', None) is not None:
                out[tgt.id] = node.value
        return out

    @staticmethod
    def code(node) -> int:
        # ProvinceCode.P_01 / DistrictCode.D_001 / WardCode.W_00004
        return int(node.attr.split('_', 1)[1])

    def version(self):
        a = self.assigns(self.src('vietnam_provinces/__init__.py'))
        return ast.literal_eval(a['__version__']), ast.literal_eval(a['__data_version__'])

    def units(self, suffix: str, name: str):
        d = self.assigns(self.src(suffix))[name]
        out = {}
        for k, v in zip(d.keys, d.values):
            args = v.args
            out[k.value] = dict(name=nfc(args[0].value), parent=self.code(args[-1]) if isinstance(args[-1], ast.Attribute) else None)
        return out

    def conversion(self):
        a = self.assigns(self.src('vietnam_provinces/_ward_conversion_2025.py'))
        out = {}
        d = a['OLD_TO_NEW']
        for k, v in zip(d.keys, d.values):
            old, news = v.args
            oc, dc, pc, partly = [ast.literal_eval(x) for x in old.args]
            out[k.value] = dict(district=dc, province=pc, partly=partly,
                                new=[ast.literal_eval(n.args[0]) for n in news.elts])
        src_name = ast.literal_eval(a['SOURCE']) if 'SOURCE' in a else ''
        return out, src_name


def read_names_wheel(path: Path):
    """GSO list of units as of 2025-07-18 from vietnamadminunits' dataset.db (sqlite), read as data."""
    import sqlite3
    import tempfile
    if path.is_dir():
        db = next(path.rglob('dataset.db'))
        tmp = None
    else:
        with zipfile.ZipFile(path) as z:
            name = next(n for n in z.namelist() if n.endswith('data/dataset.db'))
            tmp = tempfile.NamedTemporaryFile(suffix='.db', delete=False)
            tmp.write(z.read(name)); tmp.close()
            db = Path(tmp.name)
    con = sqlite3.connect(f'file:{db}?mode=ro', uri=True)
    wards, dists = {}, {}
    for wc, w, dc, d, pc, p in con.execute(
            'select wardCode, ward, districtCode, district, provinceCode, province from admin_units_legacy'):
        dists[int(dc)] = dict(name=nfc(d), parent=int(pc))
        if wc:
            wards[int(wc)] = dict(name=nfc(w), parent=int(dc))
    new = {int(wc): nfc(w) for wc, w in con.execute('select wardCode, ward from admin_units')}
    new_prov = {int(pc): nfc(p) for pc, p in con.execute('select distinct provinceCode, province from admin_units')}
    con.close()
    if tmp:
        Path(tmp.name).unlink()
    return wards, dists, new, new_prov


def _wheel_version(path: Path) -> str:
    """'1.0.4' of vietnamadminunits-1.0.4-py3-none-any.whl (or of its METADATA)."""
    if path.is_dir():
        meta = next(path.rglob('METADATA'), None)
        text = meta.read_text(encoding='utf-8') if meta else ''
    else:
        with zipfile.ZipFile(path) as z:
            name = next((n for n in z.namelist() if n.endswith('.dist-info/METADATA')), None)
            text = z.read(name).decode('utf-8') if name else ''
    found = re.search(r'^Version: (\S+)$', text, re.M)
    return found.group(1) if found else '?'


def cap(name: str) -> str:
    """'xã Bắc Sơn' -> 'Xã Bắc Sơn', 'Thị Trấn X' -> 'Thị trấn X' (type word only)."""
    for t in ('Thị trấn', 'Thị xã', 'Thành phố', 'Đặc khu', 'Phường', 'Huyện', 'Quận', 'Tỉnh', 'Xã'):
        if name.lower().startswith(t.lower() + ' '):
            return t + name[len(t):]
    return name


# ---------------------------------------------------------------- NSO sheet (optional)
def read_nso_csv(path: Path):
    rows = []
    with open(path, encoding='utf-8', newline='') as f:
        for r in list(csv.reader(f))[2:]:
            if len(r) < 8 or not r[2].strip():
                continue
            code = lambda s: (re.search(r'\((\d+)\)\s*$', s or '') or [None, None])[1]
            rows.append(dict(new_code=int(r[2]), old_name=nfc(r[3]), old_code=int(r[4]) if r[4].strip() else None,
                             note=nfc(r[5]), old_district=nfc(re.sub(r'\s*\(\d+\)\s*$', '', r[6])),
                             old_district_code=int(code(r[6])) if code(r[6]) else None))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--wheel', required=True, type=Path, help='vietnam-provinces 2026.9.0 wheel (.whl) or its unpacked folder')
    ap.add_argument('--names-wheel', type=Path, help='recommended: vietnamadminunits 1.0.4 wheel or folder (GSO list 2025-07-18)')
    ap.add_argument('--nso-csv', type=Path, help='optional: the NSO sheet "Tổng hợp_không merge" as CSV')
    ap.add_argument('--out', type=Path, default=Path(__file__).resolve().parent.parent / 'archive' / 'data' / 'places_2025.csv')
    ap.add_argument('--meta', type=Path, help='where to write source/date/counts as JSON (default: beside --out, .meta.json)')
    a = ap.parse_args()

    w = Wheel(a.wheel)
    ver, dver = w.version()
    new_prov = w.units('vietnam_provinces/_lookup.py', 'PROVINCE_MAPPING')
    new_ward = w.units('vietnam_provinces/_lookup.py', 'WARD_MAPPING')          # parent = province code
    old_prov = w.units('vietnam_provinces/legacy/_lookup.py', 'PROVINCE_MAPPING')
    old_dist = w.units('vietnam_provinces/legacy/_lookup.py', 'DISTRICT_MAPPING')  # parent = province
    old_ward = w.units('vietnam_provinces/legacy/_lookup.py', 'WARD_MAPPING')      # parent = district
    conv, conv_src = w.conversion()

    # Old names: primary = GSO list of 2025-07-18 (what the NSO table uses) when given, else 2025-01-04;
    # every other spelling or earlier name is kept as an alias.
    old_alias = collections.defaultdict(set)
    dist_alias = collections.defaultdict(set)
    new_alias = collections.defaultdict(set)
    for c in list(old_ward):
        old_ward[c]['name'] = cap(old_ward[c]['name'])
    for c in new_ward:
        if new_ward[c]['name'] != cap(new_ward[c]['name']):
            new_alias[c].add(new_ward[c]['name'])
        new_ward[c]['name'] = cap(new_ward[c]['name'])
    if a.names_wheel:
        w2, d2, n2, p2 = read_names_wheel(a.names_wheel)
        # province names as of July 2025 (vietnam-provinces 2026.9.0 already shows later status changes,
        # e.g. 'Thành phố Bắc Ninh'); keep the later name in new_province_latest
        for c, n in p2.items():
            if c in new_prov and new_prov[c]['name'] != n:
                new_prov[c]['latest'] = new_prov[c]['name']
                new_prov[c]['name'] = n
        for c, v in w2.items():
            v = dict(v, name=cap(v['name']))
            if c in old_ward and old_ward[c]['name'] != v['name']:
                old_alias[c].add(old_ward[c]['name'])
            if c in old_ward and old_ward[c]['parent'] != v['parent']:
                raise SystemExit(f'commune {c} moved district between the two GSO lists')
            old_ward[c] = v
        for c, v in d2.items():
            if c in old_dist and old_dist[c]['name'] != v['name']:
                dist_alias[c].add(old_dist[c]['name'])
            old_dist[c] = dict(old_dist.get(c, {}), **v)
        for c, n in n2.items():
            if c in new_ward and cap(n) != new_ward[c]['name']:
                new_alias[c].add(cap(n))

    pairs = collections.defaultdict(set)       # old commune code -> {new codes}
    meta_old = {}                              # old code -> (district code, province code)
    for oc, e in conv.items():
        pairs[oc].update(e['new'])
        # district from the GSO list (the NSO sheet's province column has slips, e.g. TP Tân An under Tiền Giang)
        dc = old_ward[oc]['parent'] if oc in old_ward else e['district']
        meta_old[oc] = (dc, old_dist[dc]['parent'])

    errata_applied = collections.defaultdict(list)
    for op, o, n, why in ERRATA:
        o, n = int(o), int(n)
        if op == 'remove' and n in pairs.get(o, set()):
            pairs[o].discard(n); errata_applied[o].append(f'removed {n:05d}: {why}')
        elif op == 'add' and n not in pairs.get(o, set()):
            pairs[o].add(n); errata_applied[o].append(f'added {n:05d}: {why}')
            if o not in meta_old:
                ow = old_ward[o]; meta_old[o] = (ow['parent'], old_dist[ow['parent']]['parent'])

    notes = collections.defaultdict(dict)      # old code -> {new code: NSO note}
    aliases = old_alias                        # old code -> other spellings / earlier names
    extra_rows = []                            # non-commune areas in the NSO sheet
    nso_check = None
    if a.nso_csv:
        nso = read_nso_csv(a.nso_csv)
        # repair the NSO's duplicated old codes the same way as ERRATA, by name within the district
        by_dist = collections.defaultdict(dict)
        for c, ow in old_ward.items():
            by_dist[ow['parent']].setdefault(loose(ow['name']), c)
        name_at_code = collections.defaultdict(set)
        for r in nso:
            if r['old_code']:
                name_at_code[r['old_code']].add(loose(r['old_name']))
        nso_pairs = collections.defaultdict(set)
        for r in nso:
            oc = r['old_code']
            if oc is None:
                if r['old_name']:   # "Khu vực bãi bồi ven biển do huyện Kim Sơn quản lý"
                    extra_rows.append(r)
                continue
            if len(name_at_code[oc]) > 1 and oc in old_ward and loose(old_ward[oc]['name']) != loose(r['old_name']):
                fixed = by_dist.get(r['old_district_code'], {}).get(loose(r['old_name']))
                if fixed:
                    oc = fixed
            nso_pairs[oc].add(r['new_code'])
            notes[oc][r['new_code']] = r['note']
            if oc in old_ward and cap(nfc(r['old_name'])) != old_ward[oc]['name']:
                aliases[oc].add(cap(nfc(r['old_name'])))
        # Hòa Thắng: the only NSO omission we found (see ERRATA); everything else must agree
        for op, o, n, why in ERRATA:
            if op == 'add' and int(o) == 23053:
                nso_pairs[23053].add(int(n))
        diff = {k for k in set(nso_pairs) | set(pairs) if nso_pairs.get(k, set()) != pairs.get(k, set())}
        nso_check = dict(nso_rows=len(nso), old_units=len(nso_pairs), disagreements=sorted(diff))
        if diff:
            print(f'warning: wheel and NSO sheet disagree on {len(diff)} old codes: {sorted(diff)[:20]}', file=sys.stderr)

    src = SOURCE.format(ver=ver)
    src_long = SOURCE_LONG.format(ver=ver, dver=dver, n=len(ERRATA),
                                  oldsrc=(f'GSO list of 2025-07-18 from PyPI vietnamadminunits {_wheel_version(a.names_wheel)} (dataset.db), '
                                          'earlier spellings from the GSO list of 2025-01-04 in vietnam-provinces')
                                  if a.names_wheel else 'GSO list of 2025-01-04 in vietnam-provinces',
                                  nsocsv=' NSO notes and spellings from the NSO sheet exported as CSV.' if a.nso_csv else '')
    # Full rows are built, then only the columns archive/places.py reads are written.
    cols = ['old_province', 'old_district', 'old_district_aliases', 'old_commune', 'old_commune_code',
            'old_commune_aliases', 'new_province', 'new_commune', 'new_commune_code', 'new_commune_aliases',
            'nso_note', 'errata']
    out_rows = []

    def new_fields(nc):
        nw = new_ward[nc]
        return dict(new_province=new_prov[nw['parent']]['name'], new_province_code=f"{nw['parent']:02d}",
                    new_province_latest=new_prov[nw['parent']].get('latest', new_prov[nw['parent']]['name']),
                    new_commune=nw['name'], new_commune_code=f'{nc:05d}',
                    new_commune_aliases=' | '.join(sorted(new_alias.get(nc, ()))))

    def dist_fields(dc):
        pc = old_dist[dc]['parent']
        return dict(old_province=old_prov[pc]['name'], old_province_code=f'{pc:02d}',
                    old_district=old_dist[dc]['name'], old_district_code=f'{dc:03d}',
                    old_district_aliases=' | '.join(sorted(dist_alias.get(dc, ()))))

    for oc in sorted(pairs, key=lambda c: (meta_old[c][1], meta_old[c][0], c)):
        news = sorted(pairs[oc])
        if not news:
            continue
        ow = old_ward.get(oc)
        if ow is None:          # a code the NSO gives that the old-units list lacks (pass --names-wheel)
            continue
        cands = ' | '.join(new_ward[n]['name'] for n in news)
        for nc in news:
            out_rows.append(dict(
                **dist_fields(ow['parent']),
                old_commune=ow['name'], old_commune_code=f'{oc:05d}',
                old_commune_aliases=' | '.join(sorted(aliases.get(oc, ()))),
                **new_fields(nc), split='true' if len(news) > 1 else 'false', n_candidates=len(news),
                candidates=cands, nso_note=notes.get(oc, {}).get(nc, ''),
                errata=' ; '.join(errata_applied.get(oc, [])), source=src, effective_date=EFFECTIVE))

    # codes in the NSO table that the 2025-01-04 list lacks (units re-coded in the first half of 2025)
    missing_old = sorted(c for c in pairs if c not in old_ward)
    no_pair = sorted(c for c in old_ward if not pairs.get(c))

    # whole districts without communes -> đặc khu
    for zone in WHOLE_DISTRICT_ZONES:
        dcs = [k for k, v in old_dist.items() if loose(v['name']) == loose(zone)]
        ncs = [k for k, v in new_ward.items() if v['name'] == f'Đặc khu {zone}']
        if len(dcs) != 1 or len(ncs) != 1:
            raise SystemExit(f'đặc khu {zone}: {dcs} {ncs}')
        dc, nc = dcs[0], ncs[0]
        if any(v['parent'] == dc for v in old_ward.values()):
            continue    # it had communes: already in the table
        out_rows.append(dict(**dist_fields(dc), old_commune='',
                             old_commune_code='', old_commune_aliases='', **new_fields(nc), split='false',
                             n_candidates=1, candidates=new_ward[nc]['name'],
                             nso_note=f'Sắp xếp toàn bộ huyện {zone} thành đặc khu {zone}', errata='',
                             source=src, effective_date=EFFECTIVE))
    for r in extra_rows:
        dc = r['old_district_code']
        out_rows.append(dict(**dist_fields(dc), old_commune=r['old_name'],
                             old_commune_code='', old_commune_aliases='', **new_fields(r['new_code']), split='false',
                             n_candidates=1, candidates=new_ward[r['new_code']]['name'], nso_note=r['note'], errata='',
                             source=src, effective_date=EFFECTIVE))

    # sanity: every old province goes to exactly one new province; 34 new provinces; all new communes reached
    prov_map = collections.defaultdict(set)
    for r in out_rows:
        prov_map[r['old_province']].add(r['new_province'])
    bad = {k: v for k, v in prov_map.items() if len(v) != 1}
    if bad:
        raise SystemExit(f'old provinces split across new provinces: {bad}')
    reached = {r['new_commune_code'] for r in out_rows}
    counts = dict(rows=len(out_rows),
                  old_communes=len({r['old_commune_code'] for r in out_rows if r['old_commune_code']}),
                  old_units_without_commune=sum(1 for r in out_rows if not r['old_commune_code']),
                  old_districts=len({r['old_district_code'] for r in out_rows}),
                  old_provinces=len(prov_map), new_provinces=len({r['new_province'] for r in out_rows}),
                  new_communes=len(reached), new_communes_in_list=len(new_ward),
                  split_old_communes=len({r['old_commune_code'] for r in out_rows if r['split'] == 'true'}),
                  errata=len(ERRATA), nso_codes_missing_from_old_list=missing_old,
                  old_list_codes_without_mapping=no_pair)
    if counts['new_provinces'] != 34 or reached != {f'{c:05d}' for c in new_ward}:
        print(f'warning: new communes not reached: {sorted({f"{c:05d}" for c in new_ward} - reached)}', file=sys.stderr)

    a.out.parent.mkdir(parents=True, exist_ok=True)
    if not a.nso_csv:
        cols.remove('nso_note')     # empty without the NSO sheet
    comments = [f'source: {src_long}', f'effective: {EFFECTIVE} (Nghị quyết 202/2025/QH15; 1654-1687/NQ-UBTVQH15)',
                'built by: scripts/build_places.py (rerun it and commit this file to update; see docs/places.md)',
                'one row per (old unit, new commune); an old commune with several rows was split: every '
                'candidate is kept']
    with open(a.out, 'w', encoding='utf-8', newline='') as f:
        for c in comments:
            f.write('# ' + unicodedata.normalize('NFC', c) + '\n')
        wr = csv.DictWriter(f, fieldnames=cols, lineterminator='\n', extrasaction='ignore')
        wr.writeheader()
        for r in out_rows:
            wr.writerow({k: unicodedata.normalize('NFC', str(r[k])) for k in cols})
    meta = dict(source=src_long, source_short=src, conversion_table_file=conv_src, effective_date=EFFECTIVE,
                wheel_version=ver, wheel_data_version=dver, columns=cols, counts=counts, nso_csv_check=nso_check,
                errata=[dict(op=op, old_code=o, new_code=n, reason=why) for op, o, n, why in ERRATA],
                province_map={k: sorted(v)[0] for k, v in sorted(prov_map.items())},
                province_latest_names={r['new_province']: r['new_province_latest'] for r in out_rows
                                       if r['new_province_latest'] != r['new_province']})
    meta_path = a.meta or a.out.with_suffix('.meta.json')
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + '\n', encoding='utf-8')
    print(json.dumps(counts, ensure_ascii=False))


if __name__ == '__main__':
    main()
