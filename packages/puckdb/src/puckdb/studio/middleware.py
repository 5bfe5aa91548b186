"""What every request passes through: the token or cookie, CSRF and read-only for writes,
errors as pages, and ``.json`` addresses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from puckdb.errors import PuckdbError
from puckdb.studio.browse import StudioRequestError
from puckdb.studio.security import COOKIE

if TYPE_CHECKING:
    from puckdb.studio.app import Studio

Handler = Callable[..., Response]


def guarded(
    studio: Studio, get: Handler | None, post: Handler | None = None
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        secrets = studio.config.secrets
        from_query = request.query_params.get("token")
        if not (secrets.token_ok(from_query) or secrets.token_ok(request.cookies.get(COOKIE))):
            return _refused(
                request, 401, "This studio needs the address it printed when it started (with ?token=…)."
            )
        try:
            if request.method == "POST":
                form = {k: str(v) for k, v in (await request.form()).multi_items()}
                if not secrets.csrf_ok(form.get("csrf")):
                    return _refused(
                        request,
                        403,
                        "The form's CSRF token is missing or wrong: reload the page and try again.",
                    )
                writes = post is not None and post.__name__ != "console"
                if studio.config.read_only and writes:
                    return _refused(request, 403, "The studio runs with --read-only: nothing can be changed.")
                assert post is not None
                response = await run_in_threadpool(post, request, form)
            else:
                assert get is not None
                response = await run_in_threadpool(get, request)
        except StudioRequestError as error:
            response = _refused(request, 400, error.message)
        except PuckdbError as error:
            response = _refused(request, 503, error.message)
        if from_query and secrets.token_ok(from_query):
            response.set_cookie(COOKIE, secrets.token, httponly=True, samesite="strict", path="/")
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'"
        )
        return response

    return endpoint


def _refused(request: Request, status: int, message: str) -> Response:
    if request.scope.get("puckdb_json"):
        return JSONResponse({"error": message}, status_code=status)
    from html import escape

    body = (
        "<!doctype html><meta charset=utf-8><title>puckdb studio</title>"
        '<link rel="stylesheet" href="/static/studio.css">'
        f'<main class="refused"><h1>{status}</h1><p>{escape(message)}</p>'
        '<p><a href="/">Overview</a></p></main>'
    )
    return HTMLResponse(body, status_code=status)


class JsonSuffix:
    """``/t/public/cards.json`` is ``/t/public/cards`` answered as JSON (exports aside)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            last = path.rsplit("/", 1)[-1]
            if path.endswith(".json") and not last.startswith("export."):
                scope = dict(scope)
                scope["puckdb_json"] = True
                stripped = path[: -len(".json")]
                scope["path"] = "/" if stripped in ("", "/index") else stripped
        await self.app(scope, receive, send)


def wrap(app: Any) -> ASGIApp:
    return JsonSuffix(app)
