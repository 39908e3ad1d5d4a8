"""The reuse journal after a power cut: a torn last line is skipped, not a reason to stop
counting or recording reuses."""

from __future__ import annotations

import datetime as dt

from archive.reuse_journal import ReuseEvent, ReuseJournal


def _event(dossier: str) -> ReuseEvent:
    return ReuseEvent(record_id="ab" * 12, dossier_code=dossier, actor="cb01", at=dt.datetime(2026, 5, 1, 8, 0))


def test_a_torn_last_line_neither_stops_reading_nor_is_glued_to_the_next(tmp_path):
    journal = ReuseJournal(tmp_path)
    journal.append(_event("000.00.12.H06-210408-0012"))
    with journal.path.open("a", encoding="utf-8") as f:  # the power went while this was written
        f.write('{"record_id": "abab", "dossier_co')
    assert [e.dossier_code for e in journal.read()] == ["000.00.12.H06-210408-0012"]

    journal.append(_event("000.00.12.H06-210408-0013"))
    assert [e.dossier_code for e in journal.read()] == ["000.00.12.H06-210408-0012", "000.00.12.H06-210408-0013"]


def test_a_dossier_code_typed_in_lower_case_before_is_the_same_reuse(tmp_path):
    """Codes were journaled as typed before they had one form: a retry of an old reuse
    must not count twice."""
    journal = ReuseJournal(tmp_path)
    with journal.path.open("w", encoding="utf-8") as f:
        f.write(_event("000.00.12.h06-210408-0012").model_dump_json() + "\n")
    kept = journal.append(_event("000.00.12.H06-210408-0012"))
    assert kept.dossier_code == "000.00.12.h06-210408-0012"
    assert len(journal.read()) == 1
