"""Issue 13.1, round 7: how the gate override and the rule veto are chosen from out-of-fold scores
(`triage_policy`) — on rows built here, with the rules' and gates' verdicts given, so each choice can be
checked by hand — and that the shipped triage applies the chosen values."""

from __future__ import annotations

from medtune.chat.triage_policy import NEVER, Scored, choose_override, choose_veto, decide, rates


def _row(label: str, p: float, rules: bool = False, gate: bool = True, category: str = "chest_pain") -> Scored:
    return Scored("s", label, category, p, 0.0, "chest_pain", rules, {"chest_pain": gate, "self_harm": gate})


def test_a_sure_verdict_stands_over_the_gate_only_at_or_above_the_override() -> None:
    gated = _row("emergency", 0.992, gate=False)
    assert not decide(gated, 0.8, 0.9, NEVER)
    assert decide(gated, 0.8, 0.9, 0.99) and not decide(gated, 0.8, 0.9, 0.995)


def test_the_override_is_the_lowest_that_keeps_false_alarms_within_the_allowance() -> None:
    # 10 gated emergencies at 0.999 (caught from 0.999 down); one gated near-miss at 0.985 (a false alarm from
    # 0.98 down) among 100 near-misses: +1 % false alarms is over the 0.5 % allowance, so 0.99 is chosen.
    rows = ([_row("emergency", 0.999, gate=False) for _ in range(10)] + [_row("not_emergency", 0.985, gate=False)]
            + [_row("not_emergency", 0.1) for _ in range(99)])
    assert choose_override(rows, 0.8, 0.9) == 0.99
    assert rates(rows, 0.8, 0.9, 0.99) == (1.0, 0.0)


def test_the_veto_never_costs_a_self_harm_emergency() -> None:
    # A rule-caught self-harm message the model scores 0.03: any veto above 0.03 would lose it, so the highest
    # allowed is 0.02 even though 0.05 would drop the near-miss's rule hit (0.04) too.
    rows = [_row("emergency", 0.03, rules=True, category="self_harm"), _row("not_emergency", 0.04, rules=True)]
    rows += [_row("emergency", 0.9, rules=True) for _ in range(400)]
    assert choose_veto(rows, 0.8, 0.9, NEVER) == 0.02
    assert decide(rows[1], 0.8, 0.9, NEVER, 0.02) and not decide(rows[1], 0.8, 0.9, NEVER, 0.05)


def test_a_self_harm_rule_hit_is_never_vetoed() -> None:
    # Round 8: the self-harm rule's hit stands at any veto, even where the model scores the message 0.01; another
    # flag's rule hit at the same score is dropped by a veto above it.
    self_harm = Scored("s", "emergency", "self_harm", 0.01, 0.0, "self_harm", True,
                       {"self_harm": False}, rules_self_harm=True)
    other = _row("not_emergency", 0.01, rules=True)
    assert decide(self_harm, 0.8, 0.9, NEVER, 0.1) and not decide(other, 0.8, 0.9, NEVER, 0.1)
