"""Fill an index with N generated records for the scale benchmarks (text only, no files).

    .venv/bin/python bench/scale_data.py --n 100000 --index scale100k [--base 30000]

Planning a realistic sample result costs ~2.5 ms and segmenting its text with pyvi ~3 ms,
so a million of them would take hours on this box. Instead a base of --base results is
planned and segmented once (the real generator, tracuu.sample), and each of the N records
is one of them with a new subject (name, CCCD), document number, dossier code, issue date
and ingest date, substituted in its fields, its text and its segmented words. Term
statistics stay those of real results; identifiers are unique per record.

Writes the record ids and identifiers used for the load test's query mix to
``--queries`` (JSON lines), and prints documents/s and the index's size per record.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search.analysis import segment  # noqa: E402
from search.config import Settings  # noqa: E402
from search.index import RecordIndex  # noqa: E402
from archive.records import SCHEMA_VERSION, record_id_for  # noqa: E402
from tracuu.sample import gazetteer as gz  # noqa: E402
from tracuu.sample.corpus import Options, _printed_layout, plan_corpus  # noqa: E402

TODAY = dt.date(2026, 11, 1)


def base_pool(size: int, seed: int) -> list[dict]:
    pool = []
    for spec in plan_corpus(Options(n=size, seed=seed)):
        text = "\n".join(_printed_layout(spec).reading_order())
        fields = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in spec.fields.items()}
        pool.append({"fields": fields, "text": text, "words": segment(text), "kind": spec.result.kind})
    return pool


def _syllables(name: str) -> re.Pattern:
    """A name as it appears in segmented text too ("Nguyễn_Văn An")."""
    return re.compile(r"[ _]".join(re.escape(s) for s in name.split()))


def make(i: int, base: dict, rng: random.Random) -> tuple[dict, dict]:
    f = dict(base["fields"])
    text, words = base["text"], base["words"]
    male = rng.random() < 0.5
    name = " ".join([rng.choice(gz.SURNAMES), rng.choice(gz.MIDDLE_MALE if male else gz.MIDDLE_FEMALE),
                     rng.choice(gz.GIVEN_MALE if male else gz.GIVEN_FEMALE)])
    subs = []
    if f.get("subject_name") and f.get("subject_type") != "organization":
        subs.append((_syllables(f["subject_name"]), name, name.replace(" ", "_")))
        f["subject_name"] = name
    if f.get("subject_id"):
        new_id = f"{rng.randint(1, 96):03d}{rng.randint(0, 3)}{rng.randint(0, 99):02d}{i % 1_000_000:06d}" \
            if len(f["subject_id"]) == 12 else f"{rng.randint(10**(len(f['subject_id']) - 1), 10**len(f['subject_id']) - 1)}"
        subs.append((re.compile(re.escape(f["subject_id"])), new_id, new_id))
        f["subject_id"] = new_id
    if f.get("doc_number"):
        head, _, tail = f["doc_number"].partition("/")
        number = f"{i + 1}/{tail}" if tail else str(i + 1)
        subs.append((re.compile(re.escape(f["doc_number"])), number, number))
        f["doc_number"] = number
    for pattern, plain, segmented in subs:
        text = pattern.sub(plain, text)
        words = pattern.sub(segmented, words)
    issued = dt.date.fromisoformat(f["issued_date"]) if f.get("issued_date") else None
    if issued and f.get("valid_until"):
        until = dt.date.fromisoformat(f["valid_until"])
        shift = dt.timedelta(days=rng.randint(-900, 900))
        f["issued_date"], f["valid_until"] = (issued + shift).isoformat(), (until + shift).isoformat()
        f["valid_from"] = f["issued_date"]
    f["dossier_code"] = f"000.00.{rng.randint(10, 40)}.H{rng.randint(1, 96):02d}-{i:08d}"
    sha = hashlib.sha256(f"scale-{i}".encode()).hexdigest()
    ingested = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=rng.randrange(86400 * 1000))
    doc = {**{k: v for k, v in f.items() if v is not None}, "id": record_id_for(sha), "text": text,
           "source_sha256": sha, "source_filename": f"scale-{i}.pdf", "ingested_at": ingested.isoformat(),
           "pipeline": {"route": "generated"}, "schema_version": SCHEMA_VERSION, "text_words": words}
    probe = {"id": doc["id"], "name": f.get("subject_name"), "subject_id": f.get("subject_id"),
             "doc_number": f.get("doc_number"), "kind": f.get("result_type"), "agency": f.get("issuing_agency")}
    return doc, probe


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--index", required=True, help="alias to create (dropped first if it exists)")
    ap.add_argument("--base", type=int, default=30000, help="distinct generated results the records are made from (issue #21: enough that vocabularies and posting lists look like a real archive)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--queries", type=Path, help="where to write probes for the query mix (default /tmp/<index>-probes.jsonl)")
    args = ap.parse_args()

    settings = Settings(index=args.index)
    index = RecordIndex.from_settings(settings)
    index.drop()
    index.ensure()
    physical = index.physical_indices()[0]
    index.client.indices.put_settings(index=physical, body={"index": {"refresh_interval": "-1"}})

    started = time.perf_counter()
    pool = base_pool(min(args.base, args.n), args.seed)
    print(f"base of {len(pool)} planned and segmented in {time.perf_counter() - started:.0f} s", flush=True)
    rng = random.Random(args.seed)
    probes_path = args.queries or Path(f"/tmp/{args.index}-probes.jsonl")
    sample_every = max(1, args.n // 2000)
    loaded = 0
    load_started = time.perf_counter()
    with probes_path.open("w", encoding="utf-8") as probes:
        def docs():
            nonlocal loaded
            for i in range(args.n):
                doc, probe = make(i, pool[i % len(pool)], rng)
                if i % sample_every == 0:
                    probes.write(json.dumps(probe, ensure_ascii=False) + "\n")
                loaded += 1
                if loaded % 50_000 == 0:
                    rate = loaded / (time.perf_counter() - load_started)
                    print(f"{loaded:>9,} records, {rate:,.0f}/s", flush=True)
                yield doc

        errors = [e for _, e in index.bulk(docs()) if e]
    index.client.indices.put_settings(index=physical, body={"index": {"refresh_interval": "1s"}})
    index.refresh()
    elapsed = time.perf_counter() - load_started
    stats = index.client.indices.stats(index=physical, metric="store,docs")["indices"][physical]["primaries"]
    count, size = stats["docs"]["count"], stats["store"]["size_in_bytes"]
    summary = {"index": args.index, "n": args.n, "errors": len(errors), "seconds": round(elapsed, 1),
               "docs_per_s": round(args.n / elapsed), "store_bytes": size, "bytes_per_record": round(size / max(count, 1)),
               "probes": str(probes_path)}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
