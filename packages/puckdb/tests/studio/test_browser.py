"""The studio in a real browser: Debian's Chromium driven by Playwright, on StudyPuck's
schema with seeded data. Screenshots land in the test's temporary folder."""

from __future__ import annotations

import shutil
import socket
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

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (CI installs it)"
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


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
    studio_address: str, studypuck_url: str, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
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
        finally:
            browser.close()

    with psycopg.connect(studypuck_url) as conn:
        assert conn.execute("SELECT count(*) FROM cards").fetchone() == (CARDS,)
        edited = conn.execute("SELECT count(*) FROM cards WHERE meaning = 'edited in the browser'").fetchone()
        assert edited == (1,)
    assert (tmp_path / "neighbours.png").stat().st_size > 10_000
