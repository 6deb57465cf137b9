"""docs/engine-semantics.md, checked directly: every expected value below is worked out by hand from the document
(the working is in the comments), on knowledge bases small enough to follow, not copied from the engine's output."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from mailkb import KnowledgeBase
from mailkb.diagnosis import diagnose
from mailkb.matching import matcher_for
from mailkb.planning import round4
from mailkb.rulelang import test_value as passes

from .conftest import FIXTURES


def _t(text: str) -> dict:
    return {"ja": text, "en": text}


def tiny_kb(*, observations: dict, causes: dict, remedies: dict, rules: list, guides: dict | None = None) -> KnowledgeBase:
    """A knowledge base held in memory: observations {id: (type, extra)}, causes {id: (prior, [remedies])},
    remedies {id: (minutes, stage)}, rules [(id, when, then)]."""
    kb = KnowledgeBase(root=None, digest="tiny")  # type: ignore[arg-type]
    kb.entities["observation"] = {
        ident: {"id": ident, "type": kind, "title": _t(ident), "question": _t(ident + "?"), "why": _t("why " + ident), "group": "context"}
        | {"cost_minutes": 1}
        | extra
        for ident, (kind, extra) in observations.items()
    }
    kb.entities["cause"] = {
        ident: {"id": ident, "title": _t(ident), "area": "receive", "remedies": listed} | ({"prior": prior} if prior else {})
        for ident, (prior, listed) in causes.items()
    }
    kb.entities["remedy"] = {
        ident: {"id": ident, "title": _t(ident), "stage": stage, "minutes": minutes, "steps": {"any": _t("do it")}}
        for ident, (minutes, stage) in remedies.items()
    }
    kb.entities["guide"] = guides or {}
    kb.rules = [{"id": rid, "when": when, "then": then, "because": _t("because " + rid)} for rid, when, then in rules]
    kb.rule_files = {"topic": {"id": "topic", "title": _t("t"), "rules": kb.rules}}
    kb.rule_topic = {rule["id"]: "topic" for rule in kb.rules}
    return kb


def _run(kb: KnowledgeBase, query: dict[str, Any], **options: Any) -> dict[str, Any]:
    durable = diagnose(query, kb=kb, **options).to_dict()
    reference = diagnose(query, kb=kb, backend="reference", **options).to_dict()
    durable.pop("engine")
    reference.pop("engine")
    assert durable == reference
    return reference


# ---------- round4, §0 ----------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.00125, 0.0013),  # 12.5 + 0.5 = 13 → 0.0013 (truncating would give 0.0012)
        (0.56789, 0.5679),  # 5678.9 + 0.5 → 5679
        (0.56784, 0.5678),  # 5678.4 + 0.5 → 5678
        (0.00004999, 0.0),  # 0.4999 + 0.5 < 1
        (1.0, 1.0),
    ],
)
def test_round4_rounds_half_up(value, expected):
    assert round4(value) == expected


# ---------- §3 one test ----------


def test_true_is_not_one_and_three_is_three_point_oh():
    assert not passes("is", 1, True) and not passes("is", True, 1)
    assert not passes("in", [1, 2], True) and passes("not_in", [1, 2], True)
    assert not passes("gte", 0, True)  # a boolean is not a number for comparisons
    assert passes("is", 3, 3.0) and passes("in", [3.0], 3)
    assert passes("is_not", 1, True)


# ---------- §5 confidence, §6 plan and its order ----------


def _plan_kb(rz_minutes: float = 1.5) -> KnowledgeBase:
    return tiny_kb(
        observations={"b1": ("boolean", {}), "b2": ("boolean", {})},
        causes={"a": (0.2, ["ra", "rc"]), "b": (0.1, ["rz"])},
        remedies={"ra": (10, "receive"), "rc": (1, "network"), "rz": (rz_minutes, "auth")},
        rules=[
            ("suspect_a", {"all": [{"fact": "b1", "is": True}]}, {"suspect": {"cause": "a", "weight": 0.6}}),
            ("suspect_b", {"all": [{"fact": "b2", "is": True}]}, {"suspect": {"cause": "b", "weight": 0.3}}),
        ],
    )


def test_plan_is_ordered_by_p_fix_per_minute_with_stage_then_id_breaking_ties():
    # confidences a 0.6, b 0.3: S = 0.9, P(a) = 2/3, P(b) = 1/3; a's shares [2/3, 1/3], b's [1]
    # p_fix: ra 2/3·2/3 = 0.4444, rc 2/3·1/3 = 0.2222, rz 1/3 = 0.3333
    # score: ra 0.4444/10 = 0.0444, rc 0.2222/1 = 0.2222, rz 0.3333/1.5 = 0.2222 (a tie once rounded)
    # the tie goes to the earlier stage: rz (auth) before rc (network), although "rc" < "rz"
    result = _run(_plan_kb(), {"b1": True, "b2": True})
    assert [(c["id"], c["confidence"]) for c in result["causes"]] == [("a", 0.6), ("b", 0.3)]
    assert [(s["remedy"], s["p_fix"], s["score"], s["for"]) for s in result["plan"]] == [
        ("rz", 0.3333, 0.2222, ["b"]),
        ("rc", 0.2222, 0.2222, ["a"]),
        ("ra", 0.4444, 0.0444, ["a"]),
    ]


def test_plan_by_stages_keeps_the_seven_step_order_first():
    # auth (rz), receive (ra), network (rc): stage first, whatever the scores
    result = _run(_plan_kb(), {"b1": True, "b2": True}, order="stages")
    assert [s["remedy"] for s in result["plan"]] == ["rz", "ra", "rc"]


def test_combined_confidence_and_equal_scores_with_equal_stages_fall_back_to_the_id():
    kb = tiny_kb(
        observations={"b1": ("boolean", {})},
        causes={"a": (0.2, ["r2", "r1"])},
        remedies={"r1": (1, "receive"), "r2": (2, "receive")},
        rules=[
            ("one", {"all": [{"fact": "b1", "is": True}]}, {"suspect": {"cause": "a", "weight": 0.5}}),
            ("two", {"all": [{"fact": "b1", "is": True}]}, {"suspect": {"cause": "a", "weight": 0.6}}),
        ],
    )
    # 1 − (1 − 0.5)(1 − 0.6) = 0.8; shares r2 2/3, r1 1/3 → scores r2 (2/3)/2 = 0.3333, r1 (1/3)/1 = 0.3333: tie, same stage → id
    result = _run(kb, {"b1": True})
    assert result["causes"][0]["confidence"] == 0.8
    assert [s["remedy"] for s in result["plan"]] == ["r1", "r2"]


def test_steps_tried_are_left_out_and_lower_their_cause():
    # tried rc (a's 2nd remedy, share 1/3): factor 1 − 0.9·1/3 = 0.7 → a 0.6·0.7 = 0.42
    # open lists: a [ra] (share 1), b [rz]; S = 0.42 + 0.3 = 0.72 → p_fix ra 0.42/0.72 = 0.5833, rz 0.3/0.72 = 0.4167
    # scores ra 0.0583, rz 0.4167/1.5 = 0.2778
    result = _run(_plan_kb(), {"b1": True, "b2": True, "tried": ["rc"]})
    assert [(c["id"], c["confidence"], c.get("tried")) for c in result["causes"]] == [("a", 0.42, ["rc"]), ("b", 0.3, None)]
    assert [(s["remedy"], s["p_fix"], s["score"]) for s in result["plan"]] == [("rz", 0.4167, 0.2778), ("ra", 0.5833, 0.0583)]


def test_a_cause_whose_only_step_was_tried_keeps_a_tenth_and_no_step():
    # b's only remedy rz, share 1: factor 1 − 0.9 = 0.1 → b 0.3·0.1 = 0.03; its open list is empty
    result = _run(_plan_kb(), {"b2": True, "tried": ["rz"]})
    assert [(c["id"], c["confidence"]) for c in result["causes"]] == [("b", 0.03)]
    assert result["plan"] == []  # no general_checks guide in this knowledge base


def test_general_checks_when_nothing_is_suspected():
    guide = {
        "id": "general_checks",
        "sections": [
            {
                "id": "apple_basic_checks",
                "items": [{"id": "x", "refs": ["remedy:missing", "remedy:rc"]}, {"id": "y", "refs": ["remedy:rz"]}],
            },
            {"id": "seven_steps", "items": [{"id": "z", "refs": ["remedy:rc", "remedy:ra"]}]},
            {"id": "get_help", "items": [{"id": "h", "refs": ["remedy:rz"]}]},
        ],
    }
    kb = _plan_kb()
    kb.entities["guide"] = {"general_checks": guide}
    # item x: 'missing' is no remedy → rc; y → rz; z: rc taken → ra; h: rz taken, nothing left
    result = _run(kb, {})
    assert result["causes"] == []
    assert [(s["remedy"], s["general"], s["p_fix"], s["for"]) for s in result["plan"]] == [
        ("rc", "apple_basic_checks", 0.0, []),
        ("rz", "apple_basic_checks", 0.0, []),
        ("ra", "seven_steps", 0.0, []),
    ]
    # tried rz: skipped in y (tried) but kept in the help section, where tried does not apply
    result = _run(kb, {"tried": ["rz"]})
    assert [(s["remedy"], s["general"]) for s in result["plan"]] == [
        ("rc", "apple_basic_checks"),
        ("ra", "seven_steps"),
        ("rz", "get_help"),
    ]


def test_where_to_get_help_closes_a_plan_for_suspected_causes():
    # §6: b2 suspects b, whose steps give the plan; then the help section (h: ra, not yet in the plan), as a general
    # step. An item whose remedy the plan already has adds nothing (h2: rz is b's own step).
    guide = {
        "id": "general_checks",
        "sections": [
            {"id": "apple_basic_checks", "items": [{"id": "x", "refs": ["remedy:rc"]}]},
            {"id": "get_help", "items": [{"id": "h", "refs": ["remedy:ra"]}, {"id": "h2", "refs": ["remedy:rz"]}]},
        ],
    }
    kb = _plan_kb()
    kb.entities["guide"] = {"general_checks": guide}
    result = _run(kb, {"b2": True})
    assert [c["id"] for c in result["causes"]] == ["b"]
    assert [(s["remedy"], s.get("general")) for s in result["plan"]] == [("rz", None), ("ra", "get_help")]


# ---------- §4 rule-outs ----------


def test_ruled_out_names_the_first_rule_in_firing_order_sorted_by_cause():
    kb = tiny_kb(
        observations={"b1": ("boolean", {}), "b2": ("boolean", {}), "d": ("boolean", {"derived": True})},
        causes={"x": (0.1, ["ra"]), "w": (0.1, ["ra"])},
        remedies={"ra": (1, "receive")},
        rules=[
            ("late_x", {"all": [{"fact": "d", "is": True}]}, {"rule_out": "x"}),  # index 0, but waits for d
            ("early_x", {"all": [{"fact": "b2", "is": True}]}, {"rule_out": "x"}),  # index 1: fires first
            ("derive_d", {"all": [{"fact": "b1", "is": True}]}, {"derive": {"d": True}}),  # index 2
            ("out_w", {"all": [{"fact": "b1", "is": True}]}, {"rule_out": "w"}),  # index 3
        ],
    )
    # holding at the start: 1, 2, 3. Fire 1 (early_x), 2 (derive d: now 0 holds), 0 (late_x), 3 (out_w)
    result = _run(kb, {"b1": True, "b2": True})
    assert result["trace"] == ["early_x", "derive_d", "late_x", "out_w"]
    assert result["ruled_out"] == [{"id": "w", "rule": "out_w"}, {"id": "x", "rule": "early_x"}]


# ---------- §7 the value of a question ----------


def _question_kb() -> KnowledgeBase:
    return tiny_kb(
        observations={"q": ("boolean", {})},
        causes={"a": (0.3, ["ra"]), "b": (0.1, ["rb"])},
        remedies={"ra": (10, "receive"), "rb": (2, "network")},
        rules=[("q_points_to_a", {"all": [{"fact": "q", "is": True}]}, {"suspect": {"cause": "a", "weight": 0.9}})],
    )


def test_the_value_of_a_question_worked_by_hand():
    # §7.1 nothing known: P = priors normalized: a 0.3/0.4 = 3/4, b 1/4.
    # §7.2 p(ra) = 3/4, p(rb) = 1/4; by p/minutes rb (0.125) before ra (0.075):
    #   k=1 rb: cost 2, done 1/4, total 2 + 60·3/4 = 47;  k=2 ra: cost 2 + 10·3/4 = 9.5, done 1, total 9.5  → ECR₀ = 9.5
    # q = true fires q_points_to_a: a(a) = 0.9, β = 0.1, P_T(a) = 0.9 + 0.1·3/4 = 39/40, P_T(b) = 0.1·1/4 = 1/40
    # q = false changes nothing: m = 1.  m(T, a) = 13/10, m(T, b) = 1/10
    # b'(T) = min(1/2, 1/(13/10)) = 1/2, b'(F) = 1/2
    # N(a) = 1/2·13/10 + 1/2 = 23/20, N(b) = 1/2·1/10 + 1/2 = 11/20
    # ℓ(T|a) = 13/23, ℓ(F|a) = 10/23, ℓ(T|b) = 1/11, ℓ(F|b) = 10/11
    # P(T) = 3/4·13/23 + 1/4·1/11 = 0.44664, P(F) = 0.55336
    # Q_T = (a 0.94912, b 0.05088): ra first (0.0949 > 0.0254): ECR = 10 + 2·0.05088 = 10.10177
    # Q_F = (a 0.58929, b 0.41071): rb first (0.2054 > 0.0589): ECR = 2 + 10·0.58929 = 7.89286
    # value = 9.5 − (0.44664·10.10177 + 0.55336·7.89286) = 157/253 = 0.62055 → 0.6206; cost 1 → score 0.6206
    result = _run(_question_kb(), {})
    assert result["next_questions"] == [
        {
            "observation": "q",
            "score": 0.6206,
            "value": 0.6206,
            "cost_minutes": 1,
            "rules": ["q_points_to_a"],
            "why": _t("why q"),
            "changes_leader": True,  # nothing leads now; q = true puts a first
        }
    ]


def test_a_rare_answer_is_bounded_by_bayes_rule():
    # prior_true 0.9 would make q = true common, but the inference says it multiplies a's probability by 13/10:
    # b'(T) = min(0.9, 10/13) = 0.76923, b'(F) = min(0.1, 1) = 0.1 → β(T) = 0.76923/0.86923 = 0.88496
    kb = _question_kb()
    kb.observations["q"]["prior_true"] = 0.9
    # N(a) = 0.88496·1.3 + 0.11504 = 1.26549; ℓ(T|a) = 1.15044/1.26549 = 0.90909, ℓ(F|a) = 0.09091
    # N(b) = 0.08850 + 0.11504 = 0.20354; ℓ(T|b) = 0.43478, ℓ(F|b) = 0.56522
    # P(T) = 3/4·0.90909 + 1/4·0.43478 = 0.79052; Q_T(a) = 0.68182/0.79052 = 0.8625 → ra first: ECR 10 + 2·0.1375 = 10.275
    # P(F) = 0.20948; Q_F(a) = 0.06818/0.20948 = 0.32547 → rb first: ECR 2 + 10·0.32547 = 5.25472
    # value = 9.5 − (0.79052·10.275 + 0.20948·5.25472) = 9.5 − (8.12259 + 1.10076) = 0.27665 (exactly 70/253) → 0.2767
    result = _run(kb, {})
    assert [(q["observation"], q["value"]) for q in result["next_questions"]] == [("q", 0.2767)]


def test_a_question_few_can_answer_is_worth_only_their_share():
    # §7.4 step 6: the same question as above (value 157/253 = 0.62055), answerable by 0.3 of people, 2 minutes:
    # score = 0.62055 × 0.3 / 2 = 0.09308 → 0.0931; the value itself is unchanged
    kb = _question_kb()
    kb.observations["q"] |= {"answerable": 0.3, "cost_minutes": 2}
    result = _run(kb, {})
    assert [(q["observation"], q["value"], q["score"]) for q in result["next_questions"]] == [("q", 0.6206, 0.0931)]


def test_an_answerable_question_goes_before_a_more_valuable_one_few_can_answer():
    # two copies of the question of the worked example, pointing at different causes of the same shape; the one
    # with the larger share of people who can answer comes first although both have the same value
    kb = tiny_kb(
        observations={"code": ("boolean", {"answerable": 0.2}), "plain": ("boolean", {"answerable": 0.9})},
        causes={"a": (0.3, ["ra"]), "b": (0.1, ["rb"])},
        remedies={"ra": (10, "receive"), "rb": (2, "network")},
        rules=[
            ("code_points_to_a", {"all": [{"fact": "code", "is": True}]}, {"suspect": {"cause": "a", "weight": 0.9}}),
            ("plain_points_to_a", {"all": [{"fact": "plain", "is": True}]}, {"suspect": {"cause": "a", "weight": 0.9}}),
        ],
    )
    questions = _run(kb, {})["next_questions"]
    assert [(q["observation"], q["value"], q["score"]) for q in questions] == [("plain", 0.6206, 0.5585), ("code", 0.6206, 0.1241)]


def _two_questions_kb() -> KnowledgeBase:
    return tiny_kb(
        observations={"qa": ("boolean", {}), "qb": ("boolean", {})},
        causes={"a": (0.3, ["ra"]), "b": (0.1, ["rb"])},
        remedies={"ra": (10, "receive"), "rb": (2, "network")},
        rules=[
            ("qa_points_to_a", {"all": [{"fact": "qa", "is": True}]}, {"suspect": {"cause": "a", "weight": 0.9}}),
            ("qb_points_to_b", {"all": [{"fact": "qb", "is": True}]}, {"suspect": {"cause": "b", "weight": 0.9}}),
        ],
    )


def test_a_knowledge_base_too_large_scores_only_the_questions_nearest_the_likely_causes(monkeypatch):
    # §7.6: two questions of two answers over two causes are 8 cells; a bound of 4 leaves room for one question,
    # the one whose rule suspects the likelier cause (a: 0.3/0.4 = 3/4 against b: 1/4)
    import mailkb.questions as questions

    assert sorted(q["observation"] for q in _run(_two_questions_kb(), {})["next_questions"]) == ["qa", "qb"]
    monkeypatch.setattr(questions, "BOUNDED_CELLS", 4)
    assert [q["observation"] for q in _run(_two_questions_kb(), {})["next_questions"]] == ["qa"]


def test_the_bundled_knowledge_base_is_never_bounded(real_kb):
    # the wizard scores every question: §7.6 must never apply to the knowledge base it runs on. Nothing answered is
    # the widest state (every question can be in reach), and even that stays far below the bound.
    from mailkb.questions import BOUNDED_CELLS, question_model

    answers = sum(len(found) for found in question_model(real_kb).answers.values())
    assert answers * len(real_kb.causes) * 10 < BOUNDED_CELLS


def test_dont_know_is_an_answer_and_a_question_never_returns():
    assert _run(_question_kb(), {"unknown": ["q"]})["next_questions"] == []
    assert _run(_question_kb(), {"q": False})["next_questions"] == []


def test_unknown_stays_unanswered_for_the_rules():
    kb = tiny_kb(
        observations={"q": ("boolean", {})},
        causes={"a": (0.3, ["ra"])},
        remedies={"ra": (1, "receive")},
        rules=[("while_q_is_open", {"all": [{"fact": "q", "answered": False}]}, {"suspect": {"cause": "a", "weight": 0.5}})],
    )
    assert [c["id"] for c in _run(kb, {"unknown": ["q"]})["causes"]] == ["a"]
    assert _run(kb, {"q": True})["causes"] == []


def test_a_clear_leader_keeps_only_questions_that_could_change_it():
    kb = _question_kb()
    kb.observations["r"] = dict(kb.observations["q"], id="r", why=_t("why r"))
    kb.rules.append(
        {"id": "r_points_to_b", "when": {"all": [{"fact": "r", "is": True}]}, "then": {"suspect": {"cause": "b", "weight": 0.95}}}
    )
    kb.rules.append({"id": "r_also_a", "when": {"all": [{"fact": "r", "is": False}]}, "then": {"suspect": {"cause": "a", "weight": 0.1}}})
    # q = true: a 0.9 alone is clear (§8). r = true would put b (0.95) first → r is kept; nothing else is asked
    result = _run(kb, {"q": True})
    assert [(c["id"], c["confidence"]) for c in result["causes"]] == [("a", 0.9)]
    assert [(q["observation"], q["changes_leader"]) for q in result["next_questions"]] == [("r", True)]


# ---------- §2 matching: the 「…」 placeholder and the partial paste (current documented behaviour) ----------


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # form A 'imapアカウント仕事用のパスワドを…' contains no pattern; form B puts U+E000 for 「仕事用」 as the pattern's B does for “iCloud”
        ("IMAPアカウント「仕事用」のパスワードを入力してください", ["reenter_password"]),
        # a partial paste: the pattern's form A 'imapアカウントicloudのパスワドを入力してください' has 29 characters;
        # 18 (≥ 8 and ≥ 0.6·29 = 17.4) match, 17 do not
        ("IMAPアカウント“iCloud”のパス", ["reenter_password"]),
        ("IMAPアカウント“iCloud”のパ", []),
        # 13-character 'サバへの接続に失敗しました': 8 characters (≥ 7.8) match; 7 are too short for a partial paste
        ("サーバへの接続に失", ["cannot_connect_server"]),
        ("サーバへの接続に", []),
    ],
)
def test_matching_placeholder_and_partial_paste(basic_kb, message, expected):
    assert matcher_for(basic_kb).match(message) == expected


# ---------- the durable-rules sentinel (reference/durable-rules.md §3.2) ----------

CLOSE_AFTER_NO_FIRE = """
import sys
from mailkb import load_kb
from mailkb.backends.durable import DurableBackend
from mailkb.errors import BackendError
backend = DurableBackend(load_kb(sys.argv[1]))
assert backend.run({}) == [], "the query must fire no rule"
backend.close()
try:
    backend.run({})
except BackendError:
    print("closed cleanly")
"""


def test_closing_after_a_query_that_fires_no_rule_does_not_abort(tmp_path):
    """Without the sentinel rule, deleting a session in which no action ran frees an invalid pointer (exit 134)."""
    done = subprocess.run(
        [sys.executable, "-c", CLOSE_AFTER_NO_FIRE, str(FIXTURES / "basic")], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "closed cleanly"
