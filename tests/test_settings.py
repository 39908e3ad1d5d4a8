"""Settings are checked when the service starts: every wrong TRACUU_ variable is named, on
its own line, and nothing runs with it (an empty secret used to sign sessions; a bad phase
list reached an officer as 'invalid query')."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from search.config import Settings, settings_error

ROOT = Path(__file__).parents[1]


def _problems(**values) -> str:
    with pytest.raises(ValidationError) as e:
        Settings(**values)
    return settings_error(e.value).message


@pytest.mark.parametrize("secret", ["", "   ", "short-secret"])
def test_an_empty_or_short_secret_is_refused(secret):
    assert "TRACUU_AUDIT_KEY" in _problems(audit_key=secret)


def test_a_long_secret_and_no_secret_are_accepted():
    assert Settings(audit_key="x" * 40).audit_key is not None
    assert Settings().audit_key is None  # a random key is then kept in the data dir


def test_every_wrong_setting_is_named_on_its_own_line():
    message = _problems(report_phases="2020..2022=Giai đoạn 1", opensearch_url="localhost:9200",
                        citizen_limit_client="ten per minute", tika_timeout=0)
    lines = message.splitlines()[1:]
    assert [line.split(":")[0] for line in lines] == [
        "TRACUU_OPENSEARCH_URL", "TRACUU_TIKA_TIMEOUT", "TRACUU_CITIZEN_LIMIT_CLIENT", "TRACUU_REPORT_PHASES"]
    assert "2020..2022=Giai đoạn 1" in message


def test_the_command_refuses_to_start_with_a_bad_setting_and_says_which():
    env = {**os.environ, "TRACUU_AUDIT_KEY": "", "TRACUU_REPORT_PHASES": "garbage"}
    done = subprocess.run([str(Path(sys.executable).parent / "tracuu"), "services", "status"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "TRACUU_AUDIT_KEY" in done.stderr and "TRACUU_REPORT_PHASES" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("seconds", [0, -5])
def test_an_office_timeout_that_is_not_positive_is_refused(seconds):
    assert _problems(office_timeout=seconds).splitlines()[1].startswith("TRACUU_OFFICE_TIMEOUT:")


def test_the_office_timeout_is_read_from_its_variable(monkeypatch):
    monkeypatch.delenv("TRACUU_OFFICE_TIMEOUT", raising=False)
    assert Settings().office_timeout == 120.0
    monkeypatch.setenv("TRACUU_OFFICE_TIMEOUT", "300")
    assert Settings().office_timeout == 300.0
