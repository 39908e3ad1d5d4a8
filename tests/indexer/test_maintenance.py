"""verify and reindex, against the archive and the real OpenSearch."""

from __future__ import annotations

import shutil
import threading

import pytest

from indexer.maintenance import reindex, verify
from indexer.pipeline import Ingestor
from search.index import RecordIndex, find
from search.query import SearchRequest

pytestmark = [pytest.mark.opensearch, pytest.mark.tika, pytest.mark.ocr]


@pytest.fixture(scope="module")
def archived(sample_corpus, settings, record_index):
    """The sample corpus ingested into this module's own index and archive."""
    folder, truth = sample_corpus
    born_digital = [t["file"] for t in truth if not t["scanned"]]
    report = Ingestor(settings, record_index).ingest_dir(folder, files=[folder / f for f in born_digital])
    assert not report.failed
    return born_digital


def test_verify_passes_an_intact_archive(archived, settings):
    report = verify(settings)
    assert report.checked == len(archived) and report.damaged == []


def test_verify_names_a_damaged_package(archived, settings, tmp_path):
    bag = next((settings.archive_dir).glob("*/*"))
    text = bag / "data" / "text.txt"
    saved = tmp_path / "text.txt"
    shutil.copy(text, saved)
    try:
        text.write_text(text.read_text() + "sửa trái phép")
        report = verify(settings)
        assert [name for name, _ in report.damaged] == [bag.name]
        assert "text.txt" in report.damaged[0][1]
    finally:
        shutil.copy(saved, text)


def test_reindex_under_search_load_never_errs_nor_comes_back_empty(archived, settings, record_index):
    before = record_index.physical_indices()
    results: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def search_loop():
        reader = RecordIndex.from_settings(settings)
        while not stop.is_set():
            try:
                results.append(find(reader, SearchRequest(q="")).total)
            except BaseException as e:  # noqa: BLE001 - every failure is a finding
                errors.append(e)

    threads = [threading.Thread(target=search_loop) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        report = reindex(settings, record_index)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert errors == []
    assert len(results) > 10
    assert set(results) == {len(archived)}, "search must never see an empty or half-filled index"
    assert report.indexed == len(archived)
    assert record_index.physical_indices() == [report.new_index]
    assert report.replaced == before


def test_resume_indexes_from_the_archive_without_reading_files_again(archived, sample_corpus, settings, record_index):
    """An interrupted run left bags but no index entries: the next run indexes the bags."""
    folder, _ = sample_corpus
    ingested_at = {h.id: record_index.get(h.id).ingested_at for h in find(record_index, SearchRequest(size=100)).hits}
    record_index.drop()
    again = Ingestor(settings, record_index).ingest_dir(folder, files=[folder / f for f in archived])
    assert sorted(again.ingested) == sorted(archived)
    assert again.pages == 0, "nothing was read again"
    for record_id, when in ingested_at.items():
        assert record_index.get(record_id).ingested_at == when
