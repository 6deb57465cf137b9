"""Fixtures for the site tests: small knowledge bases built once per session, and the bundled site in Chromium."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from mailkb.sitebuild import build_site, load_config
from mailkb.sitebuild.serve import make_server

from .browser import CHROMIUM_ARGS, chromium_path
from .kbfactory import write_kb
from .searchcases import SCOREBOARD

REPO = Path(__file__).resolve().parents[2]
TEST_CONFIG = dict(site_url="https://example.test/kb", repo_url="https://git.example.test/team/mailkb", base_path="/")


@pytest.fixture(scope="session")
def small_site(tmp_path_factory) -> Path:
    """The factory knowledge base, built without search."""
    root = tmp_path_factory.mktemp("small")
    kb = write_kb(root / "kb")
    build_site(kb, root / "out", config=load_config(**TEST_CONFIG), search=False, jobs=1)
    return root / "out"


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The bundled knowledge base, built with its search index."""
    out = tmp_path_factory.mktemp("browser") / "site"
    result = build_site(None, out, config=load_config(site_url="http://127.0.0.1", base_path="/"), search=True)
    assert not [w for w in result.warnings if w.startswith("search index not built")], result.warnings
    return out


@pytest.fixture(scope="session")
def server(site):
    httpd = make_server(site, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def pytest_terminal_summary(terminalreporter) -> None:
    """The search regression's score, printed with the test summary (it is also asserted query by query)."""
    if SCOREBOARD:
        found = sum(SCOREBOARD.values())
        terminalreporter.write_line(f"search regression: {found}/{len(SCOREBOARD)} queries have their page in the top 3")
