"""The wizard as a person uses it, in Chromium, on a phone and a desktop, in Japanese and English: the area first,
one history entry per answer, what is announced and kept in sight, focus, print, "don't know", steps tried, the
consultation text, the paste box (which sends nothing), and the issue-8 walks agreeing with `mailkb diagnose`."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from mailkb import load_kb
from mailkb.evidence import read_evidence
from mailkb.sitebuild.api import steps_document

from ..engine.test_dialogue import WALKS, _walk
from .browser import Watch, axe_script

REPO = Path(__file__).resolve().parents[2]
OUTPUT = REPO / "test-output"
FIXTURES = REPO / "tests" / "evidence" / "fixtures"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
DEVICES = [("phone", PHONE), ("desktop", DESKTOP)]
# the visible step: "area", "symptoms:<area>", an observation id, or "done"
STEP = """() => {
  const form = document.querySelector('#wizard-question-slot .wizard-step:not([hidden])');
  if (form) return form.dataset.step === 'area' ? 'area' : form.dataset.step === 'symptoms' ? 'symptoms:' + form.dataset.area : form.dataset.observation;
  return document.querySelector('#wizard-question[data-done]') ? 'done' : null;
}"""


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def _open(browser, server: str, lang: str = "ja", viewport: dict = PHONE, query: str = "", **context):
    ctx = browser.new_context(viewport=viewport, **context)
    page = ctx.new_page()
    watch = Watch(page, server)
    page.goto(f"{server}{'/en' if lang == 'en' else ''}/diagnose/{query}")
    page.wait_for_selector("#wizard[data-ready=true]")
    return page, watch


def _step(page) -> str | None:
    return page.evaluate(STEP)


def _state(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _cli(query: dict) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "mailkb", "diagnose", "--json"],
        input=json.dumps(query, ensure_ascii=False),
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _answer(page, kb, ident: str, value) -> None:
    """Answer the visible question as a person would: a tap on the answer, or a number typed and Answer."""
    kind = kb.observations[ident]["type"]
    if kind in ("boolean", "enum"):
        page.click(f'#wizard-question button[data-value="{json.dumps(value) if kind == "boolean" else value}"]')
    else:
        page.fill("#wizard-question input[name=answer]", str(value))
        page.click("#wizard-answer")


def _choose_symptoms(page, kb, symptoms: list[str]) -> None:
    area = kb.symptoms[symptoms[0]]["area"]
    page.click(f"#wizard-areas button[value={area}]")
    for ident in symptoms:
        page.check(f"#symptom-{ident}")
    page.click(f"#wizard-symptoms-{area} [data-answer]")


def _shot(page, name: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / name))


def test_the_page_asks_the_area_first_then_that_areas_symptoms(site, kb):
    """The first question, in the page's HTML: a handful of areas, each followed by its symptoms, the most common first."""
    for prefix in ("", "en/"):
        html = (site / prefix / "diagnose" / "index.html").read_text(encoding="utf-8")
        areas = re.findall(r'<button type="submit" name="area" value="([a-z]+)"', html)
        assert areas == ["receive", "send", "connect", "auth", "delivery", "security"]
        listed = {
            area: re.findall(r'id="symptom-([a-z_]+)"', html.split(f'id="wizard-symptoms-{area}"', 1)[1].split("</form>", 1)[0])
            for area in areas
        }
        assert sorted(s for ids in listed.values() for s in ids) == sorted(kb.symptoms)  # each symptom once
        assert all(kb.symptoms[s]["area"] == area for area, ids in listed.items() for s in ids)
        # symptom_frequency.yaml ranks 「メールを取得できません」 first, then 「サーバに接続できない」 and 「パスワードを何度も…」
        assert (
            listed["receive"][0] == "cannot_get_mail"
            and listed["connect"][0] == "cannot_connect_server"
            and listed["auth"][0] == "reenter_password"
        )
        lang = "en" if prefix else "ja"
        assert f'data-rules="/api/rules.{lang}.json"' in html


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(("device", "viewport"), DEVICES)
def test_the_first_question_is_the_area_then_its_symptoms(browser, server, kb, lang, device, viewport):
    page, watch = _open(browser, server, lang, viewport)
    assert _step(page) == "area"
    assert page.locator("#wizard-areas button[name=area]").count() == 6
    # a few Tabs from the top of the page to the first answer (the old page needed 47, past 32 checkboxes)
    page.focus("body")
    tabs = 0
    while page.evaluate("document.activeElement.name") != "area" and tabs < 30:
        page.keyboard.press("Tab")
        tabs += 1
    assert tabs <= 12, tabs
    first = page.locator("#wizard-areas button[name=area]").first.bounding_box()
    assert first and first["y"] + first["height"] <= viewport["height"]  # on the first screen
    _shot(page, f"wizard-{lang}-{device}-1-area.png")
    page.click("#wizard-areas button[value=auth]")
    assert _step(page) == "symptoms:auth" and _state(page) == {"area": ["auth"]}
    shown = page.eval_on_selector_all("#wizard-symptoms-auth input[name=symptom]", "els => els.map(e => e.value)")
    assert sorted(shown) == sorted(s for s, e in kb.symptoms.items() if e["area"] == "auth") and shown[0] == "reenter_password"
    page.click("#wizard-symptoms-auth [data-answer]")  # nothing ticked: asked again, not answered
    assert _step(page) == "symptoms:auth" and page.locator("#wizard-symptoms-auth [role=alert]:visible").count() == 1
    page.check("#symptom-reenter_password")
    page.click("#wizard-symptoms-auth [data-answer]")
    assert _state(page)["symptoms"] == ["reenter_password"]
    expected = _cli({"symptoms": ["reenter_password"]})
    assert _step(page) == expected["next_questions"][0]["observation"]
    assert page.evaluate("document.activeElement.id") == "wizard-question-h"  # focus on the new question
    _shot(page, f"wizard-{lang}-{device}-2-question.png")
    assert watch.errors == [] and watch.foreign == []
    page.context.close()


