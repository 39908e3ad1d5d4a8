"""Realistic sample results with ground truth, for the demo, the tests, the quality
evaluations and the benchmarks (`tracuu sample`).

    gazetteer.py  names, places, agencies
    kinds.py      the kinds of result and their layout (Decree 30/2020/NĐ-CP)
    render.py     scans (PDF/TIFF/JPEG/PNG, degraded or clean) and born-digital files
    corpus.py     planning from a seed, writing, manifest.csv and truth.jsonl
    queries.py    queries.jsonl and qrels.tsv
"""

from .corpus import DEFAULT_AS_OF, Options, generate, generate_file, load_or_generate, plan_corpus, read_jsonl
from .queries import fold

__all__ = ["DEFAULT_AS_OF", "Options", "fold", "generate", "load_or_generate", "plan_corpus", "read_jsonl",
           "generate_file"]
