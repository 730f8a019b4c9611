"""benchmarks/hallucination_transfer.py: the hand-written set, its fixed split, and the F1 scorer."""

from __future__ import annotations

import json
from collections import Counter

from benchmarks.hallucination_transfer import DATA, f1_hallucinated, parse_source, scores, split_of


def test_set_jsonl_is_exactly_what_source_txt_builds():
    built = parse_source((DATA / "source.txt").read_text(encoding="utf-8"))
    stored = [json.loads(line) for line in (DATA / "set.jsonl").read_text(encoding="utf-8").split("\n") if line]
    assert built == stored


def test_set_is_balanced_varied_and_split_by_question():
    rows = parse_source((DATA / "source.txt").read_text(encoding="utf-8"))
    assert len(rows) >= 120
    labels = Counter(r["label"] for r in rows)
    assert labels["faithful"] == labels["hallucinated"]
    kinds = Counter(r["kind"] for r in rows if r["label"] == "hallucinated")
    assert set(kinds) == {"wrong_number", "reversed_finding", "wrong_population", "invented_entity",
                          "unsupported_claim", "overclaim"}
    assert {r["style"] for r in rows} == {"patient", "clinical"}
    by_group = {}
    for r in rows:  # both answers to one question are on the same side
        assert by_group.setdefault(r["group"], r["split"]) == r["split"] == split_of(r["question"])
    assert {r["split"] for r in rows} == {"dev", "test"}


def test_parse_source_reads_both_answer_forms_and_rejects_junk():
    rows = parse_source("Q: Does X help?\nE: X helped 3 of 10.\nF patient: It helped 3 in 10.\n"
                        "H wrong_number clinical: It helped 9 of 10.\n")
    assert [(r["label"], r["kind"], r["style"]) for r in rows] == [("faithful", "faithful", "patient"),
                                                                   ("hallucinated", "wrong_number", "clinical")]
    assert rows[0]["knowledge"] == ["X helped 3 of 10."] and rows[0]["group"] == rows[1]["group"]
    try:
        parse_source("Q: a\nE: b\nX: c\n")
    except ValueError as exc:
        assert "line 3" in str(exc)
    else:
        raise AssertionError("a junk line was accepted")


def test_f1_of_the_hallucinated_class():
    gold = ["hallucinated", "hallucinated", "faithful", "faithful"]
    assert f1_hallucinated(gold, gold) == 1.0
    assert f1_hallucinated(gold, ["hallucinated"] * 4) == 2 * 2 / (2 * 2 + 2)  # always "hallucinated": 0.667
    assert f1_hallucinated(gold, ["faithful"] * 4) == 0.0
    assert f1_hallucinated(gold, ["hallucinated", "faithful", "hallucinated", "faithful"]) == 0.5


def test_scores_count_each_kind():
    rows = [{"id": "a", "label": "hallucinated", "kind": "overclaim"},
            {"id": "b", "label": "faithful", "kind": "faithful"},
            {"id": "c", "label": "hallucinated", "kind": "wrong_number"}]
    s = scores(rows, {"a": "hallucinated", "b": "hallucinated", "c": "faithful"})
    assert s["kinds"] == {"faithful": (0, 1), "overclaim": (1, 1), "wrong_number": (0, 1)}
    assert s["accuracy"] == 1 / 3 and s["f1"] == 0.5