def test_back_undoes_an_answer_forward_redoes_it_and_reload_keeps_it(browser, server, kb):
    page, watch = _open(browser, server)
    _choose_symptoms(page, kb, ["cannot_get_mail"])
    first = _step(page)
    _answer(page, kb, first, True if kb.observations[first]["type"] == "boolean" else kb.observations[first]["values"][0]["value"])
    second = _step(page)
    answered_url = page.url
    assert first in _state(page) and second != first
    page.go_back()
    page.wait_for_selector(f'#wizard-question[data-observation="{first}"]')
    assert first not in _state(page) and _state(page)["symptoms"] == ["cannot_get_mail"]
    assert page.locator(f'.answers li[data-observation="{first}"]').count() == 0
    page.go_back()  # before the symptoms: the area's symptom list, nothing ticked
    page.wait_for_selector("#wizard-symptoms-receive:not([hidden])")
    assert not page.is_checked("#symptom-cannot_get_mail")
    page.go_back()
    page.wait_for_selector("#wizard-areas:not([hidden])")
    page.go_forward()
    page.go_forward()
    page.go_forward()
    page.wait_for_selector(f'#wizard-question[data-observation="{second}"]')
    assert page.url == answered_url
    top = page.get_attribute("#wizard", "data-top")
    page.reload()
    page.wait_for_selector("#wizard[data-ready=true]")
    assert page.url == answered_url and _step(page) == second and page.get_attribute("#wizard", "data-top") == top
    assert watch.errors == [] and watch.foreign == []
    page.context.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_live_region_and_the_sticky_summary_name_the_leader_and_its_first_step(browser, server, kb, lang):
    page, watch = _open(browser, server, lang, PHONE)
    assert page.locator("#wizard-summary").is_hidden()  # nothing to summarise before the first answer
    _choose_symptoms(page, kb, ["cannot_send"])
    expected = _cli({"symptoms": ["cannot_send"]})
    cause, step = expected["causes"][0]["id"], expected["plan"][0]["remedy"]
    cause_title, step_title = kb.causes[cause]["title"][lang], kb.remedies[step]["title"][lang]
    page.wait_for_timeout(200)  # the live region is refilled a moment after the change, so that it is announced
    said = page.inner_text("#wizard-live")
    assert cause_title in said and step_title in said and f"{round(expected['causes'][0]['confidence'] * 100)}%" in said
    # on a phone the summary stays in sight above the question, even scrolled down through a long question
    assert page.get_attribute("#wizard-summary-cause", "data-cause") == cause
    assert page.get_attribute("#wizard-summary-step", "data-remedy") == step
    box = page.locator("#wizard-summary").bounding_box()
    question = page.locator("#wizard-question").bounding_box()
    assert box and question and box["y"] >= 0 and question["y"] < PHONE["height"]  # both in sight, as focus left them
    assert question["y"] >= box["y"] + box["height"] - 1  # above the question, not over it
    for distance in (question["y"] + 150, 250):  # scrolled down through the question, it stays at the top of the screen
        page.mouse.wheel(0, distance)
        page.wait_for_timeout(150)
        box = page.locator("#wizard-summary").bounding_box()
        assert box and abs(box["y"]) <= 1 and box["height"] <= PHONE["height"] / 5, box
    assert watch.errors == [] and watch.foreign == []
    page.context.close()


