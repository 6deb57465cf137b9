"""The site on a phone and on paper, in Chromium: what the first screen shows, tables as cards, nothing wider than
the screen, no squeezed column, a check sheet that prints as a sheet, and print that ignores dark mode."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .browser import Watch

REPO = Path(__file__).resolve().parents[2]
OUTPUT = REPO / "test-output"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LAYOUT_PAGES = [
    "/",
    "/symptoms/cannot_get_mail/",
    "/causes/sender_reputation/",
    "/tables/messages/",
    "/tables/isolation/",
    "/tables/checksheet/",
    "/carriers/docomo/",
    "/guides/lock_checklist/",
    "/reference/server_settings/",
    "/platforms/iphone/",
    "/search/?q=%E3%83%A1%E3%83%BC%E3%83%AB%E3%82%92%E5%8F%96%E5%BE%97%E3%81%A7%E3%81%8D%E3%81%BE%E3%81%9B%E3%82%93",
]
# every element inside the viewport; every table cell with text at least ~8 characters wide (8 em); the headings of a
# table shown as cards are visually hidden (clipped to 1 px; each cell carries its label), so they are not measured
LAYOUT = """() => {
  const width = window.innerWidth, wide = [], narrow = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    if (!box.width || style.display === 'none' || style.visibility === 'hidden' || el.closest('table.cards thead, .visually-hidden')) continue;
    if (box.right > width + 1) wide.push(`${el.tagName}.${el.className} right=${Math.round(box.right)}`);
    if ((el.tagName === 'TD' || el.tagName === 'TH') && el.textContent.trim()
        && box.width < 8 * parseFloat(style.fontSize)) narrow.push(`${el.tagName} ${Math.round(box.width)}px ${el.textContent.trim().slice(0, 16)}`);
  }
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5), narrow: narrow.slice(0, 5)};
}"""


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(("device", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_nothing_is_wider_than_the_screen_and_no_column_is_squeezed(browser, server, lang, device, viewport):
    page = browser.new_page(viewport=viewport)
    watch = Watch(page, server)
    for path in LAYOUT_PAGES:
        page.goto(server + ("/en" if lang == "en" else "") + path)
        if path.startswith("/search/"):
            page.wait_for_selector("body[data-search-done]")
        found = page.evaluate(LAYOUT)
        assert found["scroll"] <= found["width"] and found["wide"] == [], (path, found)
        if device == "phone":
            assert found["narrow"] == [], (path, found)
    assert watch.errors == [] and watch.foreign == []
    page.close()


def _in_first_screen(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] + box["height"] <= PHONE["height"]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_first_screen_of_the_home_page_is_search_and_the_common_symptoms(browser, server, lang):
    page = browser.new_page(viewport=PHONE)
    page.goto(server + ("/en/" if lang == "en" else "/"))
    assert page.locator("input[type=search]:visible").count() == 1
    assert _in_first_screen(page, "#home-q") and _in_first_screen(page, 'a[href$="/diagnose/"].button')
    first = page.locator(".common-symptoms a").first
    assert first.get_attribute("href").endswith("/symptoms/cannot_get_mail/") and _in_first_screen(page, ".common-symptoms li:nth-child(3)")
    assert page.locator("h1").inner_text() != page.locator(".brand").inner_text()
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{lang}-home-phone.png"))
    # one tap from the home page to the page for 「メールを取得できません」
    first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/symptoms/cannot_get_mail/")
    page.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_symptom_page_leads_with_what_to_do_and_keeps_the_reasoning_collapsed(browser, server, lang):
    page = browser.new_page(viewport=PHONE)
    page.goto(server + ("/en" if lang == "en" else "") + "/symptoms/cannot_get_mail/")
    checks = page.locator("#first-checks").bounding_box()
    assert checks and checks["y"] < 2 * PHONE["height"]  # within two screens (it was about 2.5 screens down)
    assert page.locator("#first-checks + ol > li").count() == 3
    assert page.locator("details.reasoning").get_attribute("open") is None
    assert not page.locator("details.reasoning .rules").first.is_visible()  # conditions and weights only when opened
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{lang}-symptom-phone-first-screen.png"))
    page.locator("details.reasoning > summary").click()
    assert page.locator("details.reasoning .rules").first.is_visible()
    page.close()


def test_a_table_page_on_a_phone(browser, server):
    page = browser.new_page(viewport=PHONE)
    page.goto(server + "/tables/isolation/")
    row = page.locator("#rule-isolation_device_only")
    assert row.evaluate("el => getComputedStyle(el).display") == "block"  # a card, not a table row
    assert "はい または 未確認" in row.inner_text()
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "ja-table-phone.png"))
    page.close()


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_check_sheet_prints_as_a_few_a4_pages_with_boxes(browser, server, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(server + "/tables/checksheet/")
    page.emulate_media(media="print", color_scheme=scheme)
    assert _pdf_pages(page.pdf(format="A4", print_background=True)) <= 8  # it printed 24 pages
    boxes = page.locator("table.checksheet input[type=checkbox]")
    assert boxes.count() > 100 and boxes.first.is_visible()
    urls_in_cells = page.evaluate(
        "[...document.querySelectorAll('table.checksheet a')].filter(a => getComputedStyle(a, '::after').content.includes('http')).length"
    )
    assert urls_in_cells == 0
    context.close()


def test_printing_from_dark_mode_prints_light(browser, server):
    """No dark box on paper: every background is white (or transparent) and the text is black."""
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    # search results mark their hits on a dark yellow in dark mode: that box must not reach paper
    for path in ("/symptoms/cannot_get_mail/", "/causes/storage_full/", "/tables/messages/", "/search/?q=%E5%8F%96%E5%BE%97"):
        page.goto(server + path)
        if path.startswith("/search/"):
            page.wait_for_selector("body[data-search-done]")
        page.emulate_media(media="print", color_scheme="dark")
        dark = page.evaluate(
            """() => [...document.querySelectorAll('body, body *')].filter(el => el.checkVisibility())
                 .map(el => getComputedStyle(el).backgroundColor)
                 .filter(c => { const m = c.match(/\\d+(\\.\\d+)?/g); if (!m) return false; const [r, g, b, a] = m.map(Number);
                                return (a === undefined || a > 0) && (r + g + b) / 3 < 200; })"""
        )
        assert dark == [], (path, dark[:3])
        assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    context.close()
