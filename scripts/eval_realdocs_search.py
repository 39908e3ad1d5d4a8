"""Search quality on 200 real gazette documents, against two plain-OpenSearch baselines.

    .venv/bin/python scripts/eval_realdocs_search.py [--corpus DIR] [--questions FILE] [--data DIR]

Ingests the ``.txt`` files of ``../shared/realdocs/congbao`` through the project's own
pipeline (``indexer.pipeline.Ingestor``) into a private index (a unique ``TRACUU_INDEX`` and a
temporary data folder: nothing else is touched), and, in the same run, fills two baseline
indices with the same extracted text:

- ``standard``: OpenSearch's ``standard`` analyzer;
- ``asciifolding``: the standard tokenizer, ``lowercase`` and ``asciifolding``;

both queried with a plain ``match`` (OR) on that text. Every question of
``tests/realdocs/questions.jsonl`` (``{"id", "type", "query", "relevant": {"bhxh/x.txt": 2,
…}}``) goes through Tra cứu's own search (``search.index.find``, what the API calls) and
both baselines. Printed: per query type and overall, n, MRR@10 (rank of the first grade-2
document), Hit@10 (a grade-2 document in the first ten) and nDCG@10 (all grades), as a
markdown table. A query that raises counts as a miss (nothing found) and is printed.

With ``--data DIR`` pointing at a data folder that already holds the archive of this corpus
(left by ``--keep-data``), nothing is extracted again: the index is rebuilt from the archive.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import shutil
import statistics
import sys
import tempfile
import time
import traceback
import uuid
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from opensearchpy import helpers  # noqa: E402

from indexer.maintenance import reindex  # noqa: E402
from indexer.pipeline import Ingestor  # noqa: E402
from archive.layout import iter_bags  # noqa: E402
from search.config import Settings  # noqa: E402
from search.index import RecordIndex, find  # noqa: E402
from search.query import SearchRequest  # noqa: E402
from archive.records import Record, record_id_for  # noqa: E402

K = 10
REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "realdocs" / "congbao"
QUESTIONS = REPO / "tests" / "realdocs" / "questions.jsonl"
SYSTEMS = ("Tra cứu", "standard", "asciifolding")

#: The baselines: one text field each, nothing but an analyzer.
BASELINE_ANALYZERS = {
    "standard": {"type": "standard"},
    "asciifolding": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]},
}


def metrics(ranked: list[str], relevant: dict[str, int]) -> tuple[float, float, float]:
    """(MRR@10, Hit@10, nDCG@10) of one ranking. What the question is after are its grade-2
    documents (all its documents if none has grade 2)."""
    wanted = {f for f, g in relevant.items() if g >= 2} or set(relevant)
    top = ranked[:K]
    first = next((i for i, f in enumerate(top) if f in wanted), None)
    mrr = 0.0 if first is None else 1 / (first + 1)
    dcg = sum((2 ** relevant.get(f, 0) - 1) / math.log2(i + 2) for i, f in enumerate(top))
    ideal = sorted(relevant.values(), reverse=True)[:K]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return mrr, float(first is not None), dcg / idcg if idcg else 0.0


def gather_corpus(corpus: Path, into: Path) -> dict[str, str]:
    """Copy the corpus's .txt files (only those) into ``into``, keeping their relative paths;
    returns record id -> relative path."""
    file_of = {}
    for src in sorted(corpus.rglob("*.txt")):
        rel = src.relative_to(corpus).as_posix()
        dest = into / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        file_of[record_id_for(hashlib.sha256(src.read_bytes()).hexdigest())] = rel
    return file_of


def fill_baseline(client, name: str, analyzer: dict, archive: Path) -> int:
    """A one-field index with the text Tra cứu extracted, analysed by ``analyzer`` alone."""
    client.indices.create(index=name, body={
        "settings": {"number_of_shards": 1, "number_of_replicas": 0,
                     "analysis": {"analyzer": {"baseline": analyzer}}},
        "mappings": {"properties": {"text": {"type": "text", "analyzer": "baseline"}}},
    })

    def actions():
        for bag in iter_bags(archive):
            record = Record.model_validate_json((bag / "data" / "record.json").read_text(encoding="utf-8"))
            yield {"_index": name, "_id": record.id, "_source": {"text": record.text}}

    ok, _ = helpers.bulk(client, actions(), refresh=True, chunk_size=20)
    return ok


def baseline_search(client, name: str, q: str) -> list[str]:
    body = {"size": K, "query": {"match": {"text": q}}, "_source": False}
    return [h["_id"] for h in client.search(index=name, body=body)["hits"]["hits"]]


def table(scores: dict[tuple[str, str], list[tuple[float, float, float]]], types: list[str]) -> str:
    lines = ["| query type | n | MRR@10 | Hit@10 | nDCG@10 |", "|---|---|---|---|---|"]
    for t in [*types, "all"]:
        cols = []
        for system in SYSTEMS:
            rows = scores[system, t]
            cols.append([statistics.mean(c) for c in zip(*rows)] if rows else [0.0, 0.0, 0.0])
        cells = " | ".join(" / ".join(f"**{v:.3f}**" if s == 0 else f"{v:.3f}"
                                      for s, v in enumerate(col[m] for col in cols)) for m in range(3))
        name = f"**{t}**" if t == "all" else t
        lines.append(f"| {name} | {len(scores[SYSTEMS[0], t])} | {cells} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="folder of the gazette .txt files")
    ap.add_argument("--questions", type=Path, default=QUESTIONS, help="questions with judged answers (JSON lines)")
    ap.add_argument("--data", type=Path, help="a data folder whose archive already holds this corpus")
    ap.add_argument("--keep-data", action="store_true", help="leave the data folder (its path is printed)")
    ap.add_argument("--misses", action="store_true", help="print the questions Tra cứu ranks worse than a baseline")
    args = ap.parse_args()

    questions = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    work = Path(tempfile.mkdtemp(prefix="tracuu-evalreal-"))
    file_of = gather_corpus(args.corpus, work / "corpus")
    settings = Settings(index=f"evalreal-{uuid.uuid4().hex[:8]}", data_dir=args.data or work / "data")
    ours = RecordIndex.from_settings(settings)
    baselines = {name: f"evalreal-{name}-{uuid.uuid4().hex[:8]}" for name in BASELINE_ANALYZERS}
    failures: list[tuple[str, str, str]] = []
    scores: dict[tuple[str, str], list[tuple[float, float, float]]] = defaultdict(list)
    per_query: list[tuple[dict, dict[str, float]]] = []
    try:
        started = time.monotonic()
        if settings.archive_dir.exists():
            ours.ensure()
            reindex(settings, ours)
        else:
            report = Ingestor(settings, ours).ingest_dir(work / "corpus")
            for f in report.failed:
                print(f"ingest failed: {f}", file=sys.stderr)
        ours.refresh()
        for name, analyzer in BASELINE_ANALYZERS.items():
            fill_baseline(ours.client, baselines[name], analyzer, settings.archive_dir)
        print(f"indexed in {time.monotonic() - started:.0f} s", file=sys.stderr)

        for q in questions:
            mrrs = {}
            for system in SYSTEMS:
                try:
                    if system == "Tra cứu":
                        ids = [h.id for h in find(ours, SearchRequest(q=q["query"], size=K)).hits]
                    else:
                        ids = baseline_search(ours.client, baselines[system], q["query"])
                except Exception as e:  # noqa: BLE001 — a failing query is a result to report
                    failures.append((system, q["id"], f"{type(e).__name__}: {str(e)[:200]}"))
                    traceback.print_exc(limit=1, file=sys.stderr)
                    ids = []
                m = metrics([file_of.get(i, i) for i in ids], q["relevant"])
                scores[system, q["type"]].append(m)
                scores[system, "all"].append(m)
                mrrs[system] = m[0]
            per_query.append((q, mrrs))
    finally:
        ours.drop()
        for name in baselines.values():
            ours.client.indices.delete(index=name, ignore_unavailable=True)
        if args.keep_data and not args.data:
            print(f"data folder kept: {settings.data_dir}", file=sys.stderr)
        elif not args.data:
            shutil.rmtree(work, ignore_errors=True)

    types = list(dict.fromkeys(q["type"] for q in questions))
    print(f"Corpus: {len(file_of)} gazette documents ({args.corpus.name}); {len(questions)} questions "
          f"({args.questions.name}). Cells: **Tra cứu** / standard / asciifolding.\n")
    print(table(scores, types))
    print(f"\nQueries that failed: {len(failures)}")
    for system, qid, err in failures:
        print(f"- {system} {qid}: {err}")
    if args.misses:
        print("\nQuestions where a baseline ranks the answer higher (MRR@10 Tra cứu / standard / asciifolding):")
        for q, m in per_query:
            if m["Tra cứu"] < max(m["standard"], m["asciifolding"]):
                print(f"- {q['id']} [{q['type']}] {m['Tra cứu']:.2f} / {m['standard']:.2f} / "
                      f"{m['asciifolding']:.2f}: {q['query'][:100]}")


if __name__ == "__main__":
    main()
