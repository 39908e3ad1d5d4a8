"""Limits on attempts that guess: the citizen form (per client and per CCCD) and the
officer login (per client). Moving windows from the ``limits`` library, counted in the
database (database/rate_limits.py), so every web process and host shares one count."""

from __future__ import annotations

from limits import parse_many
from limits.strategies import MovingWindowRateLimiter

from database.rate_limits import DatabaseStorage
from search.errors import TracuuError


class TooManyAttempts(TracuuError):
    def __init__(self) -> None:
        super().__init__("Bạn đã thử quá nhiều lần. Vui lòng đợi ít phút rồi thử lại.")


class Limiter:
    def __init__(self, dsn: str, form: str, rules: dict[str, str]) -> None:
        """``form``: what is guarded (``login``, ``citizen``), so its counts are its own;
        ``rules``: name → limits like ``"10/minute;50/hour"``."""
        self._form = form
        self._limiter = MovingWindowRateLimiter(DatabaseStorage(dsn))
        self._rules = {name: parse_many(spec) for name, spec in rules.items()}

    def hit(self, **keys: str) -> None:
        """Count one attempt under each named key (e.g. ``client=ip, subject=cccd``); raise
        :class:`TooManyAttempts` when any of them is over its limit. Every key is counted
        even when an earlier one is over, so spreading guesses does not help."""
        over = False
        for name, key in keys.items():
            for rule in self._rules[name]:
                if not self._limiter.hit(rule, self._form, name, key):
                    over = True
        if over:
            raise TooManyAttempts()
