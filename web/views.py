"""The search page as data: which links the facet sidebar, the filter chips and the pager
carry. Kept apart from the template so the URL logic is tested without a browser.

Every link is a plain GET URL: the page works without JavaScript, can be bookmarked and
sent to a colleague, and the back button does what a clerk expects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from search.query import FACETS, MAX_WINDOW, SearchResult
from search.reuse import vn_date

from .labels import FACET_LABELS, FACET_ORDER
from .templating import facet_value

FACET_VALUES_SHOWN = 8


@dataclass
class FacetLink:
    label: str
    count: int
    url: str
    active: bool
    approximate: bool = False  # estimated from a sample of a broad search: "khoảng"


@dataclass
class FacetBlock:
    name: str
    label: str
    links: list[FacetLink]
    hidden: list[FacetLink] = field(default_factory=list)


@dataclass
class Chip:
    label: str
    url: str


@dataclass
class PageLink:
    number: int | None  # None: the "…" gap
    url: str = ""
    current: bool = False


@dataclass
class SearchState:
    """What the clerk asked: the words, the order and the chosen facet values."""

    q: str = ""
    sort: str = "relevance"
    filters: dict[str, list[str]] = field(default_factory=dict)
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None

    def url(self, *, add: tuple[str, str] | None = None, remove: tuple[str, str] | None = None,
            page: int = 1, sort: str | None = None) -> str:
        params: list[tuple[str, str]] = []
        if self.q:
            params.append(("q", self.q))
        for name in FACETS:
            for v in self.filters.get(name, []):
                if (name, v) != remove:
                    params.append((name, v))
        for name in ("issued_from", "issued_to"):
            day = getattr(self, name)
            if day and (name, day.isoformat()) != remove:
                params.append((name, day.isoformat()))
        if add and add not in params:
            params.append(add)
        chosen_sort = sort or self.sort
        if chosen_sort != "relevance":
            params.append(("sort", chosen_sort))
        if page > 1:
            params.append(("page", str(page)))
        return "/?" + urlencode(params) if params else "/"

    @property
    def clear_url(self) -> str:
        """The same words and order, no filters."""
        return SearchState(self.q, self.sort).url()

    @property
    def filtered(self) -> bool:
        return any(self.filters.values()) or bool(self.issued_from or self.issued_to)


def facet_blocks(state: SearchState, result: SearchResult) -> list[FacetBlock]:
    blocks = []
    for name in FACET_ORDER:
        values = result.facets.get(name, [])
        chosen = set(state.filters.get(name, []))
        links = [
            FacetLink(
                label=facet_value(name, v.value), count=v.count, active=v.value in chosen,
                approximate=v.approximate,
                url=state.url(remove=(name, v.value)) if v.value in chosen else state.url(add=(name, v.value)),
            )
            for v in values if v.count > 0 or v.value in chosen
        ]
        if links:
            blocks.append(FacetBlock(name, FACET_LABELS[name], links[:FACET_VALUES_SHOWN],
                                     links[FACET_VALUES_SHOWN:]))
    return blocks


def chips(state: SearchState) -> list[Chip]:
    out = [
        Chip(f"{FACET_LABELS[name]}: {facet_value(name, v)}", state.url(remove=(name, v)))
        for name in FACETS for v in state.filters.get(name, [])
    ]
    for name, label in (("issued_from", "Ban hành từ"), ("issued_to", "Ban hành đến")):
        day = getattr(state, name)
        if day:
            out.append(Chip(f"{label} {vn_date(day)}", state.url(remove=(name, day.isoformat()))))
    return out


def pager(state: SearchState, total: int, page: int, size: int) -> list[PageLink]:
    """Page numbers around the current one, the first and the last, with gaps between."""
    last = max(1, min(-(-total // size), MAX_WINDOW // size))
    wanted = sorted({1, last, *range(max(1, page - 2), min(last, page + 2) + 1)})
    links: list[PageLink] = []
    for n in wanted:
        if links and links[-1].number is not None and n > links[-1].number + 1:
            links.append(PageLink(None))
        links.append(PageLink(n, state.url(page=n), n == page))
    return links if last > 1 else []
