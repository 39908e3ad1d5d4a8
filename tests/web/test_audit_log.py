"""The audit log as an auditor would attack it and as several processes write it: a row
edited and re-chained without the key, rows cut from the end, two writer processes at once,
a host with another key, and the file log of an older installation brought in."""

from __future__ import annotations

import hashlib
import json
import multiprocessing

import psycopg
import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from database.audit import GENESIS, AuditEvent, AuditLog, mac_of
from database.upgrade import import_old_files
from search.errors import SettingsError
from tracuu.cli import app

pytestmark = pytest.mark.postgres


@pytest.fixture
def own(settings, databases, tmp_path):
    """Settings with a data dir (keys, head) and a database of this test alone."""
    return settings.model_copy(update={"data_dir": tmp_path / "data", "database_url": SecretStr(databases())})


def _log(settings, n: int = 5) -> AuditLog:
    log = AuditLog.of(settings)
    log.check_key()
    for i in range(n):
        log.write(AuditEvent(actor_kind="officer", actor="canbo", action="view", record_id=f"r{i}"))
    log.flush()
    return log


def _rows(settings) -> list[tuple[int, str]]:
    with psycopg.connect(settings.database_dsn()) as db:
        return db.execute("SELECT seq, line FROM audit_events ORDER BY seq").fetchall()


def test_an_intact_log_verifies_and_its_key_is_kept_apart(own):
    log = _log(own)
    found = log.verify()
    assert found.intact and found.lines == 5
    assert (own.keys_dir / "audit.key").exists() and (own.keys_dir / "audit.head").exists()
    assert [e.record_id for e in log.query(record_id="r3")] == ["r3"]
    assert [e.record_id for e in log.events()] == [f"r{i}" for i in range(5)]


def test_a_row_edited_and_rechained_without_the_key_is_named(own):
    """With a plain hash chain, whoever could write the table could edit a row and compute
    the following hashes again; without the key the HMACs cannot be recomputed."""
    _log(own)
    rows = _rows(own)
    lines = [line.encode() for _, line in rows]
    edited = json.loads(lines[2])
    edited["actor"] = "nguoi-khac"
    lines[2] = json.dumps(edited, ensure_ascii=False, separators=(",", ":")).encode()
    for i in range(3, len(lines)):  # re-chain as an attacker would, with SHA-256
        row = json.loads(lines[i])
        row["chain"] = hashlib.sha256(lines[i - 1]).hexdigest()
        lines[i] = json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode()
    with psycopg.connect(own.database_dsn()) as db:
        for (seq, _), line in zip(rows, lines):
            db.execute("UPDATE audit_events SET line = %s WHERE seq = %s", (line.decode(), seq))
    found = AuditLog.of(own).verify()
    assert found.broken == 4 and "dòng 3 đã bị sửa" in found.reason  # row 4 no longer follows row 3


def test_rows_cut_from_the_end_are_found(own):
    log = _log(own)
    log.close()
    with psycopg.connect(own.database_dsn()) as db:
        db.execute("DELETE FROM audit_events WHERE seq > (SELECT min(seq) + 2 FROM audit_events)")
    found = AuditLog.of(own).verify()
    assert found.broken is None and found.truncated and found.lines == 3


def _writer(settings_json: str, name: str, n: int) -> None:
    from search.config import Settings

    settings = Settings.model_validate_json(settings_json)
    log = AuditLog.of(settings)
    for i in range(n):
        log.write(AuditEvent(actor_kind="officer", actor=name, action="search", query=f"giấy phép {i}"))
    log.close()


def test_two_processes_writing_at_once_keep_one_chain(own):
    _log(own, 1)  # the key is made and recorded before the writers start
    raw = own.model_dump_json()
    raw = json.loads(raw)
    raw["database_url"] = own.database_dsn()
    ctx = multiprocessing.get_context("spawn")
    writers = [ctx.Process(target=_writer, args=(json.dumps(raw), f"can-bo-{k}", 150)) for k in range(2)]
    for w in writers:
        w.start()
    for w in writers:
        w.join(120)
        assert w.exitcode == 0
    log = AuditLog.of(own)
    found = log.verify()
    assert found.intact and found.lines == 301, found
    assert len(log.query(actor="can-bo-0")) == len(log.query(actor="can-bo-1")) == 150


def test_a_process_with_another_key_is_refused(own):
    _log(own, 1)
    other = own.model_copy(update={"audit_key": SecretStr("k" * 40)})
    with pytest.raises(SettingsError, match="TRACUU_AUDIT_KEY"):
        AuditLog.of(other).check_key()


def _old_file(path, key: bytes) -> list[bytes]:
    """An audit.jsonl as the file log of older versions wrote it: two lines of the plain
    SHA-256 chain, HMAC-chained lines after them, and a line torn by a power cut."""
    lines: list[bytes] = []
    for i in range(2):
        prev = GENESIS if not lines else hashlib.sha256(lines[-1]).hexdigest()
        lines.append(json.dumps({"at": f"2024-01-0{i + 1}T08:00:00Z", "actor_kind": "officer", "actor": "canbo",
                                 "action": "view", "record_id": f"old{i}", "prev": prev}).encode())
    # A power cut mid-write, inside a character ('ấ' is e1 ba a5), the rest of the block NULs.
    lines.append(b'{"at":"2024-01-03T08:00:00Z","query":"gi\xe1\xba' + b"\x00" * 6)
    for i in range(3):
        lines.append(json.dumps({"at": f"2024-02-0{i + 1}T08:00:00Z", "actor_kind": "officer", "actor": "canbo",
                                 "action": "search", "subject_id": "001085012345",
                                 "chain": mac_of(key, lines[-1])}).encode())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\n".join(lines) + b"\n")
    return lines


def test_an_old_file_log_is_imported_verbatim_and_still_verifies(own):
    key = b"an old installation's audit key, 40+ characters long"
    settings = own.model_copy(update={"audit_key": SecretStr(key.decode())})
    path = settings.audit_dir / "audit.jsonl"
    _old_file(path, key)
    done = import_old_files(settings)
    assert any("6 dòng" in line and "nguyên vẹn (intact)" in line for line in done), done
    assert not path.exists() and path.with_name("audit.jsonl.imported").exists()
    log = AuditLog.of(settings)
    found = log.verify()
    assert found.intact and found.lines == 6 and [n for n, _ in found.torn] == [3]
    log.write(AuditEvent(actor_kind="officer", actor="canbo", action="view", record_id="new"))
    assert log.verify().intact and log.verify().lines == 7
    assert len(log.query(subject="001 085 012 345")) == 3  # "who looked at my record?" across the old lines
    env = {"TRACUU_DATA_DIR": str(settings.data_dir), "TRACUU_DATABASE_URL": settings.database_dsn(),
           "TRACUU_AUDIT_KEY": key.decode()}
    done = CliRunner().invoke(app, ["audit", "--verify"], env=env)
    assert done.exit_code == 0 and "7 dòng" in done.output and "Traceback" not in done.output


def test_an_old_file_is_not_mixed_into_a_log_that_has_rows(own):
    _log(own, 2)
    path = own.audit_dir / "audit.jsonl"
    _old_file(path, AuditLog.of(own).key)
    done = import_old_files(own)
    assert any("CHƯA chuyển" in line for line in done)
    assert path.exists() and AuditLog.of(own).verify().lines == 2
