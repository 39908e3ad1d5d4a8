"""Plan and write a sample corpus: documents, manifest.csv, truth.jsonl, queries.

Everything random is drawn from one seeded generator while planning, in a fixed order, so
the same seed gives the same documents byte for byte; files are then written in parallel.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import random
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from search.analysis import normalize

from . import gazetteer as gz
from .kinds import KINDS, Context, Person, Result
from .render import Degradation, degrade, page_count, plan, rasterize, save_docx, save_scan, save_text_pdf

#: Results are dated up to this day by default, so that a seed means the same bytes on
#: any day it is run. Validity is computed against the real today by whoever reads them.
DEFAULT_AS_OF = dt.date(2026, 11, 1)
SCAN_FORMATS = [("pdf", 0.5), ("tiff", 0.2), ("jpeg", 0.15), ("png", 0.15)]
EXTENSIONS = {"pdf": "pdf", "tiff": "tif", "jpeg": "jpg", "png": "png", "docx": "docx"}


@dataclass(frozen=True)
class Options:
    n: int = 200
    seed: int = 1
    scanned_share: float = 0.6
    degraded_share: float = 0.4
    manifest_share: float = 2 / 3
    revoked_share: float = 0.03
    new_style_share: float = 0.2
    as_of: dt.date = DEFAULT_AS_OF


@dataclass
class DocSpec:
    """Everything needed to write one file, decided while planning."""

    index: int
    file: str
    result: Result
    format: str               # pdf | tiff | jpeg | png | docx | text-pdf
    scanned: bool
    dpi: int
    degradation: Degradation
    new_style: bool
    in_manifest: bool
    fields: dict[str, Any] = field(default_factory=dict)


def _person(rng: random.Random, place: gz.Place, born_from: int = 1950, born_to: int = 2000,
            male: bool | None = None) -> Person:
    male = rng.random() < 0.5 if male is None else male
    name = " ".join([rng.choice(gz.SURNAMES),
                     rng.choice(gz.MIDDLE_MALE if male else gz.MIDDLE_FEMALE),
                     rng.choice(gz.GIVEN_MALE if male else gz.GIVEN_FEMALE)])
    born = dt.date(rng.randint(born_from, born_to), rng.randint(1, 12), rng.randint(1, 28))
    century = (0 if male else 1) + (2 if born.year >= 2000 else 0)
    cccd = f"{gz.province_code(place.province)}{century}{born.year % 100:02d}{rng.randint(0, 999999):06d}"
    cmnd = f"{rng.randint(10, 38):02d}{rng.randint(0, 9999999):07d}"
    hamlet = rng.choice(gz.HAMLET_WORDS)
    street = (f"Số {rng.randint(1, 200)} đường {rng.choice(gz.STREETS)}" if place.commune.startswith("phường")
              else f"{hamlet.capitalize()} {rng.randint(1, 12)}")
    return Person(name, male, born, cmnd, cccd, place, street)


def _weighted(rng: random.Random, choices: list[tuple[str, float]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def plan_corpus(opts: Options) -> list[DocSpec]:
    rng = random.Random(opts.seed)
    places = gz.all_places()
    people = [_person(rng, rng.choice(places)) for _ in range(max(4, opts.n // 3))]
    signers = [_person(rng, rng.choice(places)).name for _ in range(12)]
    kind_names = list(KINDS)
    order = [kind_names[i % len(kind_names)] for i in range(opts.n)]
    rng.shuffle(order)
    used_numbers: set[str] = set()
    specs = []
    for i, kind in enumerate(order):
        builder, earliest = KINDS[kind]
        # A few people hold several results each, as in real archives; most hold one or two.
        frequent = people[: max(2, len(people) // 10)]
        subject = rng.choice(frequent) if rng.random() < 0.3 else rng.choice(people)
        start = dt.date(max(earliest, 1995), 1, 1)
        issued = start + dt.timedelta(days=rng.randrange((opts.as_of - start).days))
        other = _person(rng, subject.place, male=not subject.male)
        if kind == "birth_extract":
            other = subject
            subject = _person(rng, subject.place, born_from=max(2000, issued.year - 15), born_to=issued.year)
        for _ in range(50):
            ctx = Context(rng, subject.place.on(issued), issued, rng.randint(1, 2999), subject, other,
                          rng.choice(signers), f"0{rng.randint(100000000, 999999999)}")
            result = builder(ctx)
            if result.fields["doc_number"] not in used_numbers:
                break
        used_numbers.add(result.fields["doc_number"])
        p = ctx.place  # as printed on the day of issue: since 1 July 2025 without a district
        fields = {
            **result.fields, "issued_date": issued, "valid_from": issued, "signer": ctx.signer,
            "province": p.province, "district": p.district,
            "commune": p.commune,
        }
        if issued.year >= 2019:
            code = gz.province_code(subject.place.province)
            fields["dossier_code"] = (f"000.{rng.randint(0, 99):02d}.{rng.randint(10, 40)}."
                                      f"H{int(code):02d}-{issued:%y%m%d}-{rng.randint(1, 9999):04d}")
        revoked = rng.random() < opts.revoked_share
        if revoked:
            fields["status"] = "revoked"
        scanned = rng.random() < opts.scanned_share
        pages = page_count(plan(result.layout))
        if scanned:
            fmt = _weighted(rng, SCAN_FORMATS if pages == 1 else [("pdf", 0.7), ("tiff", 0.3)])
            dpi = 300 if rng.random() < 0.7 else 200
            deg = Degradation.draw(rng) if rng.random() < opts.degraded_share else Degradation()
        else:
            fmt, dpi, deg = ("docx" if rng.random() < 0.5 else "text-pdf"), 0, Degradation()
        ext = EXTENSIONS.get(fmt, "pdf")
        specs.append(DocSpec(
            index=i, file=f"{i + 1:04d}.{ext}", result=result, format=fmt, scanned=scanned, dpi=dpi,
            degradation=deg, new_style=rng.random() < opts.new_style_share,
            in_manifest=revoked or rng.random() < opts.manifest_share,
            fields={k: normalize(v) if isinstance(v, str) else v for k, v in fields.items()},
        ))
    return specs


# -- writing --------------------------------------------------------------------------

_NEW_STYLE = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "òe": "oè", "óe": "oé",
              "ỏe": "oẻ", "õe": "oẽ", "ọe": "oẹ", "ùy": "uỳ", "úy": "uý", "ủy": "uỷ", "ũy": "uỹ", "ụy": "uỵ",
              "Ủy": "Uỷ", "ỦY": "UỶ", "ÒA": "OÀ", "ÓA": "OÁ"}


_NEW_STYLE_AT_SYLLABLE_END = re.compile(r"(?<![qQ])(" + "|".join(_NEW_STYLE) + r")(?!\w)")


def printed(line: str, new_style: bool) -> str:
    """The line as typed: some agencies put tone marks in the new style (hoà, uỷ, thuý)."""
    if not new_style:
        return line
    return _NEW_STYLE_AT_SYLLABLE_END.sub(lambda m: _NEW_STYLE[m.group(1)], line)


def _printed_layout(spec: DocSpec):
    from dataclasses import replace

    lay = spec.result.layout
    conv = lambda lines: [printed(x, spec.new_style) for x in lines]  # noqa: E731
    return replace(lay, agency=conv(lay.agency), number=printed(lay.number, spec.new_style),
                   date_line=printed(lay.date_line, spec.new_style), title=conv(lay.title),
                   body=conv(lay.body), signature=conv(lay.signature), recipients=conv(lay.recipients))


def write_one(spec: DocSpec, folder: Path) -> dict[str, Any]:
    """Write one document; returns what the truth needs to know of the file."""
    layout = _printed_layout(spec)
    placed = plan(layout)
    path = folder / spec.file
    if spec.scanned:
        pages = [degrade(p, spec.degradation, seed=spec.index * 7919 + n)
                 for n, p in enumerate(rasterize(placed, spec.dpi))]
        save_scan(pages, path, spec.format, spec.dpi)
    elif spec.format == "docx":
        save_docx(layout, path)
    else:
        save_text_pdf(placed, path)
    data = path.read_bytes()
    return {"file": spec.file, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
            "pages": page_count(placed), "text": "\n".join(layout.reading_order())}


def _write_star(args: tuple[DocSpec, Path]) -> dict[str, Any]:
    return write_one(*args)


def generate_file(folder: Path, opts: Options, file: str) -> dict[str, Any]:
    """Only ``file`` of the corpus ``opts`` describes, byte for byte as ``generate`` writes
    it: a test can reproduce one scan that showed a problem without rendering all of them."""
    spec = next(s for s in plan_corpus(opts) if s.file == file)
    folder.mkdir(parents=True, exist_ok=True)
    return _truth_row(spec, write_one(spec, folder))


def generate(folder: Path, opts: Options, workers: int = 2,
             on_file: Callable[[str], None] | None = None) -> list[dict[str, Any]]:
    """Write the corpus into ``folder``; returns the truth rows (also in truth.jsonl)."""
    from .queries import make_queries

    folder.mkdir(parents=True, exist_ok=True)
    specs = plan_corpus(opts)
    written: dict[str, dict[str, Any]] = {}
    jobs = [(s, folder) for s in specs]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            for row in pool.map(_write_star, jobs, chunksize=2):
                written[row["file"]] = row
                on_file and on_file(row["file"])
    else:
        for job in jobs:
            row = _write_star(job)
            written[row["file"]] = row
            on_file and on_file(row["file"])
    truth = [_truth_row(s, written[s.file]) for s in specs]
    _write_jsonl(folder / "truth.jsonl", truth)
    write_manifest(folder, specs, random.Random(opts.seed + 1))
    queries = make_queries(truth, random.Random(opts.seed + 2))
    _write_jsonl(folder / "queries.jsonl", queries)
    with (folder / "qrels.tsv").open("w", encoding="utf-8") as f:
        for q in queries:
            for file, grade in q["relevant"].items():
                f.write(f"{q['id']}\t0\t{file}\t{grade}\n")
    return truth


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_or_generate(folder: Path, opts: Options) -> list[dict[str, Any]]:
    """The truth rows of the sample in ``folder``, writing the sample first if it is not there
    (the evaluation scripts and benchmarks start from either)."""
    if not (folder / "truth.jsonl").exists():
        generate(folder, opts)
    return read_jsonl(folder / "truth.jsonl")


def _truth_row(spec: DocSpec, written: dict[str, Any]) -> dict[str, Any]:
    return {
        "file": spec.file, "sha256": written["sha256"], "kind": spec.result.kind,
        "level": spec.result.level, "format": spec.format, "scanned": spec.scanned,
        "dpi": spec.dpi or None, "degradation": asdict(spec.degradation) if not spec.degradation.clean else None,
        "new_style_tones": spec.new_style, "in_manifest": spec.in_manifest, "pages": written["pages"],
        "fields": {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in spec.fields.items()},
        "text": written["text"],
    }


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


MANIFEST_COLUMNS = [
    "file", "dossier_code", "procedure_code", "procedure_name", "field", "result_type", "doc_number",
    "issued_date", "issuing_agency", "signer", "subject_name", "subject_id", "subject_type",
    "subject_address", "summary", "valid_from", "valid_until", "valid_scope", "status",
    "province", "district", "commune",
]


def write_manifest(folder: Path, specs: list[DocSpec], rng: random.Random) -> None:
    """Rows as a cataloguing clerk types them: dates often as dd/mm/yyyy, some cells left
    empty (to be extracted from the text), only the files the clerk got to."""
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
        w.writeheader()
        for spec in specs:
            if not spec.in_manifest:
                continue
            row: dict[str, str] = {"file": spec.file}
            dmy = rng.random() < 0.5
            for col in MANIFEST_COLUMNS[1:]:
                value = spec.fields.get(col)
                if value is None or (col != "status" and rng.random() < 0.1):
                    continue
                if isinstance(value, dt.date):
                    value = value.strftime("%d/%m/%Y") if dmy else value.isoformat()
                row[col] = str(value)
            w.writerow(row)
