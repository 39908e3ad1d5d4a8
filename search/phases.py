"""Phases of a province's digitization plan, by year of issue (``TRACUU_REPORT_PHASES``).

Its own module because two places read it: the settings check at start (a bad value must
stop the service with a message for whoever configured it, not surface to an officer as
"invalid query" on the reports page) and the reports themselves.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


class Phase(BaseModel):
    label: str
    start: dt.date | None = None  # inclusive
    end: dt.date | None = None  # inclusive

    def contains(self, day: dt.date | None) -> bool:
        return day is not None and (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


def parse_phases(spec: str) -> list[Phase]:
    """``"2020-01-01..2022-06-30=Giai đoạn 1; ..2009-12-31=Giai đoạn 3"`` → phases (an open
    end is written by leaving the date out). Raises ValueError naming the part that is wrong."""
    phases = []
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        try:
            span, label = part.split("=", 1)
            start, end = span.split("..")
            phase = Phase(label=label.strip(), start=dt.date.fromisoformat(start) if start.strip() else None,
                          end=dt.date.fromisoformat(end) if end.strip() else None)
        except ValueError:
            raise ValueError(f"giai đoạn '{part[:60]}' không hợp lệ; viết dạng 2020-01-01..2022-06-30=Tên giai đoạn "
                             "(phase must read start..end=label)") from None
        if not phase.label or (phase.start and phase.end and phase.start > phase.end):
            raise ValueError(f"giai đoạn '{part[:60]}' thiếu tên hoặc ngày bắt đầu sau ngày kết thúc "
                             "(a phase needs a label and start <= end)")
        phases.append(phase)
    if not phases:
        raise ValueError("chưa khai báo giai đoạn nào (no phase given)")
    return phases
