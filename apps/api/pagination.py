"""Pages of a list: `?page=` and `?page_size=` (at most 100), with the links in the body.

The body is `{"results": [...], "count": N, "page": p, "page_size": s, "links": {"self",
"first", "prev", "next", "last"}}`; `prev` and `next` are null at the ends. A page past the
last one has no results (its links still lead back)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema

from apps.core.listing import SharedCountPaginator

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 100_000


class PageParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Results per page (1 to 100)."
    )


class PageLinks(Schema):
    self: str
    first: str
    prev: str | None
    next: str | None
    last: str


def _link(request: HttpRequest, page: int, page_size: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    query["page_size"] = str(page_size)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def paginated(
    request: HttpRequest,
    rows: QuerySet | list,
    params: PageParams,
    serialize: Callable[[list[Any]], Iterable[dict[str, Any]]],
    *,
    shared_count: bool = True,
) -> dict[str, Any]:
    """One page of `rows` (a QuerySet or a list), each page's rows turned into dicts at once
    by `serialize` (so it can load what they need in a fixed number of queries).

    `shared_count`: count through the directories' cache (kept per data version, which the
    public data's writes advance); off for personal lists (notifications do not advance it)."""
    if shared_count and isinstance(rows, QuerySet):
        paginator = SharedCountPaginator(rows, params.page_size)
    else:
        paginator = Paginator(rows, params.page_size)
    count = paginator.count
    last = max(1, math.ceil(count / params.page_size))
    page_rows = list(paginator.page(params.page).object_list) if params.page <= last else []
    return {
        "results": list(serialize(page_rows)),
        "count": count,
        "page": params.page,
        "page_size": params.page_size,
        "links": {
            "self": _link(request, params.page, params.page_size),
            "first": _link(request, 1, params.page_size),
            "prev": _link(request, min(params.page - 1, last), params.page_size)
            if params.page > 1
            else None,
            "next": _link(request, params.page + 1, params.page_size)
            if params.page < last
            else None,
            "last": _link(request, last, params.page_size),
        },
    }
