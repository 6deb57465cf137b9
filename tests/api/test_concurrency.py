"""Many requests at once: each gets the answer it would get alone.

durable-rules keeps one session per thread (backends/durable.py); two threads sharing one would mix queries.
"""

from __future__ import annotations

import asyncio
import json

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailkb import diagnose
from mailkb.api import ApiSettings, create_app

from ..engine.strategies import queries


@pytest.mark.parametrize("threads", [0, 3])
def test_concurrent_requests_get_their_own_answers(real_kb, threads):
    """On the event loop (the default) and on a pool of three engine threads."""
    app = create_app(ApiSettings(threads=threads, cache_size=0), kb=real_kb)
    served_by: set[str] = set()

    async def post_all(pool: list[dict]):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://test") as client:
            return await asyncio.gather(*(client.post("/v1/diagnose", json=query) for query in pool))

    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(queries(real_kb), min_size=10, max_size=10))
    def check(pool):
        expected = [json.loads(json.dumps(diagnose(query, kb=real_kb).to_dict())) for query in pool]
        responses = asyncio.run(post_all(pool * 6))  # 60 requests in flight, each query six times over
        for index, response in enumerate(responses):
            assert response.status_code == 200
            assert response.json() == expected[index % len(pool)]
        if threads:
            served_by.update(thread.name for thread in app.state.runner.executor._threads)

    try:
        check()
    finally:
        app.state.runner.close()
    assert len(served_by) == threads  # the pool did run queries side by side
