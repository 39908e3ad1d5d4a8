"""The JSON API for other systems, under /api/v1 (contract in DESIGN.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from search.index import find, similar
from search.query import FACETS, MAX_SIZE, Hit, SearchRequest, SearchResult
from search.records import Record

from ..deps import IndexDep

router = APIRouter(prefix="/api/v1", tags=["api"])


def _filters(request: Request) -> dict[str, list[str]]:
    """Facet filters are repeatable query parameters named after the facet (?district=a&district=b)."""
    return {name: request.query_params.getlist(name) for name in FACETS if name in request.query_params}


@router.get("/search", response_model=SearchResult, summary="Full-text search with facets")
def search(
    request: Request,
    index: IndexDep,
    q: Annotated[str, Query(max_length=1000, description="Words, a name, a CCCD or a document number")] = "",
    page: Annotated[int, Query(ge=1, le=500)] = 1,
    size: Annotated[int, Query(ge=1, le=MAX_SIZE)] = 20,
    sort: Annotated[Literal["relevance", "date_desc", "date_asc"], Query(description="Order of results")] = "relevance",
) -> SearchResult:
    """Words with or without diacritics, a name, a CCCD or a document number written any way.
    `"quoted words"` must appear as a phrase; `-word` or `-"a phrase"` excludes. Facet
    filters are repeatable parameters named after the facet (`?district=huyện Lục Ngạn`)."""
    req = SearchRequest(q=q, page=page, size=size, filters=_filters(request), sort=sort)
    return find(index, req)


@router.get("/records/{record_id}", response_model=Record, summary="One record with all its fields")
def get_record(record_id: Annotated[str, Path(pattern=r"^[0-9a-f]{1,64}$")], index: IndexDep) -> Record:
    return index.get(record_id)


@router.get("/records/{record_id}/similar", response_model=list[Hit], summary="Records like this one")
def similar_records(record_id: Annotated[str, Path(pattern=r"^[0-9a-f]{1,64}$")], index: IndexDep,
                    size: Annotated[int, Query(ge=1, le=20)] = 5) -> list[Hit]:
    return similar(index, record_id, size)
