"""ocrmypdf's tool probes, asked once per process: the same answers, and a missing tool still named."""

from __future__ import annotations

import pytest
from ocrmypdf import subprocess as ocr_subprocess
from ocrmypdf._exec import _probe, tesseract
from ocrmypdf.exceptions import MissingDependencyError

from indexer.ocr_probes import remember_tool_versions


@pytest.fixture
def runs(monkeypatch):
    """The commands ocrmypdf runs from here on."""
    seen: list[list[str]] = []
    real = ocr_subprocess.run

    def counting(args, *a, **k):
        seen.append([str(x) for x in args])
        return real(args, *a, **k)

    monkeypatch.setattr(ocr_subprocess, "run", counting)
    return seen


def test_tesseract_is_asked_its_version_and_languages_once(runs):
    remember_tool_versions()
    remember_tool_versions()  # a second call does not wrap the wrapper
    first, langs = tesseract.version(), tesseract.get_languages()
    assert str(first).startswith("5.") and "vie" in langs
    assert tesseract.version() == first and tesseract.get_languages() == langs
    assert tesseract.has_thresholding()
    asked = [r for r in runs if r[:1] == ["tesseract"]]
    assert asked.count(["tesseract", "--version"]) <= 1 and asked.count(["tesseract", "--list-langs"]) <= 1


def test_a_missing_tool_is_reported_every_time(runs):
    remember_tool_versions()
    probe = _probe.ToolProbe(program="tracuu-no-such-tool")
    for _ in range(2):
        with pytest.raises(MissingDependencyError):
            probe.version()
    assert not probe.available()
