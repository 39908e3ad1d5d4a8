"""Writers that cannot lose each other's work, and re-ingest decided by the archive (#17,
items 4 and 5). Born-digital .txt files through the real Tika and OpenSearch."""

from __future__ import annotations

import shutil
import threading

import bagit
import pytest

from archive import leases
from archive.corrections import correct
from archive.layout import bag_path, read_record
from archive.records import record_id_for
from indexer.maintenance import reindex
from indexer.pipeline import IngestReport, Ingestor
from search.errors import TracuuError

pytestmark = [pytest.mark.opensearch, pytest.mark.tika]


def _folder(root, names, manifest: str | None = None):
    root.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(names):
        (root / name).write_text(f"Số: {i + 10}/QĐ-UBND\nQuyết định về việc cấp phép số {name}.\n", encoding="utf-8")
    if manifest is not None:
        (root / "manifest.csv").write_text(manifest, encoding="utf-8")
    return root


def _rid(path) -> str:
    import hashlib

    return record_id_for(hashlib.sha256(path.read_bytes()).hexdigest())


def _bag_ok(settings, rid):
    bagit.Bag(str(bag_path(settings.archive_dir, rid))).validate()


def test_a_changed_manifest_row_is_a_new_version_and_the_old_one_is_kept(fresh_settings, fresh_index, tmp_path):
    folder = _folder(tmp_path / "in", ["a.txt"], "file,subject_name,doc_number\na.txt,Lò Văn Kìm,10/QĐ-UBND\n")
    assert Ingestor(fresh_settings, fresh_index).ingest_dir(folder).ingested == ["a.txt"]
    rid = _rid(folder / "a.txt")

    (folder / "manifest.csv").write_text("file,subject_name,doc_number\na.txt,Lò Văn Kìm,10A/QĐ-UBND\n",
                                         encoding="utf-8")
    report = Ingestor(fresh_settings, fresh_index).ingest_dir(folder)
    assert report.updated == ["a.txt"] and report.duplicates == [] and report.ingested == []

    kept = read_record(fresh_settings.archive_dir, rid)
    assert kept.doc_number == "10A/QĐ-UBND" and kept.subject_name == "Lò Văn Kìm"
    assert kept.pipeline["versions"][-1]["fields"] == {"doc_number": {"before": "10/QĐ-UBND", "after": "10A/QĐ-UBND"}}
    assert fresh_index.get(rid).doc_number == "10A/QĐ-UBND"
    _bag_ok(fresh_settings, rid)

    again = Ingestor(fresh_settings, fresh_index).ingest_dir(folder)
    assert again.duplicates == ["a.txt"] and again.updated == []


def test_an_unchanged_row_does_not_undo_a_clerks_correction(fresh_settings, fresh_index, tmp_path):
    folder = _folder(tmp_path / "in", ["a.txt"], "file,signer\na.txt,Nguyễn Văn A\n")
    Ingestor(fresh_settings, fresh_index).ingest_dir(folder)
    rid = _rid(folder / "a.txt")
    correct(fresh_index, fresh_settings.archive_dir, rid, {"signer": "Nguyễn Văn Á"}, "clerk")

    report = Ingestor(fresh_settings, fresh_index).ingest_dir(folder)
    assert report.duplicates == ["a.txt"]
    assert read_record(fresh_settings.archive_dir, rid).signer == "Nguyễn Văn Á"
    assert fresh_index.get(rid).signer == "Nguyễn Văn Á"


def test_with_the_archive_lost_and_the_index_kept_a_rerun_archives_again(fresh_settings, fresh_index, tmp_path):
    """'Already ingested' used to be asked of the index: the record of truth was never rebuilt."""
    folder = _folder(tmp_path / "in", ["a.txt", "b.txt"])
    Ingestor(fresh_settings, fresh_index).ingest_dir(folder)
    shutil.rmtree(fresh_settings.archive_dir)

    report = Ingestor(fresh_settings, fresh_index).ingest_dir(folder)
    assert sorted(report.ingested) == ["a.txt", "b.txt"] and report.duplicates == []
    for name in ("a.txt", "b.txt"):
        _bag_ok(fresh_settings, _rid(folder / name))


def test_writes_made_while_reindex_runs_are_in_the_new_index(fresh_settings, fresh_index, tmp_path):
    """A correction and an ingest landed in the old index, which the swap then deleted."""
    first = _folder(tmp_path / "first", [f"f{i}.txt" for i in range(5)])
    Ingestor(fresh_settings, fresh_index).ingest_dir(first)
    corrected_id = _rid(first / "f0.txt")
    paused, go_on = threading.Event(), threading.Event()

    def on_record():
        if not paused.is_set():
            paused.set()
            go_on.wait(60)

    outcome: dict = {}
    runner = threading.Thread(target=lambda: outcome.setdefault("report", reindex(fresh_settings, fresh_index, on_record)))
    runner.start()
    assert paused.wait(60)
    try:
        correct(fresh_index, fresh_settings.archive_dir, corrected_id, {"signer": "Trần Thị Bé"}, "clerk")
        late = _folder(tmp_path / "late", ["late.txt"])
        assert Ingestor(fresh_settings, fresh_index).ingest_dir(late).ingested == ["late.txt"]
    finally:
        go_on.set()
        runner.join(120)

    assert outcome["report"].caught_up >= 2
    fresh_index.refresh()
    assert fresh_index.get(corrected_id).signer == "Trần Thị Bé"
    assert fresh_index.exists(_rid(late / "late.txt"))


