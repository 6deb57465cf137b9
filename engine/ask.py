"""`mailkb ask`: a terminal dialogue that asks the next best question until one cause clearly leads.

Works with answers piped in: one answer per line; a number picks a choice, `?` shows how to find
out, an empty line skips the question, `q` (or the end of input) stops.
"""

from __future__ import annotations

from typing import Any, TextIO

from .diagnosis import Diagnosis, diagnose
from .kb import KnowledgeBase
from .planning import round4
from .query import QueryError, allowed_values, validate
from .report import render, title
from .schemas import enum_of

AREAS = enum_of("area")
LEAD_CONFIDENCE = 0.8
LEAD_MARGIN = 0.3
MAX_TRIES = 3
QUIT = {"q", "quit", "exit", "終了", "やめる"}

TEXT = {
    "ja": {
        "intro": "iCloud メールの診断を始めます。番号で答えてください(? で確かめ方、空の Enter で飛ばす、q で終了)。",
        "message": "表示されているエラーメッセージがあれば、そのまま貼り付けてください(なければ Enter):",
        "yes": "はい",
        "no": "いいえ",
        "number": "数値で答えてください({low}〜{high})",
        "list": "当てはまる番号をカンマ区切りで(例: 1,3)",
        "text": "文字で答えてください",
        "invalid": "答えを読み取れませんでした: {error}",
        "now": "現在の見立て",
        "leads": "原因がはっきりしました。",
        "no_more": "これ以上の質問はありません。",
        "none": "まだ原因を絞り込めていません。",
    },
    "en": {
        "intro": "Let's diagnose iCloud Mail. Answer by number (? shows how to find out, empty Enter skips, q quits).",
        "message": "If an error message is shown, paste it here (or press Enter):",
        "yes": "Yes",
        "no": "No",
        "number": "Answer with a number ({low}–{high})",
        "list": "Numbers that apply, separated by commas (e.g. 1,3)",
        "text": "Answer in words",
        "invalid": "Could not read the answer: {error}",
        "now": "Current ranking",
        "leads": "One cause clearly leads.",
        "no_more": "No more questions.",
        "none": "No cause stands out yet.",
    },
}


def clearly_leads(diagnosis: Diagnosis) -> bool:
    """The stopping rule of docs/engine-semantics.md §8."""
    causes = diagnosis.causes
    if not causes or causes[0]["confidence"] < LEAD_CONFIDENCE:
        return False
    return len(causes) == 1 or round4(causes[0]["confidence"] - causes[1]["confidence"]) >= LEAD_MARGIN


