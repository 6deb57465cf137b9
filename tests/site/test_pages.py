"""The bundled site's pages, read as HTML: descriptions, the home page, symptom pages, tables, English parity."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from mailkb.sitebuild import build_site, load_config
from mailkb.sitebuild.i18n import LABELS, UI

from .htmlscan import scan

REPO = Path(__file__).resolve().parents[2]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]+")
QUOTED = re.compile(r"「[^」]*」|『[^』]*』")
MARKDOWN = re.compile(r"\]\(|`|^#|\n#|^\s*[-*] ")


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pages") / "site"
    build_site(None, out, config=load_config(site_url="https://example.test", base_path="/"), search=False)
    return out


def _pages(site: Path, lang: str) -> list[Path]:
    pages = sorted(site.rglob("*.html"))
    english = [p for p in pages if p.relative_to(site).parts[0] == "en"]
    return english if lang == "en" else [p for p in pages if p not in english]


def _description(html: str) -> str | None:
    return next((a.get("content") for t, a in scan(html).tags if t == "meta" and a.get("name") == "description"), None)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_page_has_a_plain_text_description(bundled, lang):
    for page in _pages(bundled, lang):
        description = _description(page.read_text(encoding="utf-8"))
        assert description and len(description) <= 150, page
        assert not MARKDOWN.search(description), (page, description)


class _Text(HTMLParser):
    """Text outside <q>, <script>, <style> and elements marked lang="ja", with 「…」 quotes removed."""

    VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "source", "wbr"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append((tag, tag in ("q", "script", "style") or dict(attrs).get("lang") == "ja"))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if not any(exempt for _, exempt in self.stack):
            self.found += JAPANESE.findall(QUOTED.sub("", data))


def test_english_pages_have_no_japanese_outside_quoted_or_marked_text(bundled):
    """Japanese on an English page is a quoted UI string (「…」, a <q>) or marked lang="ja" (a cited Japanese page,
    a Japanese setting name in the data); nothing of the site's own is left in Japanese ("SPF DNS lookups > 10 件")."""
    leftovers = {}
    for page in _pages(bundled, "en"):
        parser = _Text()
        parser.feed(page.read_text(encoding="utf-8"))
        if parser.found:
            leftovers[str(page.relative_to(bundled))] = parser.found[:5]
    assert leftovers == {}
    # the language switch names the other language in that language (and carries lang="ja" on the page)
    assert not [k for k, v in UI.items() if JAPANESE.search(v["en"]) and k not in ("language", "language_label")]
    assert not [v for table in LABELS.values() for v in table.values() if JAPANESE.search(v.get("en", ""))]


def test_japanese_interface_text_uses_full_width_punctuation():
    for key, value in UI.items():
        assert not re.search(r"[():]", value["ja"]), (key, value["ja"])  # 「例:」「(」 are written 「例：」「（」


def test_home_lists_the_common_symptoms_in_the_stated_order(bundled):
    ranking = yaml.safe_load((REPO / "knowledge" / "reference" / "symptom_frequency.yaml").read_text(encoding="utf-8"))
    stated = [v["id"] for v in sorted(ranking["values"], key=lambda v: v["value"])]
    assert stated[:3] == ["cannot_get_mail", "cannot_connect_server", "reenter_password"]  # as the file states
    for prefix in ("", "en/"):
        html = (bundled / prefix / "index.html").read_text(encoding="utf-8")
        common = html.split('<ol class="common-symptoms">', 1)[1].split("</ol>", 1)[0]
        listed = re.findall(r'href="/(?:en/)?symptoms/([a-z_]+)/"', common)
        assert listed == stated[: len(listed)] and len(listed) == 8
        tags = scan(html).tags
        assert sum(1 for t, a in tags if t == "input" and a.get("type") == "search") == 1  # one search box
        h1 = html.split("<h1>", 1)[1].split("</h1>", 1)[0]
        brand = html.split('class="brand"', 1)[1].split("</a>", 1)[0].split(">", 1)[1]
        assert h1 != brand  # the title is not shown twice


def test_symptom_page_shows_the_engines_first_checks(bundled):
    """「まず試すこと」 lists the first three steps of mailkb.diagnose for the symptom alone, in its order."""
    import mailkb

    plan = [step["remedy"] for step in mailkb.diagnose({"symptoms": ["cannot_get_mail"]}, backend="reference").plan[:3]]
    html = (bundled / "symptoms" / "cannot_get_mail" / "index.html").read_text(encoding="utf-8")
    section = html.split('id="first-checks"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'href="/remedies/([a-z_0-9]+)/"', section) == plan and len(plan) == 3
    before = html.split('<details class="reasoning">', 1)[0]
    assert "重み" not in before and "framework" not in html.lower() and "decompiled" not in html.lower()


def test_isolation_matrix_states_an_either_or_condition_once(bundled):
    html = (bundled / "tables" / "isolation" / "index.html").read_text(encoding="utf-8")
    row = html.split('id="rule-isolation_device_only"', 1)[1].split("</tr>", 1)[0]
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert "はい または 未確認" in cells  # not 「別の回線でも失敗する: はい / 別の回線でも失敗する: 未回答」
    assert not [c for c in cells if "別の回線でも失敗する" in c]


def test_check_sheet_has_a_box_for_every_item(bundled):
    items = 0
    for path in (REPO / "knowledge" / "guides").glob("*.yaml"):
        guide = yaml.safe_load(path.read_text(encoding="utf-8"))
        if guide.get("kind") == "checklist":
            items += sum(len(section.get("items") or ()) for section in guide.get("sections") or ())
    html = (bundled / "tables" / "checksheet" / "index.html").read_text(encoding="utf-8")
    boxes = [a for t, a in scan(html).tags if t == "input" and a.get("type") == "checkbox"]
    assert len(boxes) == items and all(a.get("aria-labelledby") for a in boxes)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_raw_code_marks_show_in_pages(bundled, lang):
    """Inline code of the data is rendered as code (the carrier pages' check tables showed raw `icloud.com`)."""
    for page in _pages(bundled, lang):
        text = " ".join(scan(page.read_text(encoding="utf-8")).text)
        assert "`" not in text, page
