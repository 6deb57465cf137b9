"""Apps over the small fixture knowledge base (answers worked out by hand) and over the bundled one (the CLI's)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from mailkb import KnowledgeBase, load_kb
from mailkb.api import ApiSettings, create_app

from ..engine.conftest import FIXTURES

BASIC = FIXTURES / "basic"


@pytest.fixture(scope="session")
def basic_kb() -> KnowledgeBase:
    return load_kb(BASIC)


@pytest.fixture(scope="session")
def real_kb() -> KnowledgeBase:
    return load_kb()


def client_for(kb: KnowledgeBase, **settings) -> TestClient:
    """A test client (its lifespan runs on enter); a crashing route answers 500 instead of raising into the test."""
    return TestClient(create_app(ApiSettings(**settings), kb=kb), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def basic(basic_kb):
    with client_for(basic_kb) as client:
        yield client


@pytest.fixture(scope="module")
def real(real_kb):
    with client_for(real_kb, cache_size=0) as client:
        yield client
