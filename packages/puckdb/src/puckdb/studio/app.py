"""The studio's web application: Starlette routes, each page also as JSON (``.json``).

Handlers are plain functions (Starlette runs them in a thread pool); each opens its own
connection with a statement_timeout, so a slow query cannot hold the studio.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from puckdb.model import Schema
from puckdb.studio import browse, console, edit, values
from puckdb.studio.security import COOKIE, Secrets

HERE = Path(__file__).parent


@dataclass
class StudioConfig:
    url: str
    schemas: tuple[str, ...] = ("public",)
    read_only: bool = False
    statement_timeout_ms: int = 10_000
    migrations: Path | None = None
    secrets: Secrets = field(default_factory=Secrets)
    status: Callable[[], dict[str, Any]] | None = None
    """Migration status and check findings for the overview (None: not shown)."""


class Studio:
    def __init__(self, config: StudioConfig) -> None:
        self.config = config
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
        )
        self.templates.filters["show"] = values.show
        self._schema: Schema | None = None

    # -- plumbing -------------------------------------------------------------------------

    def connect(self) -> psycopg.Connection[Any]:
        from puckdb.connect import connect

        return connect(
            self.config.url,
            autocommit=True,
            options=f"-c statement_timeout={self.config.statement_timeout_ms}",
        )

    def schema(self, refresh: bool = False) -> Schema:
        if self._schema is None or refresh:
            from puckdb.inspect import inspect_schema

            with self.connect() as conn:
                self._schema = inspect_schema(conn, self.config.schemas)
        return self._schema

    def ref_columns(self, schema_name: str, table: str) -> list[str]:
        with self.connect() as conn:
            return [c.name for c in self.ref(conn, schema_name, table).columns]

    def ref(self, conn: psycopg.Connection[Any], schema_name: str, table: str) -> browse.TableRef:
        ref = browse.table_ref(self.schema(), schema_name, table)
        return browse.describe_view(conn, ref) if ref.view else ref

    def render(self, request: Request, template: str, http_status: int = 200, **context: Any) -> HTMLResponse:
        page = self.templates.get_template(template).render(
            request=request,
            csrf=self.config.secrets.csrf,
            read_only=self.config.read_only,
            schema=self.schema(),
            link=_link,
            **context,
        )
        return HTMLResponse(page, status_code=http_status)

    # -- pages --------------------------------------------------------------------------------

    def overview(self, request: Request) -> Response:
        schema = self.schema(refresh=request.query_params.get("refresh") == "1")
        with self.connect() as conn:
            rows = conn.execute(
                "SELECT n.nspname, c.relname, c.relkind, greatest(c.reltuples, 0)::bigint, "
                "pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p', 'v', 'm') ORDER BY 1, 2",
                (list(self.config.schemas),),
            ).fetchall()
            count_of = request.query_params.get("count")
            exact: dict[str, int] = {}
            if count_of:
                schema_name, _, table = count_of.partition(".")
                ref = browse.table_ref(schema, schema_name, table)
                found = conn.execute(
                    psycopg.sql.SQL("SELECT count(*) FROM {}").format(ref.identifier)
                ).fetchone()
                exact[count_of] = int(found[0]) if found else 0
        kinds = {"r": "table", "p": "table", "v": "view", "m": "materialized view"}
        relations = [
            {
                "schema": s,
                "name": n,
                "kind": kinds[k],
                "estimated_rows": int(e),
                "exact_rows": exact.get(f"{s}.{n}"),
                "size_bytes": int(z),
            }
            for s, n, k, e, z in rows
        ]
        status = (
            self.config.status() if self.config.status and request.query_params.get("check") == "1" else None
        )
        if _wants_json(request):
            return JSONResponse(_jsonable({"relations": relations, "status": status}))
        return self.render(request, "overview.html", relations=relations, status=status)

    def table(self, request: Request) -> Response:
        schema_name, name = request.path_params["schema"], request.path_params["table"]
        canonical = _canonical_query(request)
        if canonical is not None:  # the filter and column forms: back to a clean address
            return RedirectResponse(f"{_link(schema_name, name)}?{urlencode(canonical)}", status_code=303)
        page_request = _page_request(request)
        with self.connect() as conn:
            ref = self.ref(conn, schema_name, name)
            try:
                page = browse.page(conn, ref, page_request)
                error = None
            except psycopg.Error as failure:
                page, error = browse.Page(ref.columns, [], [], None), _pg_message(failure)
        hidden = set(request.query_params.get("hide", "").split(",")) - {""}
        if _wants_json(request):
            return JSONResponse(
                _jsonable(
                    {
                        "schema": schema_name,
                        "table": name,
                        "columns": [{"name": c.name, "type": c.data_type} for c in page.columns],
                        "rows": page.rows,
                        "keys": page.keys,
                        "next": page.next_cursor,
                        "error": error,
                    }
                )
            )
        return self.render(
            request,
            "table.html",
            ref=ref,
            page=page,
            page_request=page_request,
            error=error,
            hidden=hidden,
            operators=browse.OPERATORS,
            query=_query_without(request, "after"),
        )

    def row(self, request: Request) -> Response:
        schema_name, name = request.path_params["schema"], request.path_params["table"]
        key = request.query_params.get("key", "")
        near = request.query_params.get("near")
        with self.connect() as conn:
            ref = self.ref(conn, schema_name, name)
            found = browse.row(conn, ref, key)
            if found is None:
                return self.render(
                    request, "error.html", http_status=404, message="That row is no longer there."
                )
            links = browse.foreign_key_links(self.schema(), ref, found)
            referencing = browse.referencing_rows(conn, self.schema(), ref, found)
            nearest = browse.neighbours(conn, ref, key, near) if near else None
        if _wants_json(request):
            return JSONResponse(
                _jsonable(
                    {
                        "row": found,
                        "links": {c: {"schema": s, "table": t, "key": k} for c, (s, t, k) in links.items()},
                        "referenced_by": [
                            {"schema": r.schema, "table": r.table, "columns": r.columns, "rows": r.rows}
                            for r in referencing
                        ],
                        "neighbours": nearest,
                    }
                )
            )
        return self.render(
            request,
            "row.html",
            ref=ref,
            key=key,
            row=found,
            links=links,
            referencing=referencing,
            near=near,
            nearest=nearest,
            editable={c.name: values.editable_text(found.get(c.name), c.data_type) for c in ref.columns},
            inputs={c.name: values.input_kind(c, self.schema()) for c in ref.columns},
            errors={},
        )

    def schema_page(self, request: Request) -> Response:
        schema_name, name = request.path_params["schema"], request.path_params["table"]
        table = self.schema().table(schema_name, name)
        if table is None:
            raise browse.StudioRequestError(f"There is no table {schema_name}.{name}.")
        from puckdb.engine import migration_plan

        created = migration_plan(
            Schema(schemas=self.schema().schemas), Schema(tables=(table,), schemas=self.schema().schemas)
        )
        create_sql = created.sql()
        if _wants_json(request):
            from puckdb.model.serialize import to_data

            return JSONResponse({"table": to_data(table), "create": create_sql})
        return self.render(request, "schema.html", table=table, create_sql=create_sql)

    def erd(self, request: Request) -> Response:
        try:
            from puckdb.studio.erd import render_erd
        except ImportError:
            return PlainTextResponse("The diagram is not available in this build.", status_code=404)
        svg = render_erd(self.schema(), link=lambda s, t: f"/s/{_q(s)}/{_q(t)}")
        return Response(svg, media_type="image/svg+xml")

    def console(self, request: Request, form: dict[str, str] | None = None) -> Response:
        result = None
        statement = ""
        write = False
        if form is not None:
            statement = form.get("sql", "")
            write = form.get("write") == "on" and not self.config.read_only
            page_number = int(form.get("page", "0") or 0) if form.get("page", "0").isdigit() else 0
            with self.connect() as conn:
                # A write runs once: paging re-runs the statement, so only reads page.
                result = console.run_console(conn, statement, write=write, page=0 if write else page_number)
            if _wants_json(request):
                return JSONResponse(_jsonable(result.__dict__))
        shown_page = (
            int(form.get("page", "0")) if form and form.get("page", "0").isdigit() and not write else 0
        )
        return self.render(
            request, "console.html", result=result, statement=statement, write=write, page=shown_page
        )

    def export(self, request: Request) -> Response:
        schema_name, name = request.path_params["schema"], request.path_params["table"]
        fmt = request.path_params["format"]
        page_request = _page_request(request)
        conn = self.connect()
        ref = self.ref(conn, schema_name, name)

        def stream() -> Iterator[str]:
            try:
                rows = browse.export_rows(conn, ref, page_request)
                if fmt == "csv":
                    buffer = io.StringIO()
                    writer = csv.writer(buffer)
                    writer.writerow([c.name for c in ref.columns])
                    for found in rows:
                        writer.writerow(
                            [
                                values.editable_text(found[c.name], c.data_type, compact=True)
                                for c in ref.columns
                            ]
                        )
                        if buffer.tell() > 65536:
                            yield buffer.getvalue()
                            buffer.seek(0)
                            buffer.truncate()
                    yield buffer.getvalue()
                else:
                    yield "["
                    for number, found in enumerate(rows):
                        yield (
                            ("," if number else "") + json.dumps(_jsonable(found), ensure_ascii=False) + "\n"
                        )
                    yield "]\n"
            finally:
                conn.close()

        media = "text/csv" if fmt == "csv" else "application/json"
        filename = f"{name}.{fmt}"
        return StreamingResponse(
            stream(), media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
        )

    # -- writes -------------------------------------------------------------------------

    def edit_cell(self, request: Request, form: dict[str, str]) -> Response:
        schema_name, name = request.path_params["schema"], request.path_params["table"]
        key, column = form.get("key", ""), form.get("column", "")
        text = None if form.get("null") == "on" else form.get("value", "")
        with self.connect() as conn:
            ref = self.ref(conn, schema_name, name)
            try:
                new_key = edit.update_cell(conn, ref, key, column, text)
            except edit.EditError as error:
                found = browse.row(conn, ref, key) or {}
                return self.render(
                    request,
                    "row.html",
                    http_status=400,
                    ref=ref,
                    key=key,
                    row=found,
                    links={},
                    referencing=[],
                    near=None,
                    nearest=None,
                    editable={
                        c.name: values.editable_text(found.get(c.name), c.data_type) for c in ref.columns
                    }
                    | ({column: text or ""} if column else {}),
                    inputs={c.name: values.input_kind(c, self.schema()) for c in ref.columns},
                    errors={error.field or "": error.message},
                )
        return RedirectResponse(f"/t/{_q(schema_name)}/{_q(name)}/row?key={new_key}", status_code=303)

    def new_row(self, request: Request, form: dict[str, str] | None = None) -> Response:
        schema_name, name = request.path_params["schema"], request.path_params["table"]
        with self.connect() as conn:
            ref = self.ref(conn, schema_name, name)
            errors: dict[str, str] = {}
            if form is not None:
                given: dict[str, str | None] = {}
                for column in ref.columns:
                    field = f"v:{column.name}"
                    if form.get(f"default:{column.name}") == "on" or (
                        field not in form and f"null:{column.name}" not in form
                    ):
                        continue  # left to its default (or NULL)
                    text = form.get(field, "")
                    empty_means_null = text == "" and not values.is_text_type(column.data_type)
                    null = form.get(f"null:{column.name}") == "on" or empty_means_null
                    given[column.name] = None if null else text
                try:
                    key = edit.insert_row(conn, ref, given)
                    return RedirectResponse(f"/t/{_q(schema_name)}/{_q(name)}/row?key={key}", status_code=303)
                except edit.EditError as error:
                    errors[error.field or ""] = error.message
        return self.render(
            request,
            "new.html",
            http_status=400 if errors else 200,
            ref=ref,
            inputs={c.name: values.input_kind(c, self.schema()) for c in ref.columns},
            form=form or {},
            errors=errors,
        )

    def delete_row(self, request: Request, form: dict[str, str] | None = None) -> Response:
        schema_name, name = request.path_params["schema"], request.path_params["table"]
        key = (form or {}).get("key") or request.query_params.get("key", "")
        with self.connect() as conn:
            ref = self.ref(conn, schema_name, name)
            if form is None or form.get("confirm") != "yes":
                found = browse.row(conn, ref, key)
                return self.render(request, "delete.html", ref=ref, key=key, row=found or {})
            try:
                edit.delete_row(conn, ref, key)
            except edit.EditError as error:
                return self.render(request, "error.html", http_status=400, message=error.message)
        return RedirectResponse(f"/t/{_q(schema_name)}/{_q(name)}", status_code=303)


# -- helpers ------------------------------------------------------------------------------------


def _q(part: str) -> str:
    from urllib.parse import quote

    return quote(part, safe="")


def _link(schema: str, table: str, suffix: str = "", **params: str) -> str:
    url = f"/t/{_q(schema)}/{_q(table)}{suffix}"
    return url + ("?" + urlencode(params) if params else "")


def _wants_json(request: Request) -> bool:
    return bool(request.scope.get("puckdb_json"))


def _page_request(request: Request) -> browse.PageRequest:
    params = request.query_params
    filters = tuple(browse.Filter.decode(f) for f in params.getlist("f") if f)
    for item in filters:
        if item.op not in browse.OPERATORS:
            raise browse.StudioRequestError(f"Unknown filter operator {item.op!r}.")
    return browse.PageRequest(
        sort=params.get("sort") or None,
        descending=params.get("dir") == "desc",
        filters=filters,
        after=params.get("after") or None,
    )


def _canonical_query(request: Request) -> list[tuple[str, str]] | None:
    """The address a form submission stands for: a new filter from ``fc``/``fo``/``fv``,
    hidden columns from the ``show`` checkboxes. None when the address is already clean."""
    params = request.query_params
    if "add" not in params and "show" not in params:
        return None
    kept = [
        (k, v) for k, v in params.multi_items() if k not in ("fc", "fo", "fv", "add", "show", "hide", "after")
    ]
    if "add" in params and params.get("fc") and params.get("fo"):
        kept.append(("f", browse.Filter(params["fc"], params["fo"], params.get("fv", "")).encoded()))
    if "show" in params:
        shown = set(params.getlist("show"))
        columns = request.app.state.studio.ref_columns(
            request.path_params["schema"], request.path_params["table"]
        )
        hidden = [c for c in columns if c not in shown]
        if hidden:
            kept.append(("hide", ",".join(hidden)))
    elif params.get("hide"):
        kept.append(("hide", params["hide"]))
    return kept


def _query_without(request: Request, *names: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in request.query_params.multi_items() if k not in names and k != "token"]


def _pg_message(error: psycopg.Error) -> str:
    return error.diag.message_primary or str(error).strip().splitlines()[0]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return "\\x" + bytes(value).hex()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def create_app(config: StudioConfig) -> Any:
    """The studio as an ASGI application."""
    from puckdb.studio.middleware import guarded

    studio = Studio(config)
    routes = [
        Route("/", guarded(studio, studio.overview)),
        Route("/t/{schema}/{table}/row", guarded(studio, studio.row)),
        Route("/t/{schema}/{table}/row/edit", guarded(studio, None, studio.edit_cell), methods=["POST"]),
        Route(
            "/t/{schema}/{table}/row/delete",
            guarded(studio, studio.delete_row, studio.delete_row),
            methods=["GET", "POST"],
        ),
        Route(
            "/t/{schema}/{table}/new",
            guarded(studio, studio.new_row, studio.new_row),
            methods=["GET", "POST"],
        ),
        Route("/t/{schema}/{table}/export.{format:str}", guarded(studio, studio.export)),
        Route("/t/{schema}/{table}", guarded(studio, studio.table)),
        Route("/s/{schema}/{table}", guarded(studio, studio.schema_page)),
        Route("/erd.svg", guarded(studio, studio.erd)),
        Route("/sql", guarded(studio, studio.console, studio.console), methods=["GET", "POST"]),
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]
    from puckdb.studio.middleware import wrap

    application = Starlette(routes=routes)
    application.state.studio = studio
    return wrap(application)


__all__ = ["COOKIE", "Studio", "StudioConfig", "create_app"]
