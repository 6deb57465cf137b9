"""Knowledge bases for the engine tests: the small fixture and the real one."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailkb import KnowledgeBase, load_kb

FIXTURES = Path(__file__).parent / "fixtures"
SCENARIOS = Path(__file__).parent / "scenarios"


@pytest.fixture(scope="session")
def basic_kb() -> KnowledgeBase:
    return load_kb(FIXTURES / "basic")


@pytest.fixture(scope="session")
def real_kb() -> KnowledgeBase:
    return load_kb()  # a knowledge base with lint errors fails the tests that need it, with the first error