def test_a_bag_that_cannot_be_read_stops_the_swap_and_is_named(fresh_settings, fresh_index, tmp_path):
    folder = _folder(tmp_path / "in", ["a.txt", "b.txt"])
    Ingestor(fresh_settings, fresh_index).ingest_dir(folder)
    before = fresh_index.physical_indices()
    broken = _rid(folder / "b.txt")
    (bag_path(fresh_settings.archive_dir, broken) / "data" / "record.json").write_text("{", encoding="utf-8")

    with pytest.raises(TracuuError) as err:
        reindex(fresh_settings, fresh_index)
    assert broken in err.value.message
    assert fresh_index.physical_indices() == before
    assert fresh_index.exists(broken)  # the old index still answers for it


def test_a_second_ingest_is_refused_while_one_runs_naming_it(fresh_settings, fresh_index, tmp_path):
    """Two at once OCR'd the same files and the second crashed renaming onto the first's bag."""
    folder = _folder(tmp_path / "in", ["a.txt", "b.txt"])
    started, go_on = threading.Event(), threading.Event()

    def on_file(rel, pages):
        started.set()
        go_on.wait(60)

    first = threading.Thread(target=lambda: Ingestor(fresh_settings, fresh_index).ingest_dir(folder, on_file=on_file))
    first.start()
    assert started.wait(60)
    try:
        with pytest.raises(leases.Busy) as err:
            Ingestor(fresh_settings, fresh_index).ingest_dir(folder)
        assert "pid" in err.value.message and "tracuu ingest" in err.value.message
    finally:
        go_on.set()
        first.join(60)
    report = Ingestor(fresh_settings, fresh_index).ingest_dir(folder)
    assert sorted(report.duplicates) == ["a.txt", "b.txt"]


def test_two_reports_of_the_same_second_are_both_kept(fresh_settings, fresh_index):
    ingestor = Ingestor(fresh_settings, fresh_index)
    one = IngestReport(folder="a", started_at="2026-01-02T03:04:05+00:00", ingested=["x"])
    two = IngestReport(folder="b", started_at="2026-01-02T03:04:05+00:00", ingested=["y"])
    paths = {ingestor._write_report(one), ingestor._write_report(two)}
    assert len(paths) == 2
    assert sorted(p.read_text(encoding="utf-8").count('"folder": "a"') for p in paths) == [0, 1]


