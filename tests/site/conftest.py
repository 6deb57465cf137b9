"""Fixtures for the site tests: small knowledge bases built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailkb.sitebuild import build_site, load_config

from .kbfactory import write_kb

REPO = Path(__file__).resolve().parents[2]
TEST_CONFIG = dict(site_url="https://example.test/kb", repo_url="https://git.example.test/team/mailkb", base_path="/")


@pytest.fixture(scope="session")
def small_site(tmp_path_factory) -> Path:
    """The factory knowledge base, built without search."""
    root = tmp_path_factory.mktemp("small")
    kb = write_kb(root / "kb")
    build_site(kb, root / "out", config=load_config(**TEST_CONFIG), search=False, jobs=1)
    return root / "out"
