"""`mailkb ask`: a terminal dialogue that asks the next best question until none is worth asking (§8).

Works with answers piped in: one answer per line; a number picks a choice, `?` shows how to find out, an empty
line means "don't know" (the question goes to `unknown` and another takes its place), `q` (or the end of input)
stops. At the end it offers to mark plan steps as "done, still broken" (`tried`), which can bring new questions,
and to print the consultation text for Apple Support or the carrier.
"""

from __future__ import annotations

from typing import Any, TextIO

from .consultation import consultation, value_text
from .diagnosis import Diagnosis, diagnose
from .kb import KnowledgeBase
from .query import QueryError, allowed_values, validate
from .questions import clearly_leads
from .report import render, title
from .schemas import enum_of

AREAS = enum_of("area")
MAX_TRIES = 3
TRIED_CHOICES = 8  # plan steps offered as "done, still broken"
QUIT = {"q", "quit", "exit", "終了", "やめる"}
YES = {"y", "yes", "1", "はい"}

TEXT = {
    "ja": {
        "intro": "iCloud メールの診断を始めます。番号で答えてください（? で確かめ方、分からなければ空の Enter、q で終了）。",
        "message": "表示されているエラーメッセージがあれば、そのまま貼り付けてください（なければ Enter）:",
        "read": "メッセージから読み取ったこと:",
        "matched": "当てはまる症状",
        "yes": "はい",
        "no": "いいえ",
        "why": "この質問の理由",
        "number": "数値で答えてください（{low}〜{high}）",
        "list": "当てはまる番号をカンマ区切りで（例: 1,3）",
        "text": "文字で答えてください",
        "invalid": "答えを読み取れませんでした: {error}",
        "now": "現在の見立て",
        "leads": "原因がはっきりしました。",
        "no_more": "これ以上役立つ質問はありません。下の手順を上から試してください。",
        "none": "まだ原因を絞り込めていません。",
        "tried": "上の手順のうち、試しても直らなかったものがあれば番号をカンマ区切りで入力してください（なければ Enter）:",
        "consult": "Apple サポートや通信事業者に相談するための文面を表示しますか?（y で表示、Enter で終了）",
    },
    "en": {
        "intro": "Let's diagnose iCloud Mail. Answer by number (? shows how to find out, empty Enter if you don't know, q quits).",
        "message": "If an error message is shown, paste it here (or press Enter):",
        "read": "Read from the message:",
        "matched": "Matching symptom",
        "yes": "Yes",
        "no": "No",
        "why": "Why this question",
        "number": "Answer with a number ({low}–{high})",
        "list": "Numbers that apply, separated by commas (e.g. 1,3)",
        "text": "Answer in words",
        "invalid": "Could not read the answer: {error}",
        "now": "Current ranking",
        "leads": "One cause clearly leads.",
        "no_more": "No other question would help now. Work through the steps below from the top.",
        "none": "No cause stands out yet.",
        "tried": "If you did any of the steps above and it did not help, enter their numbers separated by commas (or press Enter):",
        "consult": "Show a text to send to Apple Support or your carrier? (y to show, Enter to finish)",
    },
}