def test_two_clerks_correcting_one_record_at_once_both_land(fresh_settings, fresh_index, tmp_path):
    """Two corrections at once: one used to be lost (read, read, write, write)."""
    folder = _folder(tmp_path / "in", ["a.txt"])
    Ingestor(fresh_settings, fresh_index).ingest_dir(folder)
    rid = _rid(folder / "a.txt")
    errors: list[BaseException] = []

    def clerk(field, values):
        try:
            for v in values:
                correct(fresh_index, fresh_settings.archive_dir, rid, {field: v}, field)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=clerk, args=("signer", [f"Người ký {i}" for i in range(8)])),
               threading.Thread(target=clerk, args=("summary", [f"Trích yếu {i}" for i in range(8)]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    kept = read_record(fresh_settings.archive_dir, rid)
    assert (kept.signer, kept.summary) == ("Người ký 7", "Trích yếu 7")
    assert len(kept.pipeline["corrections"]) == 16
    _bag_ok(fresh_settings, rid)


class _IndexDown:
    """OpenSearch gone between the archive write and the index write (a fault the real
    server cannot be made to produce at that exact moment)."""

    def put(self, record):
        from search.errors import SearchUnavailable

        raise SearchUnavailable("down")


def test_a_correction_cut_off_before_the_index_is_caught_up(fresh_settings, fresh_index, tmp_path):
    from archive import pending
    from archive.recovery import catch_up
    from search.errors import SearchUnavailable

    folder = _folder(tmp_path / "in", ["a.txt"])
    Ingestor(fresh_settings, fresh_index).ingest_dir(folder)
    rid = _rid(folder / "a.txt")
    with pytest.raises(SearchUnavailable):
        correct(_IndexDown(), fresh_settings.archive_dir, rid, {"signer": "Giàng A Chứ"}, "clerk")
    assert read_record(fresh_settings.archive_dir, rid).signer == "Giàng A Chứ"
    assert fresh_index.get(rid).signer != "Giàng A Chứ"  # the index is behind the archive …
    assert pending.pending(fresh_settings.archive_dir) == [rid]  # … and it is known

    assert catch_up(fresh_settings.archive_dir, fresh_index).indexed == [rid]
    assert fresh_index.get(rid).signer == "Giàng A Chứ"
    assert pending.pending(fresh_settings.archive_dir) == []


def test_a_new_version_cut_off_before_the_index_is_indexed_by_the_rerun(fresh_settings, fresh_index, tmp_path,
                                                                        monkeypatch):
    """Found by scripts/chaos.py: the bag took the changed row, Tika went down before the
    batch was indexed, and every rerun called the file a duplicate — index != archive."""
    from search.errors import SearchUnavailable

    folder = _folder(tmp_path / "in", ["a.txt"], "file,summary\na.txt,Trích yếu cũ\n")
    Ingestor(fresh_settings, fresh_index).ingest_dir(folder)
    rid = _rid(folder / "a.txt")
    (folder / "manifest.csv").write_text("file,summary\na.txt,Trích yếu mới\n", encoding="utf-8")

    def down(*args, **kwargs):
        raise SearchUnavailable("down")

    monkeypatch.setattr(fresh_index, "bulk", down)
    with pytest.raises(SearchUnavailable):
        Ingestor(fresh_settings, fresh_index).ingest_dir(folder)
    monkeypatch.undo()
    assert read_record(fresh_settings.archive_dir, rid).summary == "Trích yếu mới"

    Ingestor(fresh_settings, fresh_index).ingest_dir(folder)
    assert fresh_index.get(rid).summary == "Trích yếu mới"


def test_a_correction_made_while_a_batch_waits_is_not_overwritten_by_it(fresh_settings, fresh_index, tmp_path):
    """The batch's document was made when the file was read and sent minutes later: a
    correction (or a revocation) made in between was overwritten in the index."""
    folder = _folder(tmp_path / "in", ["a.txt", "b.txt"], "file,summary\na.txt,Cũ\nb.txt,Cũ\n")
    Ingestor(fresh_settings, fresh_index).ingest_dir(folder)
    rid = _rid(folder / "a.txt")
    (folder / "manifest.csv").write_text("file,summary\na.txt,Mới\nb.txt,Cũ\n", encoding="utf-8")

    def on_file(rel, pages):
        if rel == "a.txt":  # a.txt's new version is queued, not yet sent
            correct(fresh_index, fresh_settings.archive_dir, rid, {"signer": "Vừ A Dính"}, "clerk")

    report = Ingestor(fresh_settings, fresh_index).ingest_dir(folder, on_file=on_file)
    assert report.updated == ["a.txt"]
    answered = fresh_index.get(rid)
    assert (answered.summary, answered.signer) == ("Mới", "Vừ A Dính")
    assert read_record(fresh_settings.archive_dir, rid).model_dump(exclude={"text"}) == answered.model_dump(
        exclude={"text"})


def test_a_swap_that_timed_out_after_it_was_applied_keeps_the_new_index(fresh_settings, fresh_index, tmp_path,
                                                                         monkeypatch):
    """The client retries a timed-out alias update; the retry fails although the first
    applied, and the index the alias now pointed at was deleted: every search came back empty."""
    from opensearchpy.exceptions import ConnectionTimeout

    folder = _folder(tmp_path / "in", ["a.txt", "b.txt"])
    Ingestor(fresh_settings, fresh_index).ingest_dir(folder)
    real = fresh_index.client.indices.update_aliases

    def applied_then_timed_out(*args, **kwargs):
        real(*args, **kwargs)
        raise ConnectionTimeout("TIMEOUT", "timed out", None)

    monkeypatch.setattr(fresh_index.client.indices, "update_aliases", applied_then_timed_out)
    report = reindex(fresh_settings, fresh_index)
    monkeypatch.undo()
    assert fresh_index.physical_indices() == [report.new_index]
    fresh_index.refresh()
    assert all(fresh_index.exists(_rid(folder / n)) for n in ("a.txt", "b.txt"))


def test_a_status_decision_retried_after_the_index_failed_is_recorded_once_and_indexed(fresh_settings, fresh_index,
                                                                                         tmp_path):
    """The first call archived the revocation and failed on the index (503); the officer's
    retry was refused as 'already revoked' and the index never learned of it."""
    import datetime as dt

    from archive.events import StatusChange, apply_event
    from search.errors import SearchUnavailable

    folder = _folder(tmp_path / "in", ["a.txt"])
    Ingestor(fresh_settings, fresh_index).ingest_dir(folder)
    rid = _rid(folder / "a.txt")
    change = StatusChange(action="revoke", effective_date=dt.date.today(), reason="Vi phạm", decision_number="7/QĐ-UBND")
    with pytest.raises(SearchUnavailable):
        apply_event(_IndexDown(), fresh_settings.archive_dir, rid, change, "cb01")
    again = apply_event(fresh_index, fresh_settings.archive_dir, rid, change, "cb01")
    assert len(again.status_events) == 1
    assert fresh_index.get(rid).status == "revoked"