def test_dont_know_to_every_question_ends_with_general_checks_and_focus_on_the_result(browser, server):
    page, watch = _open(browser, server, "ja", DESKTOP)
    page.click("#wizard-areas [data-dont-know]")
    assert "symptoms" in _state(page)["skip"][0].split(",")
    for _ in range(120):
        if _step(page) == "done":
            break
        page.click("#wizard-skip")
    assert _step(page) == "done"
    assert page.evaluate("document.activeElement.id") == "wizard-result-h"
    skipped = _state(page)["skip"][0].split(",")
    expected = _cli({"unknown": skipped})
    assert expected["next_questions"] == [] and expected["causes"] == []
    # never "no causes, no questions": the general checks, in Apple's order, with something to do
    plan = page.eval_on_selector_all("#wizard-plan > li", "els => els.map(e => e.dataset.remedy)")
    assert plan == [s["remedy"] for s in expected["plan"]] and plan
    assert page.get_attribute("#wizard-plan", "data-general") == "true"
    assert watch.errors == [] and watch.foreign == []
    page.context.close()


def test_a_step_tried_without_success_leaves_the_plan_and_lowers_its_cause(browser, server, kb):
    page, watch = _open(browser, server, "ja", DESKTOP, "?symptoms=cannot_get_mail")
    first = page.get_attribute("#wizard-plan > li:first-child", "data-remedy")
    page.click(f'#wizard-plan button[data-tried="{first}"]')
    assert _state(page)["tried"] == [first]
    plan = page.eval_on_selector_all("#wizard-plan > li", "els => els.map(e => e.dataset.remedy)")
    expected = _cli({"symptoms": ["cannot_get_mail"], "tried": [first]})
    assert first not in plan and plan == [s["remedy"] for s in expected["plan"]]
    assert page.locator(f'#wizard-tried li[data-remedy="{first}"]').count() == 1
    page.wait_for_timeout(200)
    assert kb.remedies[first]["title"]["ja"] in page.inner_text("#wizard-live")
    page.go_back()  # Back undoes it
    page.wait_for_selector(f'#wizard-plan > li:first-child[data-remedy="{first}"]')
    assert watch.errors == [] and watch.foreign == []
    page.context.close()


