"""Search quality on `tracuu sample` output: Recall@10, MRR@10 and nDCG@10 per query type,
for Tra cứu's analysis and query building against a baseline of OpenSearch's ``standard``
analyzer alone (dynamic mapping, one multi_match) over the same records.

    .venv/bin/python scripts/eval_search.py --n 200 --seed 1 [--data DIR]

Needs the services. With ``--data`` pointing at a data folder that already holds the
archive of that sample (e.g. the one eval_extraction.py left), no file is OCR'd again: both
indices are filled from the archive. Recall counts the grade-2 results (what the query is
after), MRR the first of them; nDCG uses all grades.
"""

from __future__ import annotations

import argparse
import math
import statistics
import tempfile
import uuid
from collections import defaultdict
from pathlib import Path

from archive.layout import iter_bags
from indexer.maintenance import reindex
from indexer.pipeline import Ingestor
from search.config import Settings
from search.index import RecordIndex, find
from search.query import SearchRequest
from archive.records import Record, record_id_for
from tracuu.sample import Options, load_or_generate, read_jsonl

K = 10
BASELINE_FIELDS = ["text", "subject_name", "summary", "doc_number", "subject_id", "issuing_agency",
                   "result_type", "procedure_name", "subject_address", "signer"]


def metrics(ranked: list[str], relevant: dict[str, int]) -> tuple[float, float, float]:
    wanted = {f for f, g in relevant.items() if g == 2} or set(relevant)
    top = ranked[:K]
    recall = len(wanted & set(top)) / len(wanted)
    mrr = next((1 / (i + 1) for i, f in enumerate(top) if f in wanted), 0.0)
    dcg = sum((2 ** relevant.get(f, 0) - 1) / math.log2(i + 2) for i, f in enumerate(top))
    ideal = sorted(relevant.values(), reverse=True)[:K]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return recall, mrr, dcg / idcg if idcg else 0.0


def fill_baseline(client, name: str, archive: Path) -> None:
    client.indices.create(index=name, body={"settings": {"number_of_shards": 1, "number_of_replicas": 0}})
    from opensearchpy import helpers

    def actions():
        for bag in iter_bags(archive):
            record = Record.model_validate_json((bag / "data" / "record.json").read_text(encoding="utf-8"))
            doc = record.model_dump(mode="json", exclude_none=True, exclude={"pipeline", "signature"})
            yield {"_index": name, "_id": record.id, "_source": doc}

    helpers.bulk(client, actions(), refresh=True)


def baseline_search(client, name: str, q: str, filters: dict[str, list[str]]) -> list[str]:
    query = {"multi_match": {"query": q, "fields": BASELINE_FIELDS}} if q else {"match_all": {}}
    flt = [{"terms": {f"{k}.keyword": v}} for k, v in filters.items()]
    body = {"size": K, "query": {"bool": {"must": [query], "filter": flt}}, "_source": False}
    return [h["_id"] for h in client.search(index=name, body=body)["hits"]["hits"]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dir", type=Path, help="an existing `tracuu sample` folder (else one is generated)")
    ap.add_argument("--data", type=Path, help="a data folder whose archive already holds this sample")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="tracuu-evalsearch-"))
    folder = args.dir or work / "sample"
    truth = load_or_generate(folder, Options(n=args.n, seed=args.seed))
    queries = read_jsonl(folder / "queries.jsonl")
    file_of = {record_id_for(t["sha256"]): t["file"] for t in truth}

    settings = Settings(index=f"eval-{uuid.uuid4().hex[:8]}", data_dir=args.data or work / "data")
    ours = RecordIndex.from_settings(settings)
    baseline = f"eval-baseline-{uuid.uuid4().hex[:8]}"
    try:
        if not (settings.archive_dir).exists():
            Ingestor(settings, ours).ingest_dir(folder)
        else:
            ours.ensure()
            reindex(settings, ours)
        fill_baseline(ours.client, baseline, settings.archive_dir)

        scores: dict[tuple[str, str], list[tuple[float, float, float]]] = defaultdict(list)
        for q in queries:
            ranked = [file_of.get(h.id, h.id) for h in
                      find(ours, SearchRequest(q=q["query"], filters=q["filters"], size=K)).hits]
            scores["tra cứu", q["type"]].append(metrics(ranked, q["relevant"]))
            ranked = [file_of.get(i, i) for i in baseline_search(ours.client, baseline, q["query"], q["filters"])]
            scores["standard", q["type"]].append(metrics(ranked, q["relevant"]))
    finally:
        ours.drop()
        ours.client.indices.delete(index=baseline, ignore_unavailable=True)

    types = list(dict.fromkeys(q["type"] for q in queries))
    print(f"Sample: n={len(truth)}, seed={args.seed}, {len(queries)} queries; cells: Tra cứu / standard analyzer\n")
    print("| query type | n | Recall@10 | MRR@10 | nDCG@10 |")
    print("|---|---|---|---|---|")
    for t in types:
        ours_m = [statistics.mean(col) for col in zip(*scores["tra cứu", t])]
        base_m = [statistics.mean(col) for col in zip(*scores["standard", t])]
        cells = " | ".join(f"**{a:.3f}** / {b:.3f}" for a, b in zip(ours_m, base_m))
        print(f"| {t} | {len(scores['tra cứu', t])} | {cells} |")


if __name__ == "__main__":
    main()
