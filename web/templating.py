"""The Jinja2 environment of the pages: templates, and the filters that write dates,
numbers and statuses the way a Vietnamese clerk reads them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.templating import Jinja2Templates

from search.reuse import vn_date
from search.query import VIETNAM

from . import labels
from .auth import csrf_token, staff_of

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"


def vn_datetime(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(VIETNAM) if moment.tzinfo else moment
    return f"{local:%H:%M} {vn_date(local.date())}"


def vn_number(n: int) -> str:
    """1234567 → 1.234.567 (the dot groups thousands in Vietnamese)."""
    return f"{n:,}".replace(",", ".")


def facet_value(name: str, value: str) -> str:
    if name == "status":
        return labels.STATUS_LABELS.get(value, value)
    return value


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.filters.update(vn_date=vn_date, vn_datetime=vn_datetime, vn_number=vn_number)
    env.globals.update(labels=labels, facet_value=facet_value, csrf_token=csrf_token, current_staff=staff_of)
    return templates
