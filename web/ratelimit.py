"""Limits on attempts that guess: the citizen form (per client and per CCCD) and the
officer login (per client). Moving windows from the ``limits`` library, in memory: one
server process holds the counts (several processes would need its Redis storage)."""

from __future__ import annotations

from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from search.errors import TracuuError


class TooManyAttempts(TracuuError):
    def __init__(self) -> None:
        super().__init__("Bạn đã thử quá nhiều lần. Vui lòng đợi ít phút rồi thử lại.")


class Limiter:
    def __init__(self, rules: dict[str, str]) -> None:
        """``rules``: name → limits like ``"10/minute;50/hour"``."""
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._rules = {name: parse_many(spec) for name, spec in rules.items()}

    def hit(self, **keys: str) -> None:
        """Count one attempt under each named key (e.g. ``client=ip, subject=cccd``); raise
        :class:`TooManyAttempts` when any of them is over its limit. Every key is counted
        even when an earlier one is over, so spreading guesses does not help."""
        over = False
        for name, key in keys.items():
            for rule in self._rules[name]:
                if not self._limiter.hit(rule, name, key):
                    over = True
        if over:
            raise TooManyAttempts()
