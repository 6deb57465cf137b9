"""Shared fixtures of the evidence tests: the bundled knowledge base, the fixture files and their expectations."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mailkb import load_kb

FIXTURES = Path(__file__).with_name("fixtures")
EXPECTED = yaml.safe_load((FIXTURES / "expected.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def kb():
    return load_kb()