def test_a_bounce_line_in_the_message_is_read_for_its_codes_as_mailkb_diagnose_reads_it(browser, server, kb):
    """§12: a bounce pasted as the message (an address inside, so no symptom's text matches) still gives its codes."""
    message = "552 5.2.2 <hanako@icloud.com>: user is over quota"
    page, watch = _open(browser, server, "ja", DESKTOP, "?" + urlencode({"error_message": message, "direction": "send"}))
    expected = _cli({"error_message": message, "direction": "send"})
    assert expected["causes"][0]["id"] == "recipient_mailbox_full"
    assert page.get_attribute("#wizard-causes > li:first-child", "data-cause") == "recipient_mailbox_full"
    read = page.inner_text("#wizard-from-message")
    assert f"{kb.observations['enhanced_status_code']['title']['ja']}: 5.2.2" in read
    assert watch.errors == [] and watch.foreign == []
    page.context.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_printing_a_result_prints_every_steps_instructions(browser, server, kb, lang):
    page, watch = _open(browser, server, lang, DESKTOP, "?symptoms=cannot_get_mail&platform=iphone")
    page.wait_for_selector('.plan-steps[data-filled="true"]', state="attached")
    page.emulate_media(media="print")
    steps = steps_document(kb, lang)["remedies"]
    remedies = page.eval_on_selector_all("#wizard-plan > li", "els => els.map(e => e.dataset.remedy)")
    assert remedies
    for index, remedy in enumerate(remedies):
        body = page.locator(f"#plan-steps-{index}")
        assert body.is_visible(), remedy
        expected = steps[remedy]["steps"].get("iphone") or next(iter(steps[remedy]["steps"].values()))
        first_words = html.unescape(re.sub(r"<[^>]+>", "", expected[0]))[:12]
        assert first_words in body.inner_text(), (remedy, first_words)
    assert page.locator("#wizard-question-slot").is_visible() is False or page.locator(".wizard-step:visible").count() == 0
    assert page.locator(".paste-box").is_hidden() and page.locator("#wizard-consult").is_hidden()
    OUTPUT.mkdir(exist_ok=True)
    page.pdf(path=str(OUTPUT / f"wizard-{lang}-print.pdf"), format="A4")
    page.screenshot(path=str(OUTPUT / f"wizard-{lang}-print.png"), full_page=True)
    assert watch.errors == [] and watch.foreign == []
    page.context.close()


def test_the_consultation_copy_holds_no_secret(browser, server):
    page, watch = _open(browser, server, "ja", DESKTOP, permissions=["clipboard-read", "clipboard-write"])
    pasted = "メールを取得できません\nパスワード: Abc123!xyz 確認コードは 123 456 です。 app: abcd-efgh-ijkl-mnop"
    page.fill("#wizard-paste-text", pasted)
    page.click("#wizard-paste-read")
    page.wait_for_selector("#wizard-paste-report[data-kind=alert]")
    page.click("#wizard-copy")
    page.wait_for_selector("#wizard-consult [role=status]:has-text('コピーしました')")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.input_value("#wizard-consult-text")
    assert "メールを取得できません" in copied and "【相談用メモ】" in copied
    for secret in ("Abc123!xyz", "123 456", "abcd-efgh-ijkl-mnop"):
        assert secret not in copied
    assert watch.errors == [] and watch.foreign == []
    page.context.close()


PASTES = [
    "gmail_over_quota.txt",
    "icloud_cs01_paste_ja.txt",
    "docomo_unknown_user_sendmail.txt",
    "outlook_sc004_block.txt",
    "alert_en_cannot_get_mail.txt",
]


