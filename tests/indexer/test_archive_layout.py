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


def _bag_with_record(archive_dir: Path, tmp_path: Path) -> Record:
    original = tmp_path / "a.txt"
    original.write_text("Số: 5/QĐ-UBND\n", encoding="utf-8")
    record = Record(id="cd" + "1" * 22, text="x", signer="Lò Văn Kìm")
    archive.write_bag(archive_dir, record, original, None)
    return record


def _killed_after_first_move(monkeypatch, rewrite) -> None:
    """Run ``rewrite`` as a process that dies after moving the first file into place."""
    real_replace, moved = os.replace, []

    def cut_after_one(src, dst):
        if moved:
            raise KeyboardInterrupt("killed")
        moved.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(archive.os, "replace", cut_after_one)
    try:
        rewrite()
    except KeyboardInterrupt:
        pass
    monkeypatch.setattr(archive.os, "replace", real_replace)


def test_a_rewrite_cut_after_its_commit_is_finished_by_the_next_reader(tmp_path, monkeypatch):
    """record.json, its manifest line, the Payload-Oxum and the tag manifest change together;
    a crash between two of those writes used to leave a bag that fails verification."""
    import bagit
    from archive.layout import read_record

    archive_dir = tmp_path / "archive"
    record = _bag_with_record(archive_dir, tmp_path)
    _killed_after_first_move(monkeypatch, lambda: archive.rewrite_record(
        archive_dir, record.model_copy(update={"signer": "Hoàng Văn Thụ"})))

    assert read_record(archive_dir, record.id).signer == "Hoàng Văn Thụ"  # the committed state
    with archive.bag_lock(archive_dir, record.id):
        pass
    bagit.Bag(str(bag_path(archive_dir, record.id))).validate()


def test_an_erasure_cut_after_its_commit_is_finished_and_the_bag_verifies(tmp_path, monkeypatch):
    """An erasure also writes the text anew and removes the original (archive/erasure.py):
    cut after the first file is moved, the next reader finishes it — the original gone, the
    new text in place, the manifests renewed."""
    import bagit
    from archive.layout import read_record

    archive_dir = tmp_path / "archive"
    record = _bag_with_record(archive_dir, tmp_path)
    data = bag_path(archive_dir, record.id) / "data"
    _killed_after_first_move(monkeypatch, lambda: archive.rewrite_record(
        archive_dir, record.model_copy(update={"text": "[đã xóa]"}), text=True, drop=("original.txt", "archival.pdf")))
    assert read_record(archive_dir, record.id).text == "[đã xóa]"  # the committed state
    with archive.bag_lock(archive_dir, record.id):  # the next writer finishes the move
        pass
    assert not (data / "original.txt").exists()
    assert (data / "text.txt").read_text(encoding="utf-8") == "[đã xóa]"
    bagit.Bag(str(bag_path(archive_dir, record.id))).validate()


def _rewrite_forever(archive_dir: str, record_json: str, ledger: str) -> None:
    """A writer that rewrites one bag's record until it is killed, noting each rewrite done."""
    record = Record.model_validate_json(record_json)
    n = 0
    with open(ledger, "a", encoding="utf-8") as log:
        while True:
            n += 1
            with archive.bag_lock(Path(archive_dir), record.id):
                archive.rewrite_record(Path(archive_dir), record.model_copy(update={"summary": f"lần {n}"}))
            log.write(f"{n}\n")
            log.flush()
            os.fsync(log.fileno())


def test_a_writer_killed_at_random_moments_never_leaves_a_bag_that_fails(tmp_path):
    """Each kill leaves the bag valid, holding the last rewrite the writer finished or the
    one it had begun — never an older one, never a mix."""
    import random
    import signal
    import time

    import bagit
    from archive.layout import read_record

    archive_dir = tmp_path / "archive"
    record = _bag_with_record(archive_dir, tmp_path)
    ctx = multiprocessing.get_context("spawn")
    rng = random.Random(17)
    for round_ in range(12):
        ledger = tmp_path / f"done-{round_}.txt"
        writer = ctx.Process(target=_rewrite_forever, args=(str(archive_dir), record.model_dump_json(), str(ledger)))
        writer.start()
        time.sleep(0.4 + rng.random() * 0.3)  # spawn start-up, then a random moment of writing
        os.kill(writer.pid, signal.SIGKILL)
        writer.join()
        done = [int(n) for n in ledger.read_text().split()] if ledger.exists() else []
        with archive.bag_lock(archive_dir, record.id):
            kept = read_record(archive_dir, record.id)
        bagit.Bag(str(bag_path(archive_dir, record.id))).validate()
        assert kept.signer == "Lò Văn Kìm"
        if done:
            assert kept.summary in (f"lần {done[-1]}", f"lần {done[-1] + 1}"), (kept.summary, done[-1])
