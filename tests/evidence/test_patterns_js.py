"""One pattern layer, two languages: site/static/evidence.js reads pasted text exactly like mailkb's scan_text.

Compared on the decoded text of every fixture and on hypothesis-generated text built from bounce, header and
alert pieces (with Japanese, full-width, folded and indented lines).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailkb.evidence.mime import decode_bytes
from mailkb.evidence.patterns import book_for, scan_text
from mailkb.sitebuild.api import patterns_document

from .conftest import EXPECTED, FIXTURES

RUNNER = Path(__file__).with_name("node_patterns.js")
PIECES = [
    "550 5.1.1 <user@icloud.com>: user does not exist", "554", "5.7.1 [CS01] Message rejected due to local policy.",
    "host mx01.mail.icloud.com[17.57.154.7] said:", "421-4.7.0", "Status: 5.0.0", "Status: 5.2.2", "Action: failed",
    "Final-Recipient: rfc822; a@docomo.ne.jp", "<b@ezweb.ne.jp>:", "550 : User unknown", ">: User unknown",
    "Authentication-Results: mx.example; spf=pass smtp.mailfrom=x.example; dkim=fail; dmarc=fail (p=REJECT)",
    "ARC-Authentication-Results: i=1; a.example; spf=softfail", "Received-SPF: neutral (x)", "送信先メールアドレスが見つかりませんでした。",
    "送信先のメールボックスが一杯のため", "ＳＴＡＴＵＳ： ５．１．１", "ｻｰﾊﾞ", "“iCloud”", "10.5.2.44", "192.0.2.1", "dkim=pass (1024-bit key;",
    "Remote Server returned '550 5.7.1", "deferred due to excessive volume", "X-SPASIGN: NG", "Diagnostic-Code: smtp; 452 4.2.2 x",
    "<<< 550", "(reason: 550 Unknown user c@docomo.ne.jp)", "Recipient: <d@i.softbank.jp>", "user is over quota",
]  # fmt: skip
SEPARATORS = ["\n", "\r\n", "\r", "\n    ", "\n\t", " ", "\n\n", "\u3000", "\u2028", "\x0b", ""]


class NodePatterns:
    def __init__(self, doc_path: Path):
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is required for the evidence.js equivalence tests (install nodejs)")
        self.proc = subprocess.Popen(
            [node, str(RUNNER), str(doc_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8"
        )

    def scan(self, text: str) -> dict:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        if "error" in answer:
            raise AssertionError("evidence.js failed: " + answer["error"])
        return answer

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=10)
        if self.proc.stdout:
            self.proc.stdout.close()


@pytest.fixture(scope="module")
def node(kb, tmp_path_factory):
    path = tmp_path_factory.mktemp("patterns") / "patterns.json"
    path.write_text(json.dumps(patterns_document(kb), ensure_ascii=False), encoding="utf-8")
    engine = NodePatterns(path)
    yield engine
    engine.close()


def _python(kb, text: str) -> dict:
    observations, findings = scan_text(book_for(kb), text)
    return {"observations": observations, "findings": [{**f.to_dict(), "source": f.source} for f in findings]}


def _assert_same(kb, node, text: str) -> None:
    assert node.scan(text) == _python(kb, text), repr(text[:200])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_text_reads_the_same_in_javascript(name, kb, node):
    _assert_same(kb, node, decode_bytes((FIXTURES / name).read_bytes())[0])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS), st.text(max_size=3)), max_size=12))
def test_generated_text_reads_the_same_in_javascript(kb, node, parts):
    _assert_same(kb, node, "".join(piece + sep + noise for piece, sep, noise in parts))


def test_every_pattern_compiles_in_javascript(kb, node):
    # each pattern's own example is read the same way by both (and yields something)
    for set_id, data in sorted(kb.entities["pattern"].items()):
        for entry in data["patterns"]:
            python = _python(kb, entry["example"])
            assert python["findings"] or entry["yields"].keys() == {"recipient"}, f"{set_id}.{entry['id']}"
            assert node.scan(entry["example"]) == python