class Dialogue:
    """One conversation over text streams."""

    def __init__(
        self, kb: KnowledgeBase, stdin: TextIO, stdout: TextIO, *, lang: str = "ja", backend: str = "durable", order: str = "value"
    ):
        self.kb, self.stdin, self.stdout = kb, stdin, stdout
        self.lang, self.backend, self.order = lang, backend, order
        self.t = TEXT[lang]
        self.answers: dict[str, Any] = {}
        self.unknown: list[str] = []
        self.tried: list[str] = []

    def say(self, text: str = "") -> None:
        print(text, file=self.stdout, flush=True)

    def read(self, prompt: str = "> ") -> str | None:
        self.stdout.write(prompt)
        self.stdout.flush()
        try:
            line = self.stdin.readline()
        except UnicodeDecodeError:
            line = "\n"  # bytes that are not text: taken as no answer
        if not line:
            self.say()
            return None
        line = line.rstrip("\r\n")
        if not _is_terminal(self.stdin):
            self.say(line)  # piped answers: echo them so the transcript reads like a dialogue
        return line

    def query(self) -> dict[str, Any]:
        query: dict[str, Any] = dict(self.answers)
        if self.unknown:
            query["unknown"] = list(self.unknown)
        if self.tried:
            query["tried"] = list(self.tried)
        return query

    def run(self) -> Diagnosis:
        self.say(self.t["intro"])
        self.say(self.t["message"])
        message = self.read()
        stopped = message is None or message.strip().lower() in QUIT
        if message and not stopped and message.strip():
            self.answers["error_message"] = message.strip()
        diagnosis = self.diagnose()
        self.show_read(diagnosis)
        while True:
            if not stopped:
                diagnosis, stopped = self.questions(diagnosis)
            self.say()
            self.say(render(diagnosis, self.kb, self.lang))
            if stopped or not self.ask_tried(diagnosis):
                break
            diagnosis = self.diagnose()
        if not stopped:
            self.offer_consultation(diagnosis)
        return diagnosis

    def questions(self, diagnosis: Diagnosis) -> tuple[Diagnosis, bool]:
        """Ask until no question is left (§8); (the last diagnosis, whether the person quit)."""
        while diagnosis.next_questions:
            if self.ask(diagnosis.next_questions[0]) is None:
                return diagnosis, True
            diagnosis = self.diagnose()
            self.show_ranking(diagnosis)
        self.say(self.t["leads"] if clearly_leads(diagnosis.causes) else self.t["no_more"])
        return diagnosis, False

    def diagnose(self) -> Diagnosis:
        return diagnose(self.query(), kb=self.kb, backend=self.backend, order=self.order)

    def show_read(self, diagnosis: Diagnosis) -> None:
        """What the pasted message told: the symptoms it matches (§2) and what the evidence patterns read in it (§12)."""
        lines = [
            f"  - {self.t['matched']}: {title(self.kb, 'symptom', s['id'], self.lang)}"
            for s in diagnosis.symptoms
            if s["from"] == "error_message"
        ]
        for found in diagnosis.from_evidence or ():
            name = title(self.kb, "observation", found["observation"], self.lang)
            lines.append(f"  - {name}: {value_text(self.kb, found['observation'], found['value'], self.lang)}")
        if lines:
            self.say(self.t["read"])
            for line in lines:
                self.say(line)

    def show_ranking(self, diagnosis: Diagnosis) -> None:
        if not diagnosis.causes:
            self.say(f"  ({self.t['none']})")
            return
        top = ", ".join(f"{title(self.kb, 'cause', c['id'], self.lang)} {round(c['confidence'] * 100)}%" for c in diagnosis.causes[:3])
        self.say(f"  {self.t['now']}: {top}")

    def ask(self, question: dict[str, Any]) -> bool | None:
        """Ask one question; True answered, False "don't know" (added to unknown), None quit."""
        ident = question["observation"]
        observation = self.kb.observations[ident]
        choices = self.choices(observation)
        self.say()
        self.say((observation.get("question") or observation["title"])[self.lang])
        self.say(f"  ({self.t['why']}: {question['why'][self.lang].strip()})")
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
                break
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
        self.unknown.append(ident)
        return False

    def ask_tried(self, diagnosis: Diagnosis) -> bool:
        """Offer the first plan steps as "done, still broken"; whether any was marked."""
        steps = [s["remedy"] for s in diagnosis.plan[:TRIED_CHOICES] if s["remedy"] not in self.tried]
        if not steps:
            return False
        self.say()
        self.say(self.t["tried"])
        for _ in range(MAX_TRIES):
            line = self.read()
            if line is None or not line.strip() or line.strip().lower() in QUIT:
                return False
            parts = [p for p in line.replace("、", ",").replace(" ", ",").split(",") if p]
            if all(p.isdigit() and 1 <= int(p) <= len(steps) for p in parts):
                self.tried += [steps[int(p) - 1] for p in parts if steps[int(p) - 1] not in self.tried]
                return True
            self.say(self.t["invalid"].format(error=f"1–{len(steps)}"))
        return False

    def offer_consultation(self, diagnosis: Diagnosis) -> None:
        self.say()
        self.say(self.t["consult"])
        line = self.read()
        if line is not None and line.strip().lower() in YES:
            self.say()
            self.say(consultation(diagnosis, self.kb, validate(self.kb, self.query()), self.lang))

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
