"""The studio in a real browser: Debian's Chromium driven by Playwright, on StudyPuck's
schema with seeded data. Screenshots land in the test's temporary folder.

Without Chromium (or the playwright package) these tests skip, saying why; with
PUCKDB_REQUIRE_BROWSER=1 (set by CI) they fail instead, so a CI run cannot pass without them.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import uvicorn

from puckdb.studio import StudioConfig, create_app
from puckdb.studio.security import Secrets

from .conftest import CARDS

REQUIRE = "PUCKDB_REQUIRE_BROWSER"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def missing_browser() -> str | None:
    """What is missing to drive a browser, or None."""
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed"
    if shutil.which("chromium") is None:
        return "Debian's chromium is not on PATH (apt-get install chromium; CI installs it)"
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    """Chromium's path; a skip with the reason when it is missing, or a failure when
    PUCKDB_REQUIRE_BROWSER=1 says it must be there. Session-scoped, so that it is decided
    before the database fixtures start a server."""
    missing = missing_browser()
    if missing is not None:
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"{REQUIRE}=1 but {missing}: the browser tests cannot run.", pytrace=False)
        pytest.skip(missing)
    path = shutil.which("chromium")
    assert path is not None
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def studio_address(studypuck_url: str) -> Iterator[str]:
    secrets = Secrets()
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(StudioConfig(url=studypuck_url, secrets=secrets)), port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/?token={secrets.token}"
    server.should_exit = True
    thread.join(timeout=10)


def test_browse_filter_follow_edit_insert_delete_neighbours(
    chromium: str, studio_address: str, studypuck_url: str, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page()
        try:
            page.goto(studio_address)
            assert page.locator("h1").inner_text() == "Overview"
            page.screenshot(path=tmp_path / "overview.png")

            page.click("aside >> text=cards")
            assert page.locator("table.data tbody tr").count() == 50
            page.select_option("select[name=fc]", "content")
            page.select_option("select[name=fo]", "starts")
            page.fill("input[name=fv]", "mot 1")
            page.click("text=Filter")
            page.wait_for_selector(".chip")
            assert page.locator("table.data tbody tr").count() == 11
            page.screenshot(path=tmp_path / "filtered.png")

            page.locator("table.data tbody tr >> nth=0 >> a.open").click()
            assert "mot 1" in page.content()
            page.click("a.fk")  # cards → study_languages
            assert "French" in page.content()
            page.go_back()

            page.locator("details.edit >> nth=7 >> summary").click()  # meaning
            editor = page.locator("details.edit[open] textarea[name=value]")
            editor.fill("edited in the browser")
            page.locator("details.edit[open] >> text=Save").click()
            page.wait_for_load_state()
            assert "edited in the browser" in page.content()
            # JSON is checked in the page before it is sent.
            address = page.url
            page.locator("details.edit >> nth=8 >> summary").click()  # examples (jsonb)
            json_editor = page.locator("details.edit[open] textarea[data-json]")
            json_editor.fill("{oops")
            page.locator("details.edit[open] >> text=Save").click()
            assert "Not valid JSON" in json_editor.evaluate("area => area.validationMessage")
            assert page.url == address
            page.locator("details.edit[open] summary").click()  # closed again
            page.click("text=nearest neighbours")
            page.wait_for_selector("section.neighbours tbody tr")
            assert page.locator("section.neighbours tbody tr").count() == 10
            page.screenshot(path=tmp_path / "neighbours.png", full_page=True)

            page.goto(studio_address.replace("/?", "/t/public/cards/new?"))
            page.fill("[name='v:user_id']", "u1")
            page.fill("[name='v:language_id']", "fr")
            page.fill("[name='v:card_id']", "zz-browser")
            page.fill("[name='v:content']", "ajouté")
            page.click("text=Insert")
            page.wait_for_load_state()
            assert "ajouté" in page.content()
            page.click("text=delete this row…")
            page.click("button.danger")
            page.wait_for_load_state()
            page.screenshot(path=tmp_path / "after-delete.png")

            # The diagram's inline style applies (its CSP allows that and nothing else).
            page.goto(studio_address.replace("/?", "/erd.svg?"))
            font = page.evaluate("getComputedStyle(document.documentElement).fontFamily")
            assert "monospace" in font
            page.screenshot(path=tmp_path / "diagram.png")
        finally:
            browser.close()

    with psycopg.connect(studypuck_url) as conn:
        assert conn.execute("SELECT count(*) FROM cards").fetchone() == (CARDS,)
        edited = conn.execute("SELECT count(*) FROM cards WHERE meaning = 'edited in the browser'").fetchone()
        assert edited == (1,)
        examples = conn.execute("SELECT count(*) FROM cards WHERE examples ? 'level'").fetchone()
        assert examples == (CARDS,)  # the broken JSON never reached the database
    assert (tmp_path / "neighbours.png").stat().st_size > 10_000


def test_browsing_works_without_javascript(chromium: str, studio_address: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        try:
            page.goto(studio_address)
            tables = page.locator("aside.tables a")
            assert tables.count() >= 10 and "cards" in tables.all_inner_texts()
            page.screenshot(path=tmp_path / "nojs-overview.png")

            page.locator("aside.tables a", has_text=re.compile("^cards$")).click()
            assert page.locator("table.data tbody tr").count() == 50
            page.click("a[rel=next]")  # the keyset page after the first 50
            assert page.locator("table.data tbody tr").count() == CARDS - 50
            assert "after=" in page.url
            page.screenshot(path=tmp_path / "nojs-page-2.png")

            page.select_option("select[name=fc]", "content")
            page.select_option("select[name=fo]", "starts")
            page.fill("input[name=fv]", "mot 2")
            page.click("text=Filter")
            assert page.locator(".chip").inner_text() == "content starts with mot 2"
            assert page.locator("table.data tbody tr").count() == 11 and "f=content" in page.url
            page.select_option("select[name=fc]", "meaning")
            page.select_option("select[name=fo]", "null")
            page.click("text=Filter")
            assert page.locator(".chip").count() == 2
            assert page.locator("table.data tbody tr").count() == 2  # mot 21 and mot 28
            page.screenshot(path=tmp_path / "nojs-filtered.png")

            page.locator("details.columns summary").click()
            page.uncheck("input[name=show][value=embedding]")
            page.locator("details.columns button").click()
            assert "hide=embedding" in page.url and page.locator(".chip").count() == 2
            headers = page.locator("table.data thead a").all_inner_texts()
            assert "embedding" not in headers and {"content", "embedding_model"} <= set(headers)
            assert len(headers) == 17  # 18 columns, one hidden

            page.locator("table.data tbody tr >> nth=0 >> a.open").click()
            assert page.locator("h1").inner_text() == "public.cards \u203a row"
            assert "mot 2" in page.locator("table.record").inner_text()
            # Without the script, times stay as the server wrote them.
            assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d", page.locator("time").first.inner_text())
            page.locator("details.edit >> nth=7 >> summary").click()  # <details> opens by itself
            assert page.locator("details.edit[open] textarea[name=value]").is_visible()
            page.screenshot(path=tmp_path / "nojs-row.png", full_page=True)
        finally:
            browser.close()
    for name in ("nojs-overview", "nojs-page-2", "nojs-filtered", "nojs-row"):
        assert (tmp_path / f"{name}.png").stat().st_size > 5_000


@pytest.mark.parametrize("required", [True, False])
def test_a_missing_browser_fails_in_ci_and_skips_with_its_reason_otherwise(
    required: bool, tmp_path: Path
) -> None:
    root = Path(__file__).resolve().parents[4]
    environment = {k: v for k, v in os.environ.items() if k != REQUIRE}
    environment["PATH"] = str(Path(sys.executable).parent)  # python, but no chromium
    environment["PUCKDB_TEST_PG"] = "18"  # one version: the counts below are of two tests
    if required:
        environment[REQUIRE] = "1"
    finished = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(Path(__file__)),
            "-k",
            "not missing_browser",
            "-p",
            "no:cacheprovider",
            # Not the default basetemp, whose permissions a new session resets (see
            # tests/testing/conftest.py).
            f"--basetemp={tmp_path / 'inner'}",
        ],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = finished.stdout + finished.stderr
    assert "chromium is not on PATH" in output, output[-2000:]
    if required:
        # An error at setup, before any server starts: the run fails.
        assert finished.returncode == 1 and "skipped" not in output, output[-2000:]
        assert re.search(r"\b2 errors\b", output) or re.search(r"\b2 failed\b", output), output[-2000:]
        assert f"{REQUIRE}=1 but Debian's chromium is not on PATH" in output
    else:
        assert finished.returncode == 0 and re.search(r"\b2 skipped\b", output), output[-2000:]
