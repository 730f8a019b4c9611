"""AppTest for the Expert review page: answers queued from a real evaluation (the majority baseline judging
MedHallu answers) and from a chat log, rated by two reviewers through the form, agreement and hallucination
figures recomputed by hand here, ratings exported to CSV and imported into a fresh store.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PAGE = Path(__file__).resolve().parents[2] / "pages" / "review.py"
N_ITEMS = 5


@pytest.fixture
def evaluation(shared_data: Path) -> Path:
    from medtune.eval.runner import evaluate
    from medtune.settings import get_settings

    out = get_settings().runs_path / "eval-medhallu-majority"
    evaluate("majority", "medhallu", "dev", out, n_boot=0, limit=N_ITEMS)
    return out


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def open_page(view: str | None = None, reviewer: str = "") -> AppTest:
    at = run(AppTest.from_file(str(PAGE), default_timeout=120))
    if reviewer:
        at.text_input(key="review_reviewer").input(reviewer)
    if view:
        at.radio(key="review_view").set_value(view)
    return run(at)


def rate_current(at: AppTest, correct: bool, clarity: int, friendly: int, unsupported: list[int] = ()) -> str:
    item_id = at.selectbox(key="review_item").value
    at.radio(key=f"rate_correct_{item_id}").set_value("yes" if correct else "no")
    for index in unsupported:
        at.multiselect(key=f"rate_unsupported_{item_id}").select(index)
    at.slider(key=f"rate_clarity_{item_id}").set_value(clarity)
    at.slider(key=f"rate_friendly_{item_id}").set_value(friendly)
    at.text_area(key=f"rate_comment_{item_id}").input(f"checked {item_id}")
    next(b for b in at.button if b.label == "Save rating").click()
    run(at)
    assert any(item_id in s.value for s in at.success), [e.value for e in at.error]
    return item_id


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_two_reviewers_rate_and_the_page_reports_agreement_and_hallucination_rates(evaluation: Path) -> None:
    at = open_page("Add items")
    at.button(key="add_eval_go").click()
    run(at)
    assert any(f"{N_ITEMS} answers queued" in s.value for s in at.success)

    # Reviewer A: correct on items 0-2, wrong on 3-4; reviewer B disagrees on item 2 and marks a sentence of item 0.
    plan = {"Dr A": [(True, 4, 3, []), (True, 5, 4, []), (True, 3, 3, []), (False, 2, 2, []), (False, 2, 1, [])],
            "Dr B": [(True, 4, 3, [0]), (True, 5, 4, []), (False, 3, 2, []), (False, 2, 2, []), (False, 1, 1, [])]}
    order: dict[str, list[str]] = {}
    for reviewer, marks in plan.items():
        at = open_page("Rate", reviewer)
        assert any(f"{N_ITEMS} of {N_ITEMS} answers wait" in m.value for m in at.markdown)
        order[reviewer] = [rate_current(at, *mark) for mark in marks]
        assert any("You have rated all" in s.value for s in at.success)
    # The queue is least-rated first: B saw A's items in the same order, so the plan lines up item by item.
    assert order["Dr A"] == order["Dr B"]

    from medtune.eval.review import ReviewStore

    stored = {(r["item_id"], r["reviewer"]): r for r in ReviewStore().ratings()}
    assert len(stored) == 2 * N_ITEMS
    first = stored[(order["Dr B"][0], "Dr B")]
    assert first["unsupported_sentences"] == [0] and first["comment"] == f"checked {order['Dr B'][0]}"

    at = open_page("Agreement")
    assert metric(at, "Ratings") == str(2 * N_ITEMS) and metric(at, "Reviewers") == "2"
    # Cohen's kappa on "factually correct", by hand: observed 4/5; A says yes 3/5, B 2/5.
    a = [m[0] for m in plan["Dr A"]]
    b = [m[0] for m in plan["Dr B"]]
    p_o = sum(x == y for x, y in zip(a, b)) / N_ITEMS
    p_e = (sum(a) / N_ITEMS) * (sum(b) / N_ITEMS) + (1 - sum(a) / N_ITEMS) * (1 - sum(b) / N_ITEMS)
    table = next(df.value for df in at.dataframe if "Cohen's κ" in df.value.columns).set_index("judgement")
    assert table.loc["factually_correct", "pairwise agreement"] == pytest.approx(p_o)
    assert table.loc["factually_correct", "Cohen's κ"] == pytest.approx((p_o - p_e) / (1 - p_e))

    # Human label: hallucinated when judged incorrect or any sentence unsupported; a 1–1 tie counts as hallucinated.
    human = {}
    for k, item_id in enumerate(order["Dr A"]):
        votes = [(not plan[r][k][0]) or bool(plan[r][k][3]) for r in plan]
        human[item_id] = 2 * sum(votes) >= len(votes)
    preds = [json.loads(x) for x in (evaluation / "predictions.jsonl").read_text().splitlines() if x]
    auto = {f"eval-{p['id']}": p["pred"] == "hallucinated" for p in preds}
    assert metric(at, "Human-rated rate") == f"{100 * sum(human.values()) / N_ITEMS:.1f}%"
    assert metric(at, "Automatic rate") == f"{100 * sum(auto.values()) / N_ITEMS:.1f}%"
    agree = sum(human[i] == auto[i] for i in human) / N_ITEMS
    assert metric(at, "Agreement (both judged)") == f"{100 * agree:.1f}%"


def test_chat_log_answers_are_redacted_in_the_queue(medtune_home: Path) -> None:
    log = (json.dumps({"question": "I am Jane, call me on 555-123-4567. Is ibuprofen safe with asthma?",
                       "answer": "Ibuprofen can worsen asthma in some people. Call 555-123-4567 to book. "
                                 "Ask your pharmacist.", "trust": 0.2}) + "\n").encode()
    at = open_page("Add items")
    at.file_uploader(key="add_chat_upload").set_value(("chat.jsonl", log, "application/jsonl"))
    run(at)
    at.button(key="add_chat_go").click()
    run(at)
    assert any("1 answers queued" in s.value for s in at.success)
    at.radio(key="review_view").set_value("Rate")
    at.text_input(key="review_reviewer").input("Dr C")
    run(at)
    shown = " ".join(m.value for m in at.markdown)
    assert "Ibuprofen can worsen asthma" in shown and "[PHONE]" in shown and "555-123-4567" not in shown
    caption = next(c.value for c in at.caption if "identifiers redacted" in c.value)
    assert int(caption.split(" identifiers redacted")[0].rsplit(" ", 1)[-1]) >= 2  # the phone, in question and answer


def test_ratings_export_to_csv_and_import_into_a_fresh_store(medtune_home: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    from medtune.eval.review import ReviewStore
    from medtune.settings import get_settings

    store = ReviewStore()
    ids = [store.add_item(f"Answer {i}. Drink water. Rest.", question=f"Q{i}?", redact=False) for i in range(3)]
    for who, ok in (("Dr A", (True, False, True)), ("Dr B", (True, True, False))):
        for item_id, correct in zip(ids, ok):
            store.rate(item_id, who, factually_correct=correct, clarity=4, patient_friendliness=5,
                       unsupported_sentences=[] if correct else [1], comment="ok")

    offered: list[bytes] = []  # what the page hands to the browser's download (streamlit's media storage)
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, data, mimetype, kind, filename=None):
        if mimetype == "text/csv":
            offered.append(data if isinstance(data, bytes) else Path(data).read_bytes())
        return original(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    at = open_page("Ratings & CSV")
    assert any(s.value == "Ratings (6)" for s in at.subheader)
    exported = offered[-1]
    rows = list(csv.DictReader(io.StringIO(exported.decode())))
    assert len(rows) == 6 and {r["reviewer"] for r in rows} == {"Dr A", "Dr B"}

    # A fresh home: a bad file imports nothing, the exported file restores every rating.
    monkeypatch.setenv("MEDTUNE_HOME", str(tmp_path / "other_home"))
    get_settings.cache_clear()
    bad = exported.decode().replace(",4,5,", ",9,5,", 1).encode()  # clarity 9 on the first data row
    at = open_page("Ratings & CSV")
    at.file_uploader(key="ratings_upload").set_value(("bad.csv", bad, "text/csv"))
    run(at)
    at.button(key="ratings_import").click()
    run(at)
    assert any("line 2" in e.value and "clarity" in e.value for e in at.error)
    assert ReviewStore().ratings() == []
    at.file_uploader(key="ratings_upload").set_value(("ratings.csv", exported, "text/csv"))
    run(at)
    at.button(key="ratings_import").click()
    run(at)
    assert any("Imported 6 ratings (3 new answers)" in s.value for s in at.success)
    restored = {(r["item_id"], r["reviewer"]): (r["factually_correct"], r["unsupported_sentences"])
                for r in ReviewStore().ratings()}
    assert restored == {(r["item_id"], r["reviewer"]): (r["factually_correct"], r["unsupported_sentences"])
                        for r in store.ratings()}
