"""The archive on its own filesystem, as deployed: bags are built beside the archive and
renamed into place (atomic only within one filesystem), made durable, never half there."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from archive import bags as archive
from indexer.pipeline import Ingestor
from archive.layout import bag_path, iter_bags
from archive.records import Record


def test_the_temp_folder_and_the_archive_are_on_different_filesystems(temp_on_its_own_filesystem, settings):
    """Without this every test below could pass on one disk and fail in the compose layout."""
    layout = temp_on_its_own_filesystem
    assert layout["mounted"], "a tmpfs for TMPDIR could not be mounted (run the tests as root, as CI does)"
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    assert os.stat(layout["temp"]).st_dev != os.stat(settings.data_dir).st_dev


def test_files_are_ingested_with_the_temp_folder_on_another_filesystem(fresh_settings, fresh_index, tmp_path):
    """The first file used to fail with 'Invalid cross-device link' (OSError 18)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Số: 5/QĐ-UBND\nQuyết định về việc thử.\n", encoding="utf-8")
    report = Ingestor(fresh_settings, fresh_index).ingest_dir(folder)
    assert report.ingested == ["a.txt"], report.failed
    assert len(list(iter_bags(fresh_settings.archive_dir))) == 1


def test_a_half_built_bag_is_never_a_bag_and_a_dead_writers_leftovers_are_cleaned(tmp_path):
    archive_dir = tmp_path / "archive"
    dead = archive_dir / archive.STAGING / "bag-0123456789abcdef01234567-999999999-x"  # no such pid
    dead.mkdir(parents=True)
    (dead / "text.txt").write_text("half", encoding="utf-8")
    live = archive_dir / archive.STAGING / f"bag-0123456789abcdef01234567-{os.getpid()}-y"
    live.mkdir()
    assert list(iter_bags(archive_dir)) == []  # staging is not read as bags
    assert archive.clean_staging(archive_dir) == [dead.name]
    assert live.exists()


def _write(archive_dir: Path, original: Path, record_id: str) -> str:
    return str(archive.write_bag(archive_dir, Record(id=record_id, text="x", source_filename="a.txt"), original, None))


def test_two_writers_of_one_record_leave_one_whole_bag(tmp_path):
    """Two ingests at once (processes: bagit changes the working directory) archive the
    same bytes: one bag, whole, and nothing left in staging."""
    archive_dir = tmp_path / "archive"
    original = tmp_path / "a.txt"
    original.write_text("x", encoding="utf-8")
    record_id = "0123456789abcdef01234567"
    with ProcessPoolExecutor(4, mp_context=multiprocessing.get_context("spawn")) as pool:
        paths = list(pool.map(_write, [archive_dir] * 8, [original] * 8, [record_id] * 8))
    assert set(paths) == {str(bag_path(archive_dir, record_id))}
    assert [p.name for p in iter_bags(archive_dir)] == [record_id]
    assert (bag_path(archive_dir, record_id) / "data" / "record.json").exists()
    assert list((archive_dir / archive.STAGING).iterdir()) == []


def test_a_bag_is_made_durable_before_it_is_in_place(tmp_path, monkeypatch):
    """fsync is called on every file and folder of the bag, and on the folder it lands in
    (a power cut after the rename must not leave an empty or missing bag)."""
    synced: list[str] = []
    real = os.fsync

    def record_fsync(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        return real(fd)

    monkeypatch.setattr(os, "fsync", record_fsync)
    original = tmp_path / "a.txt"
    original.write_text("x", encoding="utf-8")
    final = archive.write_bag(tmp_path / "archive", Record(id="ab" + "0" * 22, text="x"), original, None)
    names = {Path(p).name for p in synced}
    assert {"original.txt", "record.json", "text.txt", "manifest-sha256.txt", "bagit.txt"} <= names
    assert str(final.parent) in synced  # the rename itself made durable
