"""Reuse events in the database: one per (record, new dossier) however often and by however
many processes it is recorded, and an old journal file brought in."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from archive.reuse import ReuseEvent
from database.reuse_events import ReuseEvents

pytestmark = pytest.mark.postgres


def _event(dossier: str, actor: str = "cb01") -> ReuseEvent:
    return ReuseEvent(record_id="ab" * 12, dossier_code=dossier, actor=actor,
                      at=dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.timezone.utc))


@pytest.fixture
def events(databases):
    return ReuseEvents(databases())


def test_the_same_reuse_recorded_at_once_by_many_is_one_event(events):
    """Eight threads (as eight web processes would) record the same pair at once: one row,
    and every one of them is answered with that first event."""
    answers: list[ReuseEvent] = []
    start = threading.Barrier(8)

    def record(k: int) -> None:
        start.wait()
        answers.append(events.append(_event("000.00.12.H06-210408-0012", actor=f"cb{k:02d}")))

    threads = [threading.Thread(target=record, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    kept = events.read()
    assert len(kept) == 1 and len(answers) == 8 and {a.actor for a in answers} == {kept[0].actor}


def test_a_dossier_code_typed_in_lower_case_before_is_the_same_reuse(events):
    """Codes were recorded as typed before they had one form: a retry of an old reuse must
    not count twice."""
    assert events.import_lines([_event("000.00.12.h06-210408-0012").model_dump_json().encode()]) == 1
    kept = events.append(_event("000.00.12.H06-210408-0012"))
    assert kept.dossier_code == "000.00.12.h06-210408-0012"
    assert len(events.read()) == 1


def test_an_old_journal_with_a_torn_line_is_imported_in_order(events):
    lines = [_event(f"000.00.12.H06-210408-00{n:02d}").model_dump_json().encode() + b"\n" for n in range(3)]
    lines.insert(2, b'{"record_id": "abab", "dossier_co\n')  # the power went while this was written
    assert events.import_lines(lines) == 3
    assert events.import_lines(lines) == 0  # twice: nothing new
    assert [e.dossier_code[-2:] for e in events.read()] == ["00", "01", "02"]