@pytest.mark.parametrize("name", PASTES)
def test_the_paste_box_reads_what_mailkb_evidence_reads_and_sends_nothing(browser, server, name):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    expected = read_evidence(text.encode("utf-8"))
    page, watch = _open(browser, server, "ja", PHONE)
    page.focus("#wizard-paste-text")  # fetches the patterns (site data, nothing of the text)
    page.wait_for_load_state("networkidle")
    sent = []
    page.on("request", lambda r: sent.append((r.method, r.url, r.post_data)))
    page.fill("#wizard-paste-text", text)
    page.click("#wizard-paste-read")
    page.wait_for_selector("#wizard-paste-report")
    assert page.get_attribute("#wizard-paste-report", "data-kind") == expected.kind
    assert json.loads(page.get_attribute("#wizard-paste-report", "data-observations")) == expected.observations
    listed = page.eval_on_selector_all(
        "#wizard-paste-report li[data-observation]", "els => els.map(e => [e.dataset.observation, e.dataset.value])"
    )
    assert [(o, json.loads(v)) for o, v in listed] == [(f.observation, f.value) for f in expected.findings]  # each finding, in order
    shown = page.inner_text("#wizard-paste-report")
    for finding in expected.findings:  # codes as they were written, with their line
        if type(finding.value) is int or finding.observation == "enhanced_status_code":
            assert str(finding.value) in shown and f"行 {finding.line}" in shown, finding
    privacy = page.inner_text("#wizard-paste-privacy")
    assert "送信せず" in privacy
    # nothing left the page: no request at all while reading, and the text is in no address
    page.wait_for_timeout(300)
    assert sent == [], sent
    token = next(w for w in re.findall(r"[\w.@-]{6,}", text) if not w.isdigit())
    assert token not in page.url and token not in (page.get_attribute("#wizard-share", "href") or "")
    # reload keeps the paste (in the browser's history entry), and asks the server for nothing that holds it
    page.reload()
    page.wait_for_selector("#wizard-paste-report")
    assert page.input_value("#wizard-paste-text") == text
    assert all(text.strip()[:20] not in (url + (body or "")) for _, url, body in sent) and all(m == "GET" for m, _, _ in sent)
    _shot(page, f"wizard-paste-{name.removesuffix('.txt')}-phone.png")
    assert watch.errors == [] and watch.foreign == []
    page.context.close()


def test_an_explicit_answer_wins_over_the_paste(browser, server, kb):
    text = (FIXTURES / "gmail_over_quota.txt").read_text(encoding="utf-8")
    found = read_evidence(text.encode("utf-8")).observations
    key, value = next((k, v) for k, v in found.items() if kb.observations[k]["type"] == "enum")
    other = next(v["value"] for v in kb.observations[key]["values"] if v["value"] != value)
    page, watch = _open(browser, server, "ja", DESKTOP, f"?{key}={other}")
    page.fill("#wizard-paste-text", text)
    page.click("#wizard-paste-read")
    page.wait_for_selector("#wizard-paste-report .conflict")
    query = {**found, key: other}
    assert page.get_attribute("#wizard", "data-top") == (_cli(query)["causes"] or [{"id": ""}])[0]["id"]
    assert watch.errors == [] and watch.foreign == []
    page.context.close()


