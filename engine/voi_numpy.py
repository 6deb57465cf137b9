"""The value of information (questions._value) with numpy, for large knowledge bases only.

A diagnosis of the bundled knowledge base scores ~300 answer rows of ~70 causes: plain Python (belief.py) does that
in less time than importing numpy takes. At ten times the size (bench/engine_bench.py's synthetic copy: ~3,000 rows of
~700 causes) plain Python is ~10× slower than these array operations, so `questions._value` hands such states to
this module. Every sum and product runs in the same order as in belief.py and questions.py (elementwise, or
`cumsum`/`cumprod` along a row, which add one element after the other), so both give the same bits
(tests/engine/test_voi_numpy.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .belief import LEAK, SERVICE_MINUTES, answer_weights

if TYPE_CHECKING:
    from .belief import CauseModel, PlanShape
    from .questions import _Candidate, _State


def beliefs(model: CauseModel, remaining: np.ndarray, ruled: np.ndarray, factors: np.ndarray, weak: np.ndarray) -> np.ndarray:
    """belief.belief() for many rows (rows × causes)."""
    a = np.where(ruled, 0.0, (1.0 - remaining) * factors)
    p = np.where(ruled, 0.0, (np.array(model.prior) * factors) * np.where(weak, LEAK, 1.0))
    total_a = np.cumsum(a, axis=1)[:, -1:]
    total_p = np.cumsum(p, axis=1)[:, -1:]
    beta = np.cumprod(np.where(a > 0, 1.0 - a, 1.0), axis=1)[:, -1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        prior_part = p / total_p
        mixed = (1.0 - beta) * (a / total_a) + beta * prior_part
        result = np.where(total_a > 0, mixed, prior_part)
    return np.where(total_p > 0, result, 0.0)


def expected_costs(probabilities: np.ndarray, plan: PlanShape) -> np.ndarray:
    """belief.expected_cost() for many rows."""
    rows = probabilities.shape[0]
    p_fix = np.zeros((rows, len(plan.minutes)))
    for causes, parts in zip(plan.causes, plan.shares, strict=True):  # slot j: a prefix of the internal order
        p_fix[:, : len(causes)] += probabilities[:, np.array(causes, dtype=np.intp)] * np.array(parts)
    tie = np.array(plan.tie, dtype=np.intp)
    p_fix = p_fix[:, tie]
    all_minutes = np.array(plan.minutes)[tie]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(p_fix > 0, p_fix / all_minutes, -np.inf)
    order = np.argsort(-ratio, axis=1, kind="stable")
    p_sorted = np.take_along_axis(p_fix, order, axis=1)
    minutes = np.where(p_sorted > 0, all_minutes[order], 0.0)
    done = np.cumsum(p_sorted, axis=1)
    before = np.concatenate([np.zeros((rows, 1)), done[:, :-1]], axis=1)
    cost = np.cumsum(minutes * (1.0 - before), axis=1)
    total = cost + SERVICE_MINUTES * (1.0 - done)
    return np.minimum(SERVICE_MINUTES, total.min(axis=1, initial=SERVICE_MINUTES))


def value(model: CauseModel, state: _State, candidates: list[_Candidate]) -> None:
    """questions._value() with arrays: every answer of every candidate is a row."""
    n = len(model.ids)
    changed = [row for c in candidates for row in c.rows if row is not None]
    if not changed:
        return
    remaining = np.array([row[0] for row in changed])
    base_ruled = np.zeros(n, dtype=bool)
    base_ruled[list(state.ruled)] = True
    ruled = np.repeat(base_ruled[None, :], len(changed), axis=0)
    for k, row in enumerate(changed):
        if row[1] is not state.ruled:
            ruled[k] = False
            ruled[k, list(row[1])] = True
    weak = np.array([row[2] for row in changed])
    after = beliefs(model, remaining, ruled, np.array(state.factors), weak)
    prior = np.array(state.belief)
    live = prior > 0
    ratios = np.ones((sum(len(c.rows) for c in candidates), n))  # m(a, c) = P_a(c) / P(c); 1 where nothing changes
    where_changed = [k for k, row in enumerate(row for c in candidates for row in c.rows) if row is not None]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios[where_changed] = np.where(live, after / np.where(live, prior, 1.0), 0.0)
    tops = np.maximum(1.0, np.where(live, ratios, 1.0).max(axis=1))
    bases = answer_weights([c.priors for c in candidates], tops)
    weighted = np.array(bases)[:, None] * ratios
    sizes = np.array([len(c.rows) for c in candidates])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    sums = np.zeros((len(candidates), n))
    for j in range(int(sizes.max())):
        having = np.nonzero(sizes > j)[0]
        sums[having] += weighted[starts[having] + j]
    norms = np.repeat(sums, sizes, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        likelihood = np.where(norms > 0, weighted / norms, np.array(bases)[:, None])
        joint = np.where(live, prior * likelihood, 0.0)
        p_answers = np.cumsum(joint, axis=1)[:, -1]
        posteriors = np.where(p_answers[:, None] > 0, joint / p_answers[:, None], joint)
    costs = expected_costs(posteriors, state.plan)
    first = 0
    for candidate in candidates:
        expected = 0.0
        for k in range(first, first + len(candidate.rows)):
            if p_answers[k] > 0:
                expected += float(p_answers[k]) * float(costs[k])
        candidate.value = state.cost - expected
        first += len(candidate.rows)
