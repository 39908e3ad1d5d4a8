"""The audit log as an auditor would attack and a power cut would leave it: a line edited
and re-chained without the key, lines cut from the end, a torn last line, a rotated file."""

from __future__ import annotations

import hashlib
import json

from typer.testing import CliRunner

from search.config import Settings
from tracuu.cli import app
from web.audit import AuditEvent, AuditLog, load_key


def _log(tmp_path) -> AuditLog:
    settings = Settings(data_dir=tmp_path)
    log = AuditLog.of(settings)
    for i in range(5):
        log.write(AuditEvent(actor_kind="officer", actor="canbo", action="view", record_id=f"r{i}"))
    log.flush()
    return log


def test_an_intact_log_verifies_and_its_key_is_kept_apart(tmp_path):
    log = _log(tmp_path)
    assert log.verify().intact and log.verify().lines == 5
    assert (tmp_path / "keys" / "audit.key").exists()
    assert not list((tmp_path / "audit").glob("*.key"))


def test_a_line_edited_and_rechained_without_the_key_is_named(tmp_path):
    """With a plain hash chain, whoever could write the file could edit a line and compute
    the following hashes again; without the key the HMACs cannot be recomputed."""
    log = _log(tmp_path)
    lines = log.path.read_bytes().splitlines()
    edited = json.loads(lines[2])
    edited["actor"] = "nguoi-khac"
    lines[2] = json.dumps(edited, ensure_ascii=False, separators=(",", ":")).encode()
    for i in range(3, len(lines)):  # re-chain as an attacker would, with SHA-256
        row = json.loads(lines[i])
        row["chain"] = hashlib.sha256(lines[i - 1]).hexdigest()
        lines[i] = json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode()
    log.path.write_bytes(b"\n".join(lines) + b"\n")
    found = AuditLog.of(Settings(data_dir=tmp_path)).verify()
    assert found.broken == 4 and "dòng 3 đã bị sửa" in found.reason  # line 4 no longer follows line 3


def test_lines_cut_from_the_end_are_found(tmp_path):
    log = _log(tmp_path)
    log.close()
    lines = log.path.read_bytes().splitlines(keepends=True)
    log.path.write_bytes(b"".join(lines[:3]))
    found = AuditLog.of(Settings(data_dir=tmp_path)).verify()
    assert found.broken is None and found.truncated


def test_a_torn_last_line_is_reported_with_its_offset_and_the_log_goes_on(tmp_path):
    log = _log(tmp_path)
    log.close()
    size = log.path.stat().st_size
    with log.path.open("ab") as f:
        f.write(b'{"at":"2026-11-28T10:00:00Z","actor_kind":"offi')  # power cut mid-write
    reopened = AuditLog.of(Settings(data_dir=tmp_path))
    reopened.write(AuditEvent(actor_kind="officer", actor="canbo", action="search", query="x"))
    reopened.flush()
    found = reopened.verify()
    assert found.torn == [(6, size)] and found.broken is None and not found.truncated
    assert [e.action for e in reopened.events()][-1] == "search"  # the torn line is passed over
    done = CliRunner().invoke(app, ["audit", "--verify"], env={"TRACUU_DATA_DIR": str(tmp_path)})
    assert done.exit_code == 0 and "Traceback" not in done.output


def test_after_rotation_the_log_writes_to_the_new_file(tmp_path):
    log = _log(tmp_path)
    log.path.rename(log.path.with_name("audit.jsonl.1"))  # logrotate, without copytruncate
    log.write(AuditEvent(actor_kind="officer", actor="canbo", action="view", record_id="after"))
    log.flush()
    assert [e.record_id for e in log.events()] == ["after"]
    assert log.verify().intact


def test_the_key_is_made_once_and_the_configured_one_wins(tmp_path):
    first = load_key(None, tmp_path / "keys")
    assert load_key(None, tmp_path / "keys") == first and len(first) == 64
    assert load_key("k" * 40, tmp_path / "keys") == b"k" * 40