@pytest.mark.parametrize("name", list(WALKS))
def test_the_walks_of_issue_8_through_the_page_agree_with_mailkb_diagnose(browser, server, kb, name):
    person, right, _ = WALKS[name]
    page, watch = _open(browser, server, "ja", PHONE)
    query: dict = {}
    if "error_message" in person:
        page.fill("#wizard-paste-text", person["error_message"])
        page.click("#wizard-paste-read")
        page.wait_for_selector("#wizard-paste-report[data-kind=alert]")
        query["error_message"] = person["error_message"]
    asked: list[str] = []
    unknown: list[str] = []
    for _ in range(30):
        step = _step(page)
        if page.get_attribute("#wizard", "data-top") in right or step == "done":
            break
        if step == "area":
            if "symptoms" not in person:
                page.click("#wizard-areas [data-dont-know]")
                asked.append("symptoms")
                unknown.append("symptoms")
                continue
            _choose_symptoms(page, kb, person["symptoms"])
            asked.append("symptoms")
            query["symptoms"] = person["symptoms"]
            continue
        asked.append(step)
        if step in person:
            _answer(page, kb, step, person[step])
            query[step] = person[step]
        else:
            page.click("#wizard-skip")
            unknown.append(step)
    python_asked, _ = _walk(kb, person, right)
    assert asked == python_asked
    expected = _cli({**query, **({"unknown": unknown} if unknown else {})})
    assert expected["causes"][0]["id"] in right
    assert page.get_attribute("#wizard", "data-top") == expected["causes"][0]["id"]
    assert page.eval_on_selector_all("#wizard-plan > li", "els => els.map(e => e.dataset.remedy)") == [
        s["remedy"] for s in expected["plan"]
    ]
    shown = page.inner_text("#wizard-causes > li:first-child .confidence")
    assert shown == f"{round(expected['causes'][0]['confidence'] * 100)}%"
    if name.startswith("Outlook"):
        _shot(page, "wizard-ja-phone-3-walk.png")
    assert watch.errors == [] and watch.foreign == []
    page.context.close()


def test_a_keyboard_alone_reaches_a_result(browser, server, kb):
    page, watch = _open(browser, server, "en", DESKTOP)
    page.focus("#wizard-areas button[value=send]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#wizard-symptoms-send:not([hidden])")
    assert page.evaluate("document.activeElement.id") == "wizard-symptoms-send-h"
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the first symptom of the area
    ticked = page.eval_on_selector_all("#wizard-symptoms-send input:checked", "els => els.map(e => e.value)")
    assert len(ticked) == 1
    page.focus("#wizard-symptoms-send [data-answer]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#wizard-question")
    question = _step(page)
    page.keyboard.press("Tab")  # from the question's heading to its first answer
    if page.evaluate("document.activeElement.tagName") == "INPUT":  # a number: typed, then Enter
        page.keyboard.type(str(kb.observations[question].get("minimum", 1)))
    page.keyboard.press("Enter")
    page.wait_for_selector(f'.answers li[data-observation="{question}"]')
    assert question in _state(page) or question in _state(page).get("skip", [""])[0]
    assert watch.errors == [] and watch.foreign == []
    page.context.close()


@pytest.mark.parametrize(("lang", "scheme"), [("ja", "light"), ("en", "dark")])
def test_axe_finds_nothing_serious_in_any_state_and_nothing_is_wider_than_a_phone(browser, server, kb, lang, scheme):
    script = axe_script()
    context = browser.new_context(bypass_csp=True, color_scheme=scheme, viewport=PHONE)  # axe is injected as an inline script
    page = context.new_page()
    watch = Watch(page, server)
    prefix = "/en" if lang == "en" else ""
    found = []
    states = {
        "start": "",
        "area": "?area=receive",
        "question": "?symptoms=cannot_get_mail&area=receive",
        "result": "?symptoms=cannot_get_mail&platform=iphone&storage_percent_used=100",
    }
    for name, query in states.items():
        page.goto(f"{server}{prefix}/diagnose/{query}")
        page.wait_for_selector("#wizard[data-ready=true]")
        if name == "result":
            page.fill("#wizard-paste-text", (FIXTURES / "gmail_over_quota.txt").read_text(encoding="utf-8"))
            page.click("#wizard-paste-read")
            page.wait_for_selector("#wizard-paste-report")
            page.click("#wizard-plan button[aria-expanded]")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
        page.add_script_tag(path=str(script))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        for violation in result["violations"]:
            if violation["impact"] in ("serious", "critical"):
                found.append(f"{name}: {violation['id']}: {violation['help']} {[n['target'] for n in violation['nodes'][:3]]}")
        if name == "result":
            page.screenshot(path=str(OUTPUT / f"wizard-{lang}-phone-{scheme}-result.png"), full_page=True)
    assert found == []
    assert watch.errors == [] and watch.foreign == []
    context.close()
