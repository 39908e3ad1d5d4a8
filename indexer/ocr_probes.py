"""Ask each OCR tool its version once per process, not eight times per file.

Why: every ``ocrmypdf.ocr()`` call checks its tools again before it starts: ocrmypdf 17.13
runs ``tesseract --version`` five times, ``tesseract --list-langs``, ``jbig2 --version`` and
``pngquant --version``, ~70 ms a file here, a fifth of all ocrmypdf adds to tesseract on a
clean one-page scan (bench/README.md). The indexer calls it for scan after scan in worker
processes that live for one ingest run, while the installed tools do not change.

ocrmypdf has no option for this, so its probe function is wrapped, in this process only. A
probe that fails (a tool not installed) is not remembered: it is asked again each time, as
ocrmypdf would, and reports the same error. If ocrmypdf's internals move, nothing is wrapped
and ocrmypdf simply probes as before.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


def remember_tool_versions() -> None:
    """Idempotent: wraps ocrmypdf's version and language probes with a cache."""
    try:
        from ocrmypdf._exec import _probe, tesseract
    except ImportError:  # another ocrmypdf layout: it keeps probing, which is only slower
        log.debug("ocrmypdf's probes not found; tool versions are asked on every call")
        return
    if not getattr(_probe.get_version, "remembered", False):
        _probe.get_version = _remembered(_probe.get_version)
    if not getattr(tesseract.get_languages, "remembered", False):
        tesseract.get_languages = _languages(tesseract.get_languages)


def _remembered(get_version: Callable[..., str]) -> Callable[..., str]:
    cache: dict[tuple, str] = {}

    @functools.wraps(get_version)
    def cached(program: str, *, version_arg: str = "--version", regex: str = r"(\d+(\.\d+)*)", env=None) -> str:
        key = (program, version_arg, regex, tuple(sorted(env.items())) if env else None)
        if key not in cache:
            cache[key] = get_version(program, version_arg=version_arg, regex=regex, env=env)
        return cache[key]

    cached.remembered = True  # type: ignore[attr-defined]
    return cached


def _languages(get_languages: Callable[[], set[str]]) -> Callable[[], set[str]]:
    once = functools.cache(get_languages)

    @functools.wraps(get_languages)
    def cached() -> set[str]:
        return set(once())  # a copy: a caller may change the set it is given

    cached.remembered = True  # type: ignore[attr-defined]
    return cached
