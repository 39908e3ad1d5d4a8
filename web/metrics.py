"""Prometheus metrics at ``/metrics`` (docs/metrics.md).

Request latency by route comes from prometheus-fastapi-instrumentator (the well-kept
instrumentator for FastAPI: route templates as labels, so a record id never becomes a label
of its own). Ours, beside it:

- ``tracuu_search_seconds{part}``: a search's time in OpenSearch (``opensearch``, the
  ``_msearch`` round trip) and in the app (``app``: the rest of ``find`` — building the
  request, reading the answer), so a slow search says which side it was slow on.
- ``tracuu_ingest_queue_jobs{status}``: the queue's jobs by status (procrastinate's table),
  read at each scrape — the database is the one place every host's workers report to.
- ``tracuu_ingest_pages_per_minute``: pages archived by the queue's jobs over the last ten
  minutes, per minute, from ``ingest_jobs`` (every worker on every host writes there).

With ``tracuu serve --workers N``, each process counts its own requests; set
``PROMETHEUS_MULTIPROC_DIR`` (``tracuu serve`` does, under the data dir) and the endpoint
adds them up (prometheus_client's multiprocess mode). The queue's figures come from the
database and are the same whichever process answers.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import psycopg
from fastapi import FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from prometheus_fastapi_instrumentator import Instrumentator

log = logging.getLogger(__name__)

#: The window over which ingest throughput is measured.
WINDOW_MINUTES = 10


class QueueCollector(Collector):
    """The queue's depth and the ingest rate, read from the database at each scrape."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    def collect(self) -> Iterator[GaugeMetricFamily]:
        jobs = GaugeMetricFamily("tracuu_ingest_queue_jobs", "Ingest jobs in the queue, by status", labels=["status"])
        rate = GaugeMetricFamily("tracuu_ingest_pages_per_minute",
                                 f"Pages archived by ingest jobs, per minute over the last {WINDOW_MINUTES} minutes")
        try:
            with psycopg.connect(self.dsn, autocommit=True, connect_timeout=3) as c:
                counts = dict(c.execute("SELECT status::text, count(*) FROM procrastinate_jobs "
                                        "WHERE task_name = 'ingest_file' GROUP BY status").fetchall())
                pages = c.execute("SELECT coalesce(sum(pages), 0) FROM ingest_jobs "
                                  "WHERE updated_at > now() - make_interval(mins => %s)",
                                  (WINDOW_MINUTES,)).fetchone()[0]
        except psycopg.Error as e:  # a scrape never fails for the database: these two are left out
            log.warning("metrics: the queue's figures are unavailable (%s)", type(e).__name__)
            return
        for status in ("todo", "doing", "succeeded", "failed"):
            jobs.add_metric([status], counts.get(status, 0))
        rate.add_metric([], pages / WINDOW_MINUTES)
        yield jobs
        yield rate


def install(app: FastAPI, dsn: str) -> None:
    """Instrument the app's requests and expose ``/metrics`` (not in the OpenAPI schema).
    The request metrics are the app's own registry (the instrumentator registers its metrics
    once per registry: a second app in one process — tests — would count nothing)."""
    requests = CollectorRegistry()
    Instrumentator(excluded_handlers=["/metrics", "/static"], should_group_status_codes=False,
                   registry=requests).instrument(app)
    queue = CollectorRegistry()
    queue.register(QueueCollector(dsn))

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        if "PROMETHEUS_MULTIPROC_DIR" in os.environ:  # serve --workers N: every process's counts added up
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            parts = [registry]
        else:  # this app's requests, the process (search timing, Python), the queue
            parts = [requests, REGISTRY]
        # Several registries, one text: the exposition format is a list of metric families.
        return Response(b"".join(generate_latest(r) for r in (*parts, queue)), media_type=CONTENT_TYPE_LATEST)
