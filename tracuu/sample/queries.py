"""Queries an officer or citizen would type, with graded relevant files (qrels).

Types: a name with and without diacritics, a CCCD, a document number as printed and as
typed carelessly (spaces, lower case), words of a topic with and without diacritics, and
a topic narrowed by facet filters. Grade 2 = what the query is after; grade 1 = related
(the person appears in the document in another role; the same kind elsewhere).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import defaultdict
from typing import Any

from archive.places import current_units
from search.analysis import fold

from .kinds import KIND_PHRASES

PER_TYPE = 20


def _careless(doc_number: str, rng: random.Random) -> str:
    """'45/GPXD-UBND' typed as '45 gpxd ubnd', '45/gpxd-ubnd' or '45 GPXD UBND'."""
    variant = rng.choice(["spaces-lower", "lower", "spaces"])
    spaced = re.sub(r"[/\-]+", " ", doc_number)
    return {"spaces-lower": spaced.lower(), "lower": doc_number.lower(), "spaces": spaced}[variant]


def _local(t: dict[str, Any]) -> str:
    return t["fields"].get("district") or t["fields"]["commune"]


def _in_commune(t: dict[str, Any], commune: str) -> bool:
    """Printed in that commune, or in one that lies in it now (a commune of the new units:
    'xã Nam Dương' is also where 'xã Tân Mộc, huyện Lục Ngạn' is today)."""
    if not commune.startswith(("xã ", "phường ", "đặc khu ")):
        return False
    f = t["fields"]
    now = current_units(f["province"], f.get("district"), f.get("commune"), dt.date.fromisoformat(f["issued_date"]))
    return f.get("commune") == commune or now.current_commune == commune


def make_queries(truth: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    queries: list[dict[str, Any]] = []

    def add(qtype: str, q: str, relevant: dict[str, int], filters: dict[str, list[str]] | None = None) -> None:
        if relevant:
            queries.append({"id": f"q{len(queries) + 1:03d}", "type": qtype, "query": q,
                            "filters": filters or {}, "relevant": dict(sorted(relevant.items()))})

    citizens = [t for t in truth if t["fields"].get("subject_type") == "citizen"]

    # Names: grade 2 where the person is the subject, 1 where the name appears otherwise.
    names = sorted({t["fields"]["subject_name"] for t in citizens})
    for name in rng.sample(names, min(PER_TYPE, len(names))):
        rel = {t["file"]: 1 for t in truth if name.lower() in t["text"].lower()}
        rel.update({t["file"]: 2 for t in truth if t["fields"].get("subject_name") == name})
        add("name", name, rel)
        add("name_folded", fold(name), rel)

    ids = sorted({t["fields"]["subject_id"] for t in citizens if len(t["fields"]["subject_id"]) == 12})
    for number in rng.sample(ids, min(PER_TYPE, len(ids))):
        rel = {t["file"]: 1 for t in truth if number in t["text"]}
        rel.update({t["file"]: 2 for t in truth if t["fields"].get("subject_id") == number})
        add("cccd", number, rel)

    with_numbers = [t for t in truth if t["fields"].get("doc_number")]
    for t in rng.sample(with_numbers, min(PER_TYPE, len(with_numbers))):
        number = t["fields"]["doc_number"]
        rel = {u["file"]: 2 for u in truth if u["fields"].get("doc_number") == number}
        add("doc_number", number, rel)
        add("doc_number_variant", _careless(number, rng), rel)

    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for t in truth:
        by_kind[t["kind"]].append(t)
    # A kind and the place under the province it was issued in: the district, or (since
    # 1 July 2025, when there are none) the commune.
    topics = sorted({(t["kind"], _local(t)) for t in truth})
    for kind, district in rng.sample(topics, min(PER_TYPE, len(topics))):
        place = district.split(" ", 1)[1] if district.split(" ", 1)[0] in ("huyện", "quận", "thị", "xã",
                                                                             "phường") else district
        place = place.removeprefix("phố ")
        q = f"{KIND_PHRASES[kind]} {place}"
        rel = {t["file"]: 1 for t in by_kind[kind]}
        rel.update({t["file"]: 2 for t in by_kind[kind] if _local(t) == district or _in_commune(t, district)})
        add("topical", q, rel)
        add("topical_folded", fold(q), rel)

    facets = sorted({(t["kind"], t["fields"]["province"]) for t in truth})
    for kind, province in rng.sample(facets, min(PER_TYPE // 2, len(facets))):
        rel = {t["file"]: 2 for t in by_kind[kind] if t["fields"]["province"] == province}
        add("facet", KIND_PHRASES[kind], rel, {"province": [province]})
    return queries