class Dialogue:
    """One conversation over text streams."""

    def __init__(
        self, kb: KnowledgeBase, stdin: TextIO, stdout: TextIO, *, lang: str = "ja", backend: str = "durable", order: str = "value"
    ):
        self.kb, self.stdin, self.stdout = kb, stdin, stdout
        self.lang, self.backend, self.order = lang, backend, order
        self.t = TEXT[lang]
        self.answers: dict[str, Any] = {}
        self.skipped: set[str] = set()

    def say(self, text: str = "") -> None:
        print(text, file=self.stdout, flush=True)

    def read(self, prompt: str = "> ") -> str | None:
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.say()
            return None
        line = line.rstrip("\r\n")
        if not _is_terminal(self.stdin):
            self.say(line)  # piped answers: echo them so the transcript reads like a dialogue
        return line

    def run(self) -> Diagnosis:
        self.say(self.t["intro"])
        self.say(self.t["message"])
        message = self.read()
        stopped = message is None or message.strip().lower() in QUIT
        if message and not stopped and message.strip():
            self.answers["error_message"] = message.strip()
        diagnosis = self.diagnose()
        while not stopped:
            if clearly_leads(diagnosis):
                self.say(self.t["leads"])
                break
            question = next((q for q in diagnosis.next_questions if q["observation"] not in self.skipped), None)
            if question is None:
                self.say(self.t["no_more"])
                break
            outcome = self.ask(question["observation"])
            if outcome is None:
                break
            diagnosis = self.diagnose()
            self.show_ranking(diagnosis)
        self.say()
        self.say(render(diagnosis, self.kb, self.lang))
        return diagnosis

    def diagnose(self) -> Diagnosis:
        return diagnose(self.answers, kb=self.kb, backend=self.backend, order=self.order)

    def show_ranking(self, diagnosis: Diagnosis) -> None:
        if not diagnosis.causes:
            self.say(f"  ({self.t['none']})")
            return
        top = ", ".join(f"{title(self.kb, 'cause', c['id'], self.lang)} {round(c['confidence'] * 100)}%" for c in diagnosis.causes[:3])
        self.say(f"  {self.t['now']}: {top}")

    def ask(self, ident: str) -> bool | None:
        """Ask one question; True answered, False skipped, None quit."""
        observation = self.kb.observations[ident]
        choices = self.choices(observation)
        self.say()
        self.say((observation.get("question") or observation["title"])[self.lang])
        for number, (_, label) in enumerate(choices, 1):
            self.say(f"  {number}. {label}")
        if observation["type"] == "number":
            self.say(f"  ({self.t['number'].format(low=observation.get('minimum'), high=observation.get('maximum'))})")
        elif observation["type"] == "symptom_list":
            self.say(f"  ({self.t['list']})")
        elif observation["type"] == "text":
            self.say(f"  ({self.t['text']})")
        for _ in range(MAX_TRIES):
            line = self.read()
            if line is None or line.strip().lower() in QUIT:
                return None
            answer = line.strip()
            if not answer:
                self.skipped.add(ident)
                return False
            if answer == "?":
                self.say((observation.get("how_to_check") or observation["title"])[self.lang].strip())
                continue
            try:
                value = self.parse(observation, choices, answer)
                validate(self.kb, {ident: value})
            except QueryError as err:
                self.say(self.t["invalid"].format(error=err))
                continue
            self.answers[ident] = value
            return True
        self.skipped.add(ident)
        return False

    def choices(self, observation: dict) -> list[tuple[Any, str]]:
        kind = observation["type"]
        if kind == "boolean":
            return [(True, self.t["yes"]), (False, self.t["no"])]
        if kind == "enum":
            labels = {v["value"]: v["label"][self.lang] for v in observation["values"]}
            return [(value, labels[value]) for value in allowed_values(observation)]
        if kind == "symptom_list":
            # grouped by area as the wizard does (receive, send, connect, auth, delivery, security), then by title
            def key(ident: str) -> tuple[int, str]:
                area = self.kb.symptoms[ident].get("area")
                return (AREAS.index(area) if area in AREAS else len(AREAS), title(self.kb, "symptom", ident, self.lang))

            return [(ident, title(self.kb, "symptom", ident, self.lang)) for ident in sorted(self.kb.symptoms, key=key)]
        return []

    def parse(self, observation: dict, choices: list[tuple[Any, str]], answer: str) -> Any:
        kind = observation["type"]
        if kind in ("boolean", "enum"):
            return self.pick(choices, answer)
        if kind == "symptom_list":
            parts = [p for p in answer.replace("、", ",").replace(" ", ",").split(",") if p]
            return [self.pick(choices, part) for part in parts]
        if kind == "number":
            try:
                number = float(answer)
            except ValueError:
                raise QueryError(self.t["number"].format(low=observation.get("minimum"), high=observation.get("maximum"))) from None
            return int(number) if number.is_integer() else number
        return answer

    @staticmethod
    def pick(choices: list[tuple[Any, str]], answer: str) -> Any:
        if answer.isdigit() and 1 <= int(answer) <= len(choices):
            return choices[int(answer) - 1][0]
        for value, label in choices:
            if answer in (str(value), label) or (
                isinstance(value, bool) and answer.lower() in (("yes", "y", "true") if value else ("no", "n", "false"))
            ):
                return value
        raise QueryError(f"choose 1–{len(choices)}")


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def run_dialogue(kb: KnowledgeBase, stdin: TextIO, stdout: TextIO, **options: Any) -> Diagnosis:
    """Run `mailkb ask` over the given streams."""
    return Dialogue(kb, stdin, stdout, **options).run()
