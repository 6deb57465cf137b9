"""HTTP and Python give one answer: POST /v1/diagnose ≡ mailkb.diagnose() for random valid queries (hypothesis)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailkb import diagnose

from ..engine.strategies import queries
from .conftest import client_for

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(params=["basic", "real"])
def kb_and_client(request):
    """The fixture knowledge base and the bundled one, each behind an app without an answer cache."""
    kb = request.getfixturevalue(f"{request.param}_kb")
    with client_for(kb, cache_size=0) as client:
        yield kb, client


def test_http_diagnose_equals_python_diagnose(kb_and_client):
    kb, client = kb_and_client

    @SETTINGS
    @given(queries(kb), st.sampled_from(["durable", "reference"]), st.sampled_from(["value", "stages"]))
    def check(query, engine, order):
        response = client.post(f"/v1/diagnose?engine={engine}&order={order}", json=query)
        assert response.status_code == 200, response.text
        expected = diagnose(query, kb=kb, backend=engine, order=order).to_dict()
        assert response.json() == json.loads(json.dumps(expected))

    check()
