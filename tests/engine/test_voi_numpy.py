"""The two implementations of the value of information (plain Python, numpy for large knowledge bases) give the same bits."""

from __future__ import annotations

import pytest

from mailkb import questions
from mailkb.backends import get_backend
from mailkb.diagnosis import effective_inputs
from mailkb.facts import FactStore
from mailkb.query import split, validate
from mailkb.rulelang import conclusion

QUERIES = [
    {"symptoms": ["some_mail_missing"]},
    {"error_message": "サーバへの接続に失敗しました。", "platform": "iphone"},
    {"platform": "iphone", "fails_on_other_device": False},
    {"symptoms": ["cannot_send"], "platform": "mac", "tried": ["restart_device"]},
    {"symptoms": ["cannot_get_mail", "reenter_password"], "webmail_works": True, "platform": "android"},
    {"carrier": "docomo", "symptoms": ["not_in_inbox"]},
]


def _options(kb, query, cells, monkeypatch):
    monkeypatch.setattr(questions, "NUMPY_CELLS", cells)
    monkeypatch.setattr(questions, "_long_running", False)  # an API test in the same run may have asked for numpy
    qm = questions.question_model(kb)
    observations, _unknown, tried = split(validate(kb, {k: v for k, v in query.items() if k != "tried" or v[0] in kb.remedies}))
    inputs, _ = effective_inputs(kb, observations)
    fired, _ = get_backend(kb, "reference").evaluate(inputs)
    store = FactStore(inputs)
    for index in fired:
        what, detail = conclusion(kb.rules[index])
        if what == "derive":
            store.add(*detail)
    return [(o.names, o.value.hex(), o.score, o.rules, o.changes_leader) for o in questions.options(qm, inputs, store, set(fired), tried)]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: ",".join(sorted(q)))
def test_numpy_and_plain_python_values_are_bit_identical(real_kb, query, monkeypatch):
    plain = _options(real_kb, query, 10**12, monkeypatch)
    arrays = _options(real_kb, query, 0, monkeypatch)
    assert plain and plain == arrays


def test_a_server_scores_with_numpy_and_a_one_shot_process_does_not():
    """`mailkb api` workers call use_numpy(); `mailkb diagnose` never imports numpy (tests/engine/test_startup.py)."""
    import subprocess
    import sys

    probe = "import sys; from mailkb import questions; from mailkb.api.app import create_app; create_app();print(questions._long_running)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "True"
