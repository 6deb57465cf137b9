"""Shared test set-up: a private cache so tests never read a developer's ~/.cache."""

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    import os

    os.environ["MAILKB_CACHE_DIR"] = str(tmp_path_factory.mktemp("mailkb-cache"))
    yield
