"""Expert review storage: redaction, ratings from several reviewers, agreement, human vs automatic, CSV."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from medtune.errors import DataError
from medtune.eval.review import ReviewStore, split_sentences
from medtune.eval.runner import evaluate

ANSWER = "Aspirin lowers the risk of a second heart attack. It cures cancer. Ask your doctor before starting it."


@pytest.fixture
def store(tmp_path: Path) -> ReviewStore:
    return ReviewStore(tmp_path / "review.sqlite")


def test_items_are_redacted_before_they_are_stored(store: ReviewStore) -> None:
    pytest.importorskip("medtune.data.phi")
    item_id = store.add_item("Call Dr. Smith at 555-123-4567 or mail jane.doe@example.com. Rest well.",
                             question="My MRN: 12345678, what now?")
    raw = sqlite3.connect(store.path).execute("SELECT answer, question, redactions FROM items").fetchone()
    assert "555-123-4567" not in raw[0] and "jane.doe@example.com" not in raw[0] and "12345678" not in raw[1]
    assert raw[2] >= 3
    (item,) = store.items()
    assert item["id"] == item_id and item["sentences"][-1] == "Rest well."


def test_several_reviewers_rate_and_agreement_is_computed(store: ReviewStore) -> None:
    ids = [store.add_item(f"Answer number {i}. It is short.", item_id=f"i{i}", redact=False) for i in range(6)]
    # factual judgements: r1 and r2 agree on 5 of 6 items; r3 rates the first four
    r1 = [True, True, False, False, True, True]
    r2 = [True, True, False, False, True, False]
    r3 = [True, False, False, False]
    for who, marks in (("r1", r1), ("r2", r2), ("r3", r3)):
        for item_id, ok in zip(ids, marks):
            store.rate(item_id, who, factually_correct=ok, clarity=4, patient_friendliness=3 if ok else 2)
    assert len(store.ratings()) == 16 and len(store.ratings(item_id="i0")) == 3

    agreement = store.agreement()
    fc = agreement["factually_correct"]
    assert agreement["n_items_multi_rated"] == 6
    # pairs: r1–r2 5/6, r1–r3 3/4, r2–r3 3/4
    assert fc["pairwise_agreement"]["value"] == pytest.approx((5 / 6 + 3 / 4 + 3 / 4) / 3)
    pairs = {(p["rater_a"], p["rater_b"]): p for p in fc["pairs"]["value"]}
    # r1 vs r2: observed 5/6; P(r1 true) = 4/6, P(r2 true) = 3/6 → chance = 4/6·3/6 + 2/6·3/6 = 1/2 → κ = 2/3
    assert pairs[("r1", "r2")]["cohen_kappa"] == pytest.approx((5 / 6 - 0.5) / 0.5)
    assert fc["fleiss_kappa"]["value"] is not None
    assert agreement["clarity"]["pairwise_agreement"]["value"] == 1.0
    assert agreement["clarity"]["cohen_kappa"]["value"] is None  # everyone said 4: kappa undefined


def test_rerating_replaces_and_bad_ratings_are_refused(store: ReviewStore) -> None:
    item_id = store.add_item(ANSWER, redact=False)
    assert split_sentences(ANSWER)[1] == "It cures cancer."
    store.rate(item_id, "dr_a", factually_correct=False, unsupported_sentences=[1], clarity=3, patient_friendliness=4,
               comment="sentence 2 is false")
    again = store.rate(item_id, "dr_a", factually_correct=False, unsupported_sentences=[1, 1], clarity=2,
                       patient_friendliness=4)
    assert again["clarity"] == 2 and again["unsupported_sentences"] == [1] and len(store.ratings()) == 1
    with pytest.raises(DataError, match="clarity must be from 1 to 5"):
        store.rate(item_id, "dr_b", factually_correct=True, clarity=6, patient_friendliness=3)
    with pytest.raises(DataError, match=r"indices \[3\] out of range 0–2"):
        store.rate(item_id, "dr_b", factually_correct=True, unsupported_sentences=[3], clarity=3, patient_friendliness=3)
    with pytest.raises(DataError, match="reviewer's name"):
        store.rate(item_id, "  ", factually_correct=True, clarity=3, patient_friendliness=3)
    with pytest.raises(DataError, match="does not exist"):
        store.rate("nope", "dr_b", factually_correct=True, clarity=3, patient_friendliness=3)
    assert len(store.ratings()) == 1
    assert [q["id"] for q in store.queue("dr_b")] == [item_id] and store.queue("dr_a") == []


def test_human_versus_automatic_hallucination_rate(store: ReviewStore) -> None:
    auto = [True, True, False, False, False]
    for i, flag in enumerate(auto):
        store.add_item(f"Answer {i}. More text.", item_id=f"a{i}", auto_hallucinated=flag, redact=False)
    store.add_item("Not judged automatically.", item_id="manual", redact=False)
    # human majority: a0 yes (2 of 2), a1 tie → hallucinated, a2 no, a3 yes via an unsupported sentence, a4 no
    store.rate("a0", "x", factually_correct=False, clarity=3, patient_friendliness=3)
    store.rate("a0", "y", factually_correct=False, clarity=3, patient_friendliness=3)
    store.rate("a1", "x", factually_correct=True, clarity=3, patient_friendliness=3)
    store.rate("a1", "y", factually_correct=False, clarity=3, patient_friendliness=3)
    store.rate("a2", "x", factually_correct=True, clarity=3, patient_friendliness=3)
    store.rate("a3", "x", factually_correct=True, unsupported_sentences=[0], clarity=3, patient_friendliness=3)
    store.rate("a4", "x", factually_correct=True, clarity=3, patient_friendliness=3)
    store.rate("manual", "x", factually_correct=False, clarity=3, patient_friendliness=3)
    r = store.hallucination_comparison()
    assert r["n_both"] == 5 and r["n_rated"] == 6 and r["n_automatic"] == 5
    assert r["human_rate_on_shared"] == pytest.approx(3 / 5) and r["automatic_rate_on_shared"] == pytest.approx(2 / 5)
    assert r["human_rate"] == pytest.approx(4 / 6)
    assert r["agreement"] == pytest.approx(4 / 5)  # they differ on a3 only
    # human yes 3/5, auto yes 2/5; observed 4/5; chance = .6·.4 + .4·.6 = .48 → κ = (.8 − .48) / .52
    assert r["cohen_kappa"] == pytest.approx((0.8 - 0.48) / 0.52)


def test_csv_round_trip_and_all_or_nothing_import(store: ReviewStore, tmp_path: Path) -> None:
    item_id = store.add_item(ANSWER, question="Is aspirin a cure?", redact=False)
    store.rate(item_id, "dr_a", factually_correct=False, unsupported_sentences=[1, 2], clarity=4,
               patient_friendliness=5, comment='says "cures", wrong')
    store.rate(item_id, "dr_b", factually_correct=True, clarity=3, patient_friendliness=3)
    out = tmp_path / "ratings.csv"
    assert store.export_csv(out) == 2

    fresh = ReviewStore(tmp_path / "other.sqlite")
    assert fresh.import_csv(out) == {"ratings": 2, "new_items": 1}
    strip = lambda rs: [{k: v for k, v in r.items() if k != "rated_at"} for r in rs]  # noqa: E731
    assert strip(fresh.ratings()) == strip(store.ratings())
    assert [r["rated_at"] for r in fresh.ratings()] == [r["rated_at"] for r in store.ratings()]

    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    rows.append({**rows[0], "reviewer": "dr_c", "clarity": "9"})
    bad = tmp_path / "bad.csv"
    with bad.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    third = ReviewStore(tmp_path / "third.sqlite")
    with pytest.raises(DataError, match="line 4: clarity must be from 1 to 5"):
        third.import_csv(bad)
    assert third.ratings() == [] and third.items() == []  # nothing half-imported


def test_items_from_an_evaluation_and_a_chat_log(store: ReviewStore, shared_data: Path, tmp_path: Path) -> None:
    pytest.importorskip("medtune.data.phi")
    evaluate("majority", "medhallu", "dev", tmp_path / "ev", n_boot=0, limit=6)
    ids = store.add_from_evaluation(tmp_path / "ev")
    items = {i["id"]: i for i in store.items()}
    assert len(ids) == 6 and all(items[i]["source"] == "eval" and items[i]["evidence"] for i in ids)
    preds = [json.loads(x) for x in (tmp_path / "ev" / "predictions.jsonl").read_text().split("\n") if x]
    assert [items[f"eval-{p['id']}"]["auto_hallucinated"] for p in preds] == [p["pred"] == "hallucinated" for p in preds]

    log = tmp_path / "chat.jsonl"
    log.write_text(json.dumps({"messages": [{"role": "user", "content": "I am John, call 555-987-6543. Fever?"},
                                            {"role": "assistant", "content": "Rest and drink fluids."}],
                               "trust": 0.2}) + "\n")
    (chat_id,) = store.add_from_chat_log(log)
    chat = next(i for i in store.items() if i["id"] == chat_id)
    assert chat["auto_hallucinated"] is True and "555-987-6543" not in chat["question"]
    with pytest.raises(DataError, match="only generated answers"):
        evaluate("majority", "pubmedqa", "dev", tmp_path / "cls", n_boot=0, limit=3)
        store.add_from_evaluation(tmp_path / "cls")
