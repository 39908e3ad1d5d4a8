"""Backup and restore (issue #17): the restore drill against the real OpenSearch and a real
ingest — back up while a writer corrects records, records reuses and writes the audit log;
destroy the data dir and the index; restore; every bag verifies, the audit log verifies, the
account logs in and the key works, and after reindex the same queries find the same records
— and the refusals: a damaged backup, a data dir that holds data, a destination inside it.
The tests without a service marker use a small data dir made on the spot."""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import bagit
import psycopg
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from archive.backup import backup, restore
from archive.bags import write_bag
from archive.corrections import correct
from archive.layout import iter_bags, read_record
from archive.records import Record, record_id_for
from archive.reuse import ReuseEvent
from helpers import OLD_ACCOUNTS_SCHEMA, OFFICER_PASSWORD, api_key, csrf_of, ingested_sample, log_in
from search.config import Settings
from search.errors import BackupError
from search.index import RecordIndex, find, reuse_stats
from search.query import SearchRequest
from database import snapshot
from database.accounts import AccountStore
from database.audit import AuditEvent, AuditLog
from database.reuse_events import ReuseEvents

def _tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` (hidden ones too) and the SHA-256 of its bytes; not the
    empty lock files of the archive's writers (archive/leases.py), which hold no data."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and ".locks" not in p.parts}


def _answers(index: RecordIndex, queries: list[str]) -> dict[str, list[str]]:
    """The ids each query finds. Sorted: records that score the same may come in another
    order from another physical index (the order of ties is not an answer)."""
    return {q: sorted(h.id for h in find(index, SearchRequest(q=q, size=50)).hits) for q in queries}


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


# -- the drill, against the real services -------------------------------------------------


@pytest.fixture(scope="module")
def live(running_services, databases, tmp_path_factory):
    """A real ingest, with what a day of service leaves: an officer account that read a
    record, an API key that read one and recorded two reuses; then the index rebuilt from
    the archive (as after a restore) and the answers of a few queries taken."""
    from indexer.maintenance import reindex
    from web.app import create_app

    settings, index, truth = ingested_sample(running_services, databases, tmp_path_factory, "backup",
                                             n=6, seed=17, scanned_share=0.0, manifest_share=1.0)
    ids = [record_id_for(t["sha256"]) for t in truth]
    token = api_key(settings)
    with TestClient(create_app(settings), headers={"Authorization": f"Bearer {token}"}) as system:
        for n, rid in enumerate(ids[:2]):
            r = system.post(f"/api/v1/records/{rid}/reuse", json={"dossier_code": f"000.00.12.H06-261122-{n:04d}"})
            assert r.status_code == 201, r.text
        assert system.get(f"/api/v1/records/{ids[2]}").status_code == 200
    with TestClient(create_app(settings)) as officer:
        log_in(officer, settings)
        assert officer.get(f"/records/{ids[3]}").status_code == 200
        cookies = dict(officer.cookies)
    reindex(settings, index)
    fields = [t["fields"] for t in truth]
    queries = ["", fields[0]["doc_number"], fields[1]["issuing_agency"], fields[2]["result_type"],
               fields[3]["procedure_name"], " ".join(fields[4]["summary"].split()[:4])]
    answers = _answers(index, queries)
    assert all(answers.values()), answers
    yield SimpleNamespace(settings=settings, index=index, ids=ids, token=token, cookies=cookies, answers=answers)
    index.drop()
    index.client.close()


class _NoIndex:
    """Where the hammering corrections send their record: nowhere (the index is destroyed
    in the drill anyway; OpenSearch's refresh would slow the writer to a write a second)."""

    def put(self, record: Record) -> None:
        pass


@pytest.fixture(scope="module")
def taken(live, tmp_path_factory):
    """A backup taken while writers run, from before it starts until after it ends: a
    thread per record corrects it again and again (archive.corrections.correct: the bag's
    lock, the rewrite of record.json and the manifests), another appends reuse events to
    the journal and writes the audit log, flushing its head after every line. (Without the
    bag's lock around each copy, this tears a copied bag in most runs.)"""
    settings, ids = live.settings, live.ids
    journal = ReuseEvents.of(settings)
    records = {rid: read_record(settings.archive_dir, rid) for rid in ids}
    stop = threading.Event()
    running = [threading.Event() for _ in range(len(ids) + 1)]
    corrections: list[int] = []
    errors: list[BaseException] = []

    def corrector(k: int) -> None:
        try:
            n = 0
            while not stop.is_set():
                correct(_NoIndex(), settings.archive_dir, ids[k], {"dossier_code": f"000.00.12.H06-9912{k:02d}-{n:04d}"},
                        by="drill")
                n += 1
                corrections.append(n)
                running[k].set()
        except BaseException as e:  # noqa: BLE001 - every failure is a finding
            errors.append(e)
            running[k].set()

    def logger() -> None:
        log = AuditLog.of(settings)
        try:
            n = 0
            while not stop.is_set():
                rid = ids[n % len(ids)]
                journal.append(ReuseEvent.of(records[rid], f"DRILL-{n:05d}", "drill"))
                log.write(AuditEvent(actor_kind="system", actor="drill", action="correct", record_id=rid))
                log.flush()
                n += 1
                running[-1].set()
        except BaseException as e:  # noqa: BLE001
            errors.append(e)
            running[-1].set()
        finally:
            log.close()

    threads = [*(threading.Thread(target=corrector, args=(k,)) for k in range(len(ids))),
               threading.Thread(target=logger)]
    for t in threads:
        t.start()
    assert all(r.wait(60) for r in running)
    journal_before = [e.key for e in journal.read()]
    dest = tmp_path_factory.mktemp("backups") / "full"
    at_start = len(corrections)
    started = time.monotonic()
    try:
        # A pause per item stretches the backup over many writes (the corpus is small).
        report = backup(settings, dest, on_item=lambda step, name: time.sleep(0.05))
        seconds = time.monotonic() - started
        during = len(corrections) - at_start
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    assert errors == []
    return SimpleNamespace(dest=dest, report=report, during=during, seconds=seconds, journal_before=journal_before,
                           journal_after=[e.key for e in journal.read()])


@pytest.mark.opensearch
@pytest.mark.tika
def test_restore_drill(live, taken):
    """Back up under writes, destroy, restore: everything verifies and answers as before."""
    from indexer.maintenance import reindex, verify
    from web.app import create_app

    settings, index, dest = live.settings, live.index, taken.dest
    assert taken.during > 0, "the writer must have written while the backup ran"

    # The backup is a valid BagIt bag, and so is every archival package in it.
    bagit.Bag(str(dest)).validate(processes=1)
    bags = list(iter_bags(dest / "data" / "archive"))
    assert len(bags) == len(live.ids) == taken.report.bags and taken.report.damaged == []
    for bag in bags:
        bagit.Bag(str(bag)).validate(processes=1)
    assert not (dest / "data" / "archive" / ".locks").exists() and not (dest / ".partial").exists()
    # Secrets are 0600; the payload folder 0700.
    for secret in [*(dest / "data" / "keys").iterdir(), dest / "data" / "database.json"]:
        assert secret.stat().st_mode & 0o777 == 0o600, secret
    assert (dest / "data").stat().st_mode & 0o777 == 0o700
    # The reuse events in the backup: everything before it began, in order, nothing made up.
    kept_events = json.loads((dest / "data" / "database.json").read_bytes())["reuse_events"]
    kept = [e["key"] for e in kept_events]
    before, after = taken.journal_before, taken.journal_after
    assert kept[:len(before)] == before and after[:len(kept)] == kept and len(kept) > len(before)

    # Disaster: the data dir, the database's rows and the index are gone.
    shutil.rmtree(settings.data_dir)
    snapshot.load(settings.database_dsn(), b"{}")
    with psycopg.connect(settings.database_dsn()) as db:
        db.execute("DELETE FROM audit_events")
        db.execute("DELETE FROM audit_key_check")
    index.drop()
    report = restore(settings, dest)
    assert report.files == taken.report.files and report.replaced == []

    checked = verify(settings)
    assert checked.damaged == [] and checked.checked == len(live.ids)
    log = AuditLog.of(settings)
    found = log.verify()
    assert found.intact and found.torn == [] and found.lines > 0, found
    events = list(log.events())
    assert any(e.action == "view" and e.record_id == live.ids[3] and e.actor == "canbo" for e in events)
    assert any(e.action == "reuse" for e in events)

    accounts = AccountStore.of(settings)
    assert accounts.authenticate("canbo", OFFICER_PASSWORD).login == "canbo"
    assert accounts.verify_key(live.token) is not None

    rebuilt = reindex(settings, index)
    assert rebuilt.indexed == len(live.ids)
    assert _answers(index, list(live.answers)) == live.answers
    expected = collections.Counter(e["event"]["record_id"] for e in kept_events)
    stats = reuse_stats(index)
    assert rebuilt.reuses == stats.total == len(kept_events)
    assert {t.record_id: t.count for t in stats.top} == dict(expected)

    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/search", params={"q": ""},
                          headers={"Authorization": f"Bearer {live.token}"}).status_code == 200
        # Sessions are not restored: the officer's cookie from before the disaster opens
        # nothing, and the officer logs in again.
        client.cookies.update(live.cookies)
        assert client.get("/", follow_redirects=False).status_code == 303
        client.cookies.clear()
        token = csrf_of(client.get("/login").text)
        r = client.post("/login", data={"login": "canbo", "password": OFFICER_PASSWORD, "csrf_token": token},
                        follow_redirects=False)
        assert r.status_code == 303


@pytest.mark.opensearch
@pytest.mark.tika
def test_a_damaged_backup_is_refused_by_name_and_nothing_changes(live, taken, tmp_path):
    data_dir = live.settings.data_dir
    before = _tree(data_dir)
    text = sorted(taken.dest.glob("data/archive/*/*/data/text.txt"))[0].relative_to(taken.dest).as_posix()
    for name in ("data/database.json", text):
        copy = tmp_path / f"copy-{uuid.uuid4().hex[:6]}"
        shutil.copytree(taken.dest, copy)
        _flip_a_byte(copy / name)
        with pytest.raises(BackupError) as refused:
            restore(live.settings, copy, force=True)
        assert f"'{name}'" in refused.value.message and "SHA-256" in refused.value.message
        assert _tree(data_dir) == before
        nowhere = live.settings.model_copy(update={"data_dir": tmp_path / "nowhere"})
        with pytest.raises(BackupError):
            restore(nowhere, copy)
        assert not (tmp_path / "nowhere").exists()


@pytest.mark.opensearch
@pytest.mark.tika
def test_restore_into_a_data_dir_that_holds_data_needs_force(live, taken):
    before = _tree(live.settings.data_dir)
    with pytest.raises(BackupError) as refused:
        restore(live.settings, taken.dest)
    assert "--force" in refused.value.message and "archive" in refused.value.message
    assert _tree(live.settings.data_dir) == before


@pytest.mark.opensearch
@pytest.mark.tika
def test_the_commands_back_up_and_restore_and_reindex(live, tmp_path, monkeypatch, databases):
    from search.config import get_settings
    from tracuu.cli import app

    dest = tmp_path / "cli-backup"
    other = live.settings.model_copy(update={"index": f"test-backup-cli-{uuid.uuid4().hex[:8]}",
                                             "data_dir": tmp_path / "restored"})
    monkeypatch.setenv("TRACUU_OPENSEARCH_URL", live.settings.opensearch_url)
    monkeypatch.setenv("TRACUU_DATA_DIR", str(live.settings.data_dir))
    monkeypatch.setenv("TRACUU_INDEX", live.settings.index)
    monkeypatch.setenv("TRACUU_DATABASE_URL", live.settings.database_dsn())
    get_settings.cache_clear()
    index = RecordIndex.from_settings(other)
    try:
        done = CliRunner().invoke(app, ["backup", str(dest)])
        assert done.exit_code == 0, done.output
        assert f"Đã sao lưu {len(live.ids)} gói lưu trữ" in done.output
        monkeypatch.setenv("TRACUU_DATA_DIR", str(other.data_dir))
        monkeypatch.setenv("TRACUU_INDEX", other.index)
        monkeypatch.setenv("TRACUU_DATABASE_URL", databases())  # a new installation: its own database
        get_settings.cache_clear()
        done = CliRunner().invoke(app, ["restore", str(dest)])
        assert done.exit_code == 0, done.output
        assert "Đã khôi phục" in done.output and f"Đã lập chỉ mục {len(live.ids)} bản ghi" in done.output
        assert _answers(index, list(live.answers)) == live.answers
        again = CliRunner().invoke(app, ["restore", str(dest), "--no-reindex"])
        assert again.exit_code == 7 and "--force" in again.output and "Traceback" not in again.output
        forced = CliRunner().invoke(app, ["restore", str(dest), "--force", "--no-reindex"])
        assert forced.exit_code == 0, forced.output
        assert "tracuu reindex" in forced.output
    finally:
        get_settings.cache_clear()
        index.drop()
        index.client.close()


# -- without services: a small data dir made on the spot ----------------------------------


@pytest.fixture
def new_db(databases):
    """Settings of a new installation: a data dir under ``root`` and a database of its own."""
    return lambda root: Settings(data_dir=root, database_url=databases())


def _small(root: Path, new_db) -> Settings:
    """A data dir with one bag, an audit log, an account and a key, a reuse event, and the
    local services' folder that is never backed up."""
    settings = new_db(root)
    original = root.parent / f"{root.name}-original.txt"
    original.write_text("Giấy phép xây dựng số 12/GPXD", encoding="utf-8")
    record = Record(id="ab" + uuid.uuid4().hex[:22], text="Giấy phép xây dựng số 12/GPXD")
    write_bag(settings.archive_dir, record, original, None)
    log = AuditLog.of(settings)
    log.write(AuditEvent(actor_kind="officer", actor="canbo", action="view", record_id=record.id))
    log.close()
    AccountStore.of(settings).add_user("canbo", "officer", OFFICER_PASSWORD)
    ReuseEvents.of(settings).append(ReuseEvent(record_id=record.id, dossier_code="000.00.12.H06-1",
                                                        actor="canbo", at=dt.datetime.now(dt.timezone.utc)))
    (root / "services" / "opensearch").mkdir(parents=True)
    (root / "services" / "opensearch" / "pid").write_text("1")
    return settings


def test_the_destination_must_be_new_or_empty_and_outside_the_data_dir(tmp_path, new_db):
    settings = _small(tmp_path / "data", new_db)
    with pytest.raises(BackupError, match="nằm trong thư mục dữ liệu"):
        backup(settings, settings.data_dir / "backup")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "something").write_text("x")
    with pytest.raises(BackupError, match="không trống"):
        backup(settings, busy)
    with pytest.raises(BackupError, match="Không có gì để sao lưu"):
        backup(new_db(tmp_path / "empty"), tmp_path / "b")
    empty = tmp_path / "empty-dest"
    empty.mkdir()
    report = backup(settings, empty)  # an empty folder (a freshly mounted disk) is fine
    assert report.bags == 1 and (empty / "bagit.txt").exists() and not (empty / ".partial").exists()
    assert not (empty / "data" / "services").exists()


def test_an_interrupted_backup_leaves_no_backup(tmp_path, new_db):
    settings = _small(tmp_path / "data", new_db)

    def crash(step: str, name: str) -> None:
        if name == "database.json":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        backup(settings, tmp_path / "new", on_item=crash)
    assert not (tmp_path / "new").exists()
    empty = tmp_path / "mounted"
    empty.mkdir()
    with pytest.raises(KeyboardInterrupt):
        backup(settings, empty, on_item=crash)
    assert list(empty.iterdir()) == []


def test_a_backup_of_an_older_version_restores_into_the_database(tmp_path, new_db):
    """A backup taken before the database held accounts.sqlite3, the audit log as a file and
    the reuse journal: restore puts each into the database (the log still verifies, the
    account logs in, the reuse is counted once), and the data dir keeps no copy of them."""
    settings = _small(tmp_path / "data", new_db)
    backup(settings, tmp_path / "b")
    old = tmp_path / "old-format"
    shutil.copytree(tmp_path / "b", old)
    data = old / "data"
    document = json.loads((data / "database.json").read_bytes())
    (data / "database.json").unlink()
    with sqlite3.connect(data / "accounts.sqlite3") as db:  # the accounts file as the old version kept it
        db.executescript(OLD_ACCOUNTS_SCHEMA)
        for u in document["users"]:
            db.execute("INSERT INTO users VALUES (?, ?, ?, 0, NULL, 0, ?, '')",
                       (u["login"], u["role"], u["password_hash"], u["created_at"]))
    (data / "events").mkdir()
    (data / "events" / "reuse.jsonl").write_text(
        "".join(json.dumps(e["event"]) + "\n" for e in document["reuse_events"] * 2), encoding="utf-8")  # twice: once kept
    _rebag(old)
    restored = new_db(tmp_path / "restored")
    restore(restored, old)
    assert AccountStore.of(restored).authenticate("canbo", OFFICER_PASSWORD).login == "canbo"
    assert [e.dossier_code for e in ReuseEvents.of(restored).read()] == ["000.00.12.H06-1"]
    found = AuditLog.of(restored).verify()
    assert found.intact and found.lines == 1
    leftovers = [p.name for p in restored.data_dir.rglob("*") if p.name in ("accounts.sqlite3", "reuse.jsonl",
                                                                          "audit.jsonl")]
    assert leftovers == []


def _rebag(bag: Path) -> None:
    """The manifests of a backup made again after its files were changed (as the old version
    would have written them)."""
    lines = []
    for path in sorted((bag / "data").rglob("*")):
        if path.is_file():
            lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(bag).as_posix()}\n")
    (bag / "manifest-sha256.txt").write_text("".join(lines), encoding="utf-8")
    tags = []
    for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt"):
        tags.append(f"{hashlib.sha256((bag / name).read_bytes()).hexdigest()}  {name}\n")
    (bag / "tagmanifest-sha256.txt").write_text("".join(tags), encoding="utf-8")


def test_the_audit_log_verifies_after_a_backup_taken_during_writes(tmp_path, new_db):
    """The head is read before the log is measured: however the writes fall, the log in the
    backup holds the line the head names. Several backups while a thread writes and flushes."""
    settings = _small(tmp_path / "data", new_db)
    stop = threading.Event()

    def writer() -> None:
        log = AuditLog.of(settings)
        while not stop.is_set():
            log.write(AuditEvent(actor_kind="officer", actor="canbo", action="search", query="giấy phép"))
            log.flush()
        log.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        for n in range(5):
            backup(settings, tmp_path / f"b{n}", on_item=lambda step, name: time.sleep(0.005))
    finally:
        stop.set()
        thread.join(30)
    for n in range(5):
        restored = new_db(tmp_path / f"r{n}")
        restore(restored, tmp_path / f"b{n}")
        found = AuditLog.of(restored).verify()
        assert found.intact and found.lines > 1, (n, found)


def test_a_missing_or_an_added_file_is_named(tmp_path, new_db):
    settings = _small(tmp_path / "data", new_db)
    backup(settings, tmp_path / "b")
    shutil.copytree(tmp_path / "b", tmp_path / "missing")
    (tmp_path / "missing" / "data" / "database.json").unlink()
    with pytest.raises(BackupError, match="thiếu tệp 'data/database.json'"):
        restore(new_db(tmp_path / "r1"), tmp_path / "missing")
    shutil.copytree(tmp_path / "b", tmp_path / "added")
    (tmp_path / "added" / "data" / "keys" / "extra.key").write_text("x")
    with pytest.raises(BackupError, match="tệp lạ 'data/keys/extra.key'"):
        restore(new_db(tmp_path / "r2"), tmp_path / "added")
    (tmp_path / "b" / "bagit.txt").unlink()  # as a backup cut short before its last step
    with pytest.raises(BackupError, match="không phải một bản sao lưu hoàn chỉnh"):
        restore(new_db(tmp_path / "r3"), tmp_path / "b")
    assert not any((tmp_path / f"r{n}").exists() for n in (1, 2, 3))


def test_force_replaces_what_was_there_and_leaves_the_rest_alone(tmp_path, new_db):
    settings = _small(tmp_path / "data", new_db)
    backup(settings, tmp_path / "b")
    saved = _tree(tmp_path / "b" / "data")
    for rows in ("database.json", "audit/audit.jsonl"):  # rows of the database, not files of the data dir
        saved.pop(rows)
    accounts = AccountStore.of(settings)
    accounts.add_user("moi", "officer", OFFICER_PASSWORD)  # made after the backup
    other = Record(id="cd" + uuid.uuid4().hex[:22], text="khác")
    write_bag(settings.archive_dir, other, next(tmp_path.glob("*-original.txt")), None)
    report = restore(settings, tmp_path / "b", force=True)
    restored = {k: v for k, v in _tree(settings.data_dir).items() if not k.startswith("services/")}
    assert restored == saved
    assert set(report.replaced) >= {"archive", "database.json", "keys"}
    assert [u.login for u in AccountStore.of(settings).users()] == ["canbo"]
    assert AuditLog.of(settings).verify().intact and [e.actor for e in AuditLog.of(settings).events()] == ["canbo"]
    assert [b.name for b in iter_bags(settings.archive_dir)] != [] and read_record(settings.archive_dir, other.id) is None
    assert (settings.data_dir / "services" / "opensearch" / "pid").read_text() == "1"
    assert not [p for p in settings.data_dir.rglob(".restore-*")]
    assert (settings.keys_dir.stat().st_mode & 0o777) == 0o700
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in settings.keys_dir.iterdir())


def test_a_restore_cut_short_while_copying_changes_nothing(tmp_path, new_db):
    """Nothing is replaced until every file is in its stage: a full disk half-way leaves
    the data dir as it was (and a new one is not left behind)."""
    settings = _small(tmp_path / "data", new_db)
    backup(settings, tmp_path / "b")
    AccountStore.of(settings).add_user("moi", "officer", OFFICER_PASSWORD)
    before = _tree(settings.data_dir)

    def disk_full(step: str, name: str) -> None:
        if step == "restore" and name.startswith("data/audit/"):
            raise OSError(28, "No space left on device")

    with pytest.raises(BackupError, match="No space left on device"):
        restore(settings, tmp_path / "b", on_item=disk_full, force=True)
    assert _tree(settings.data_dir) == before
    with pytest.raises(BackupError):
        restore(new_db(tmp_path / "new"), tmp_path / "b", on_item=disk_full)
    assert not (tmp_path / "new").exists()


def test_a_bag_already_damaged_is_copied_as_found_and_named(tmp_path, new_db, monkeypatch):
    from search.config import get_settings
    from tracuu.cli import app

    settings = _small(tmp_path / "data", new_db)
    bag = next(iter_bags(settings.archive_dir))
    (bag / "data" / "text.txt").write_text("sửa trái phép", encoding="utf-8")
    report = backup(settings, tmp_path / "b")
    assert report.damaged == [(bag.name, "data/text.txt đã bị thay đổi")]
    bagit.Bag(str(tmp_path / "b")).validate(processes=1)  # the backup itself is whole
    monkeypatch.setenv("TRACUU_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("TRACUU_DATABASE_URL", settings.database_dsn())
    get_settings.cache_clear()
    try:
        done = CliRunner().invoke(app, ["backup", str(tmp_path / "c")])
    finally:
        get_settings.cache_clear()
    assert done.exit_code == 1 and bag.name in done.output and "tracuu verify" in done.output


@pytest.mark.parametrize("cut_after", ["keys", "database.json", "audit", "archive"])
def test_a_restore_killed_half_way_through_its_swaps_is_finished_not_lost(tmp_path, new_db, monkeypatch, cut_after):
    """Killed between two swaps, the old entries of a part were aside and the new ones half
    in; the next restore deleted both leftovers — a half archive. It now finishes them."""
    import archive.backup as backup_module

    settings = _small(tmp_path / "data", new_db)
    backup(settings, tmp_path / "b")
    saved = _tree(tmp_path / "b" / "data")
    for rows in ("database.json", "audit/audit.jsonl"):  # rows of the database, not files of the data dir
        saved.pop(rows)
    AccountStore.of(settings).add_user("moi", "officer", OFFICER_PASSWORD)
    real_swap = backup_module._swap_in

    def killed_after(settings, part, stage, pid):
        real_swap(settings, part, stage, pid)
        if part == cut_after:
            raise SystemExit("kill -9")

    monkeypatch.setattr(backup_module, "_swap_in", killed_after)
    monkeypatch.setattr(backup_module.os, "getpid", lambda: 999_999_999)  # a process that is gone
    with pytest.raises(SystemExit):
        restore(settings, tmp_path / "b", force=True)
    monkeypatch.undo()

    backup_module._clean_leftovers(settings)  # what the next restore does first
    restored = {k: v for k, v in _tree(settings.data_dir).items() if not k.startswith("services/")}
    assert restored == saved
    assert [u.login for u in AccountStore.of(settings).users()] == ["canbo"]
    assert not [p for p in settings.data_dir.rglob(".restore-*")]


def test_files_from_before_the_database_not_yet_imported_stop_a_backup(tmp_path, new_db):
    """They are in no part of a backup: better refused, with what to do, than left out."""
    settings = _small(tmp_path / "data", new_db)
    (settings.data_dir / "accounts.sqlite3").write_bytes(b"SQLite format 3\x00")
    with pytest.raises(BackupError, match="tracuu upgrade-state"):
        backup(settings, tmp_path / "b")
    assert not (tmp_path / "b").exists()
