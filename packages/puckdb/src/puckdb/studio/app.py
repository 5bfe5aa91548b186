"""The studio's web application: Starlette routes, each page also as JSON (``.json``).

Handlers are plain functions (Starlette runs them in a thread pool); each opens its own
connection with a statement_timeout, so a slow query cannot hold the studio.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

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
from puckdb.studio import addresses, browse, console, edit, export, overview, values, vectors
from puckdb.studio.addresses import link, q
from puckdb.studio.jsonable import jsonable
from puckdb.studio.loaders import register_lenient_loaders
from puckdb.studio.previews import vector_type
from puckdb.studio.security import COOKIE, Secrets
from puckdb.studio.status import CheckRunner, overview_status

HERE = Path(__file__).parent
_GONE = "That row is no longer there (deleted, or its key changed)."


@dataclass
class StudioConfig:
    url: str
    schemas: tuple[str, ...] = ("public",)
    read_only: bool = False
    statement_timeout_ms: int = 10_000
    migrations: Path | None = None
    """The migrations folder: the overview shows where the database stands against it."""
    check: CheckRunner | None = None
    """Runs ``check`` for the overview's findings, when asked for (``?check=1``)."""
    secrets: Secrets = field(default_factory=Secrets)


class Studio:
    def __init__(self, config: StudioConfig) -> None:
        self.config = config
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
        )
        self.templates.filters["show"] = values.show
        self.templates.filters["is_vector"] = lambda data_type: vector_type(data_type) is not None
        self._schema: Schema | None = None

    # -- plumbing -------------------------------------------------------------------------

    def connect(self, read_only: bool = False) -> psycopg.Connection[Any]:
        """A new connection with the studio's statement_timeout; a read-only session
        (``default_transaction_read_only``) when asked or when the studio is ``--read-only``,
        so that PostgreSQL itself refuses a write whatever path it came by."""
        from puckdb.connect import connect

        options = f"-c statement_timeout={self.config.statement_timeout_ms}"
        if read_only or self.config.read_only:
            options += " -c default_transaction_read_only=on"
        conn = connect(self.config.url, autocommit=True, options=options)
        register_lenient_loaders(conn)
        return conn

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
            link=link,
            **context,
        )
        return HTMLResponse(page, status_code=http_status)

    def refuse(self, request: Request, http_status: int, message: str) -> Response:
        """An error page (or ``{"error": …}`` for a ``.json`` address)."""
        if _wants_json(request):
            return JSONResponse({"error": message}, status_code=http_status)
        return self.render(request, "error.html", http_status=http_status, message=message)

    # -- pages --------------------------------------------------------------------------------

    def overview(self, request: Request) -> Response:
        schema = self.schema(refresh=request.query_params.get("refresh") == "1")
        with self.connect() as conn:
            found = overview.relations(conn, schema, self.config.schemas, request.query_params.get("count"))
            status = overview_status(
                conn,
                self.config.migrations,
                self.config.check,
                run_check=request.query_params.get("check") == "1",
            )
        relations = [jsonable(r) for r in found]
        if _wants_json(request):
            return JSONResponse(jsonable({"relations": relations, "status": status}))
        return self.render(request, "overview.html", relations=relations, status=status)

    def table(self, request: Request) -> Response:
        """A table page. The HTML page reads each vector as its dimension and first
        components only (see :mod:`puckdb.studio.previews`), and offers no inline edit: a
        vector is edited on its row page, which holds the whole value.

        The ``.json`` twin is the data, not the page: each row has every shown column's
        complete value, a vector as pgvector's text (``"[0.1,0.2,…]"``, as in the row's
        ``.json`` and the JSON export), so that a program reading pages never gets a preview
        it could take for the value. ``hide=embedding`` leaves a column out, unread."""
        schema_name, name = request.path_params["schema"], request.path_params["table"]
        canonical = addresses.canonical_query(request, lambda: self.ref_columns(schema_name, name))
        if canonical is not None:  # the filter and column forms: back to a clean address
            return RedirectResponse(f"{link(schema_name, name)}?{urlencode(canonical)}", status_code=303)
        page_request = addresses.page_request(request)
        hidden = addresses.hidden_columns(request)
        with self.connect() as conn:
            ref = self.ref(conn, schema_name, name)
            try:
                page = browse.page(
                    conn,
                    ref,
                    page_request,
                    omit=frozenset(hidden),
                    summarize_vectors=not _wants_json(request),
                )
                error = None
            except psycopg.Error as failure:
                page, error = browse.Page(ref.columns, [], [], None), _pg_message(failure)
        if _wants_json(request):
            shown = [c for c in page.columns if c.name not in hidden]
            return JSONResponse(
                jsonable(
                    {
                        "schema": schema_name,
                        "table": name,
                        "columns": [{"name": c.name, "type": c.data_type} for c in shown],
                        "hidden": sorted(hidden),
                        "rows": [{c.name: r[c.name] for c in shown} for r in page.rows],
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
            query=addresses.query_without(request, "after"),
        )

    def row(self, request: Request) -> Response:
        schema_name, name = request.path_params["schema"], request.path_params["table"]
        key = request.query_params.get("key", "")
        near = request.query_params.get("near")
        with self.connect() as conn:
            ref = self.ref(conn, schema_name, name)
            found = browse.row(conn, ref, key)
            if found is None:
                return self.refuse(request, 404, _GONE)
            links = browse.foreign_key_links(self.schema(), ref, found)
            referencing = browse.referencing_rows(
                conn, self.schema(), ref, found, summarize_vectors=not _wants_json(request)
            )
            nearest = vectors.neighbours(conn, ref, key, near) if near else None
        if _wants_json(request):
            return JSONResponse(
                jsonable(
                    {
                        "row": found,
                        "links": {
                            link.constraint: {
                                "columns": link.columns,
                                "schema": link.schema,
                                "table": link.table,
                                "key": link.key,
                            }
                            for link in links
                        },
                        "referenced_by": [
                            {"schema": r.schema, "table": r.table, "columns": r.columns, "rows": r.rows}
                            for r in referencing
                        ],
                        "neighbours": nearest,
                    }
                )
            )
        return self.render_row(
            request, ref, key, found, links=links, referencing=referencing, near=near, nearest=nearest
        )

    def render_row(
        self,
        request: Request,
        ref: browse.TableRef,
        key: str,
        found: dict[str, Any],
        *,
        links: list[browse.ForeignKeyLink] | None = None,
        referencing: list[browse.Referencing] | None = None,
        near: str | None = None,
        nearest: list[dict[str, Any]] | None = None,
        errors: dict[str, str] | None = None,
        typed: dict[str, str] | None = None,
    ) -> HTMLResponse:
        """The row page; after a refused edit (``errors``) with what was typed kept."""
        editable = {c.name: values.editable_text(found.get(c.name), c.data_type) for c in ref.columns}
        return self.render(
            request,
            "row.html",
            http_status=400 if errors else 200,
            ref=ref,
            key=key,
            row=found,
            links=links or [],
            referencing=referencing or [],
            near=near,
            nearest=nearest,
            editable=editable | (typed or {}),
            inputs={c.name: values.input_kind(c, self.schema()) for c in ref.columns},
            errors=errors or {},
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
        svg = render_erd(self.schema(), link=lambda s, t: f"/s/{q(s)}/{q(t)}")
        # The diagram styles itself with an inline <style>; it holds no script, and may run none.
        policy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:"
        return Response(svg, media_type="image/svg+xml", headers={"Content-Security-Policy": policy})

    def console(self, request: Request, form: dict[str, str] | None = None) -> Response:
        result = None
        statement = ""
        write = False
        page = 0
        if form is not None:
            statement = form.get("sql", "")
            write = form.get("write") == "on" and not self.config.read_only
            # A write runs once: paging re-runs the statement, so only reads page.
            page_text = form.get("page", "0")
            page = int(page_text) if page_text.isdigit() and not write else 0
            result = console.run_console(
                self.connect, statement, write=write, page=page, timeout_ms=self.config.statement_timeout_ms
            )
        if _wants_json(request):
            return JSONResponse(
                jsonable(
                    {
                        "statement": statement,
                        "read_only": self.config.read_only,
                        "write": write,
                        "page": page,
                        "page_size": console.MAX_ROWS,
                        "result": result,
                    }
                    | (result.__dict__ if result else {})
                )
            )
        return self.render(
            request, "console.html", result=result, statement=statement, write=write, page=page
        )

    def export(self, request: Request) -> Response:
        schema_name, name = request.path_params["schema"], request.path_params["table"]
        fmt = request.path_params["format"]
        page_request = addresses.page_request(request)
        hidden = addresses.hidden_columns(request)
        conn = self.connect()
        try:
            ref = self.ref(conn, schema_name, name)
            columns = tuple(c for c in ref.columns if c.name not in hidden) or ref.columns
            chunks = export.start_export(conn, ref, page_request, columns, fmt)
        except psycopg.Error as error:
            conn.close()
            raise browse.StudioRequestError(f"The export could not run: {_pg_message(error)}.") from error
        except BaseException:
            conn.close()
            raise
        # An ASCII name for every browser, the exact one (RFC 6266) for those that read it.
        plain = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
        disposition = f"attachment; filename=\"{plain}.{fmt}\"; filename*=UTF-8''{quote(name)}.{fmt}"
        return StreamingResponse(
            chunks, media_type=export.FORMATS[fmt], headers={"Content-Disposition": disposition}
        )

    # -- writes -------------------------------------------------------------------------
    # On a ``.json`` address each write answers JSON: the saved row (edit, insert) or the
    # deleted one; a refusal as ``{"error": message, "field": column or null}`` with the
    # status of what went wrong (400 a value, 404 a row that is gone, 403 a role that may
    # not write, 503 a timeout). CSRF and --read-only refusals come from the middleware,
    # as JSON there too.

    def saved(
        self, conn: psycopg.Connection[Any], ref: browse.TableRef, key: str, http_status: int
    ) -> Response:
        """A write's JSON answer: the row as it now is, read back after its transaction."""
        return JSONResponse(
            jsonable(
                {
                    "key": key,
                    "address": link(ref.schema, ref.name, "/row", key=key),
                    "row": browse.row(conn, ref, key),
                }
            ),
            status_code=http_status,
        )

    def edit_cell(self, request: Request, form: dict[str, str]) -> Response:
        schema_name, name = request.path_params["schema"], request.path_params["table"]
        key, column = form.get("key", ""), form.get("column", "")
        text = None if form.get("null") == "on" else form.get("value", "")
        with self.connect() as conn:
            ref = self.ref(conn, schema_name, name)
            try:
                new_key = edit.update_cell(conn, ref, key, column, text)
            except edit.EditError as error:
                if _wants_json(request):
                    return _write_refused(error)
                found = browse.row(conn, ref, key)
                if found is None:
                    return self.refuse(request, 400, error.message)
                return self.render_row(
                    request,
                    ref,
                    key,
                    found,
                    errors={error.field or "": error.message},
                    typed={column: text or ""} if error.field else None,
                )
            if _wants_json(request):
                return self.saved(conn, ref, new_key, 200)
        return RedirectResponse(link(schema_name, name, "/row", key=new_key), status_code=303)

    def new_row(self, request: Request, form: dict[str, str] | None = None) -> Response:
        schema_name, name = request.path_params["schema"], request.path_params["table"]
        with self.connect() as conn:
            ref = self.ref(conn, schema_name, name)
            inputs = {c.name: values.input_kind(c, self.schema()) for c in ref.columns}
            errors: dict[str, str] = {}
            refusal: edit.EditError | None = None
            if form is not None:
                try:
                    key = edit.insert_row(conn, ref, edit.form_values(ref, form))
                except edit.EditError as error:
                    errors[error.field or ""] = error.message
                    refusal = error
                else:
                    if _wants_json(request):
                        return self.saved(conn, ref, key, 201)
                    return RedirectResponse(link(schema_name, name, "/row", key=key), status_code=303)
        if _wants_json(request):
            columns = [
                {
                    "name": c.name,
                    "type": c.data_type,
                    "nullable": c.nullable,
                    "default": c.default,
                    "identity": c.identity is not None,
                    "generated": c.generated,
                    "input": inputs[c.name].widget,
                    "options": inputs[c.name].options,
                }
                for c in ref.columns
            ]
            # The form's description as on GET, with the refusal as every write's JSON has it.
            answer: dict[str, Any] = {"columns": columns, "errors": errors}
            if refusal is not None:
                answer |= {"error": refusal.message, "field": refusal.field}
            return JSONResponse(
                jsonable(answer), status_code=refusal.http_status if refusal is not None else 200
            )
        return self.render(
            request,
            "new.html",
            http_status=400 if errors else 200,
            ref=ref,
            inputs=inputs,
            form=form or {},
            errors=errors,
        )

    def delete_row(self, request: Request, form: dict[str, str] | None = None) -> Response:
        schema_name, name = request.path_params["schema"], request.path_params["table"]
        key = (form or {}).get("key") or request.query_params.get("key", "")
        with self.connect() as conn:
            ref = self.ref(conn, schema_name, name)
            if form is not None and form.get("confirm") != "yes" and _wants_json(request):
                # A program's POST without the confirmation deletes nothing, and says so
                # (rather than a 200 it could take for done).
                return JSONResponse(
                    {"error": "A delete needs confirm=yes; nothing was deleted.", "field": "confirm"},
                    status_code=400,
                )
            if form is None or form.get("confirm") != "yes":
                found = browse.row(conn, ref, key)
                if found is None:
                    return self.refuse(request, 404, _GONE)
                if _wants_json(request):
                    return JSONResponse(jsonable({"row": found, "key": key, "confirm": "POST confirm=yes"}))
                return self.render(request, "delete.html", ref=ref, key=key, row=found)
            try:
                deleted = edit.delete_row(conn, ref, key)
            except edit.EditError as error:
                if _wants_json(request):
                    return _write_refused(error)
                return self.refuse(request, 400, error.message)
        if _wants_json(request):
            return JSONResponse(jsonable({"key": key, "deleted": deleted, "table": link(schema_name, name)}))
        return RedirectResponse(link(schema_name, name), status_code=303)


# -- helpers ------------------------------------------------------------------------------------


def _wants_json(request: Request) -> bool:
    return bool(request.scope.get("puckdb_json"))


def _write_refused(error: edit.EditError) -> JSONResponse:
    return JSONResponse({"error": error.message, "field": error.field}, status_code=error.http_status)


def _pg_message(error: psycopg.Error) -> str:
    return error.diag.message_primary or str(error).strip().splitlines()[0]


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
