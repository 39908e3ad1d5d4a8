"""How long a search spends in OpenSearch and in the app: a Prometheus histogram that
``find`` observes and ``/metrics`` exposes (web/metrics.py)."""

from __future__ import annotations

from prometheus_client import Histogram

SEARCH_SECONDS = Histogram("tracuu_search_seconds", "Time of a search: in OpenSearch (the _msearch round trip) "
                           "and in the app (building the request, reading the answer)",
                           ["part"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))


def record(total_seconds: float, opensearch_seconds: float) -> None:
    SEARCH_SECONDS.labels("opensearch").observe(opensearch_seconds)
    SEARCH_SECONDS.labels("app").observe(max(total_seconds - opensearch_seconds, 0.0))
