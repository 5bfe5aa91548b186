"""What an address means: the studio keeps its state in the URL (filters, sort, the page's
cursor, hidden columns), so every screen is a link to share or bookmark."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote, urlencode

from starlette.requests import Request

from puckdb.studio import browse

# Form fields that only exist to build a clean address (the filter form, column checkboxes).
_FORM_ONLY = ("fc", "fo", "fv", "add", "show", "hide", "after")


def q(part: str) -> str:
    """One path segment, every reserved character escaped."""
    return quote(part, safe="")


def link(schema: str, table: str, suffix: str = "", **params: str) -> str:
    url = f"/t/{q(schema)}/{q(table)}{suffix}"
    return url + ("?" + urlencode(params) if params else "")


def page_request(request: Request) -> browse.PageRequest:
    params = request.query_params
    filters = tuple(browse.Filter.decode(f) for f in params.getlist("f") if f)
    for item in filters:
        if item.op not in browse.OPERATORS:
            raise browse.StudioRequestError(
                f"Unknown filter operator {item.op!r}; use one of {', '.join(browse.OPERATORS)}."
            )
    return browse.PageRequest(
        sort=params.get("sort") or None,
        descending=params.get("dir") == "desc",
        filters=filters,
        after=params.get("after") or None,
    )


def hidden_columns(request: Request) -> set[str]:
    return set(request.query_params.get("hide", "").split(",")) - {""}


def canonical_query(request: Request, columns: Callable[[], list[str]]) -> list[tuple[str, str]] | None:
    """The address a form submission stands for: a new filter from ``fc``/``fo``/``fv``,
    hidden columns from the ``show`` checkboxes (``columns`` are the table's). None when the
    address is already clean."""
    params = request.query_params
    if "add" not in params and "show" not in params:
        return None
    kept = [(k, v) for k, v in params.multi_items() if k not in _FORM_ONLY]
    if "add" in params and params.get("fc") and params.get("fo"):
        kept.append(("f", browse.Filter(params["fc"], params["fo"], params.get("fv", "")).encoded()))
    if "show" in params:
        shown = set(params.getlist("show"))
        hidden = [c for c in columns() if c not in shown]
        if hidden:
            kept.append(("hide", ",".join(hidden)))
    elif params.get("hide"):
        kept.append(("hide", params["hide"]))
    return kept


def query_without(request: Request, *names: str) -> list[tuple[str, str]]:
    """The query string as pairs, less ``names`` and the token (never copied into links)."""
    return [(k, v) for k, v in request.query_params.multi_items() if k not in names and k != "token"]
