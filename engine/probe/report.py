"""The probe's output: a step list printed as it runs, what it means, and the JSON contract (`--json`)."""

from __future__ import annotations

import unicodedata
from typing import Any, TextIO

from .runner import ProbeResult, ProbeSettings
from .step import FAIL, PASS, SKIP, Step
from .words import LABELS, MEANINGS, NAMES, detail

MARKS = {PASS: "✓", FAIL: "✗", SKIP: "-"}
_NAME_WIDTH = 26


def as_json(result: ProbeResult, lang: str = "ja") -> dict[str, Any]:
    """`{"steps": [{"id", "target", "name", "status", "ms", "detail", "reply"}], "observations": {…}}`."""
    return {
        "steps": [
            {
                "id": step.id,
                "target": step.target,
                "name": NAMES[lang][step.kind],
                "status": step.status,
                "ms": step.ms,
                "detail": detail(step.note, lang),
                "reply": step.reply,
            }
            for step in result.steps
        ],
        "observations": dict(result.observations),
    }


class TextReport:
    """The terminal report: call `header()`, then `step()` as each step ends, then `footer()`."""

    def __init__(self, out: TextIO, settings: ProbeSettings, lang: str = "ja"):
        self.out, self.settings, self.lang = out, settings, lang
        self._current: str | None = None

    def _print(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def header(self) -> None:
        self._print(f"mailkb probe: {LABELS[self.lang]['title']}")

    def step(self, step: Step) -> None:
        if step.target != self._current:
            self._current = step.target
            target = self.settings.imap if step.target == "imap" else self.settings.smtp
            self._print()
            self._print(f"{LABELS[self.lang][step.target]}  {target.label}")
        name = NAMES[self.lang][step.kind]
        if step.status == SKIP:  # the reason is the failure just above
            self._print(f"  {MARKS[step.status]} {_pad(name, _NAME_WIDTH)} {' ' * 9}  {LABELS[self.lang]['skipped']}")
            return
        self._print(f"  {MARKS[step.status]} {_pad(name, _NAME_WIDTH)} {step.ms:>6} ms  {detail(step.note, self.lang)}")

    def footer(self, result: ProbeResult, titles: dict[str, str]) -> None:
        words = LABELS[self.lang]
        self._print()
        self._print(f"{words['meaning']}:")
        for paragraph in meanings(result, self.lang):
            self._print(f"  {paragraph}")
        if result.observations:
            self._print()
            self._print(f"{words['observations']}:")
            for ident, value in result.observations.items():
                title = titles.get(ident)
                self._print(
                    f"  {ident} = {'true' if value else 'false'}" + (f"  ({title}: {words['true' if value else 'false']})" if title else "")
                )
        self._print()
        self._print(words["total"].format(seconds=f"{result.seconds:.1f}"))
        self._print(words["next"])


def meanings(result: ProbeResult, lang: str) -> list[str]:
    """What the failures mean, one paragraph per kind of problem (or the all-clear)."""
    texts = MEANINGS[lang]
    failures = [step for step in result.steps if step.status == FAIL]
    if not failures:
        return [texts["all_passed"]]
    paragraphs: list[str] = []
    for step in failures:
        known = [signal for signal in sorted(step.signals) if signal in texts]
        for signal in known:
            if texts[signal] not in paragraphs:
                paragraphs.append(texts[signal])
        if not known:
            name = f"{LABELS[lang][step.target]} {NAMES[lang][step.kind]}"
            paragraphs.append(texts["other"].format(step=name, detail=detail(step.note, lang)))
    return paragraphs


def _pad(text: str, width: int) -> str:
    """`text` padded to `width` terminal columns (East Asian wide characters take two)."""
    columns = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - columns, 0)
