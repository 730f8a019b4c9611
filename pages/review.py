"""Expert review: clinicians rate model answers (from evaluations or chatbot logs, identifiers redacted);
agreement between reviewers; the human-rated hallucination rate beside the automatic one; CSV in and out.

All storage and figures come from `medtune.eval.review.ReviewStore` (SQLite under MEDTUNE_HOME/review/):
a rating is saved the moment it is submitted, so a reload or another reviewer's browser loses nothing.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:  # a page run on its own (AppTest.from_file) still finds app.ui
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from app import ui  # noqa: E402
from medtune.errors import MedtuneError  # noqa: E402
from medtune.data.tasks import TASKS  # noqa: E402
from medtune.eval.review import ReviewStore  # noqa: E402

VIEWS = ("Rate", "Agreement", "Ratings & CSV", "Add items")


def reviewable(task: str | None) -> bool:
    """Evaluations whose predictions are answers a person can judge (the task's registry entry says)."""
    return task in TASKS and TASKS[task].review is not None


def main() -> None:
    st.title("Expert review")
    st.caption("Clinicians judge model answers: factual correctness, unsupported sentences, clarity and "
               "patient-friendliness. Identifiers are redacted before an answer enters the queue.")
    try:
        store = ReviewStore()
    except (MedtuneError, OSError) as err:
        st.error(f"The review store cannot be opened: {err}")
        return
    reviewer = st.text_input("Your name (reviewer)", key="review_reviewer",
                             help="Stored with each rating; several reviewers may rate the same answer.").strip()
    view = st.radio("View", VIEWS, horizontal=True, key="review_view", label_visibility="collapsed")
    if view == "Rate":
        rate_view(store, reviewer)
    elif view == "Agreement":
        agreement_view(store)
    elif view == "Ratings & CSV":
        ratings_view(store)
    else:
        add_view(store)


# ---------------------------------------------------------------------------------------------- rating


def rate_view(store: ReviewStore, reviewer: str) -> None:
    saved = st.session_state.pop("review_saved", None)
    if saved:
        st.success(f"Rating of `{saved}` saved.", icon=":material/check:")
    total = len(store.items())
    if not total:
        st.info("The queue is empty. Add answers under **Add items** (from an evaluation or a chatbot log).")
        return
    if not reviewer:
        st.info("Enter your name above to start rating.", icon=":material/badge:")
        return
    queue = store.queue(reviewer, limit=500)
    if not queue:
        st.success(f"You have rated all {total} answers. Thank you!")
        return
    st.markdown(f"**{len(queue)} of {total} answers wait for your rating** (least-rated first).")
    by_id = {item["id"]: item for item in queue}
    item_id = st.selectbox("Answer", list(by_id), key="review_item",
                           format_func=lambda i: f"{i} · {by_id[i]['n_ratings']} ratings so far · "
                                                 f"{(by_id[i]['question'] or by_id[i]['answer'])[:70]}")
    item = by_id[item_id]
    show_item(item)
    rating_form(store, item, reviewer)


def show_item(item: dict[str, Any]) -> None:
    if item.get("question"):
        st.markdown("**Question**")
        st.markdown(f"> {item['question']}")
    st.markdown("**Answer** (sentences numbered)")
    st.markdown("\n".join(f"{n}. {s}" for n, s in enumerate(item["sentences"], start=1)))
    if item.get("evidence"):
        with st.expander("Evidence the answer should rest on"):
            st.markdown(item["evidence"])
    reference = (item.get("meta") or {}).get("reference")
    if reference:
        with st.expander("Reference answer"):
            st.markdown(reference)
    st.caption(f"Source: {item['source']} · {item.get('source_ref') or ''} · "
               f"{item['redactions']} identifiers redacted. The automatic judgement stays hidden while you rate, "
               "so it does not sway you.")


def rating_form(store: ReviewStore, item: dict[str, Any], reviewer: str) -> None:
    sentences = item["sentences"]
    with st.form(f"rate_{item['id']}", clear_on_submit=True):
        correct = st.radio("Is the answer factually correct?", ["yes", "no"], index=None, horizontal=True,
                           key=f"rate_correct_{item['id']}")
        unsupported = st.multiselect("Sentences that are unsupported or wrong", list(range(len(sentences))),
                                     format_func=lambda i: f"{i + 1}. {sentences[i][:90]}",
                                     key=f"rate_unsupported_{item['id']}", placeholder="none")
        cols = st.columns(2)
        clarity = cols[0].slider("Clarity (1 = confusing, 5 = very clear)", 1, 5, 3, key=f"rate_clarity_{item['id']}")
        friendly = cols[1].slider("Patient-friendliness (1 = jargon, 5 = plain words)", 1, 5, 3,
                                  key=f"rate_friendly_{item['id']}")
        comment = st.text_area("Comment", key=f"rate_comment_{item['id']}",
                               placeholder="What is wrong or missing? (optional)")
        submitted = st.form_submit_button("Save rating", type="primary", icon=":material/save:")
    if not submitted:
        return
    if correct is None:
        st.error("Say whether the answer is factually correct before saving.")
        return
    try:
        store.rate(item["id"], reviewer, factually_correct=correct == "yes", clarity=clarity,
                   patient_friendliness=friendly, unsupported_sentences=unsupported, comment=comment)
    except MedtuneError as err:
        ui.error_box(err)
        return
    st.session_state["review_saved"] = item["id"]
    st.session_state.pop("review_item", None)  # move on to the next answer in the queue
    st.rerun()


# ---------------------------------------------------------------------------------------------- figures


def agreement_view(store: ReviewStore) -> None:
    summary = store.summary()
    cols = st.columns(6)
    cols[0].metric("Answers", summary["items"])
    cols[1].metric("Ratings", summary["ratings"])
    cols[2].metric("Reviewers", len(summary["reviewers"]), help=", ".join(summary["reviewers"]) or None)
    cols[3].metric("Judged correct", pct(summary["share_factually_correct"]))
    cols[4].metric("Mean clarity", num(summary["mean_clarity"], 2))
    cols[5].metric("Mean friendliness", num(summary["mean_patient_friendliness"], 2), help="patient-friendliness, 1–5")
    if not summary["ratings"]:
        st.info("No ratings yet.")
        return
    st.subheader("Agreement between reviewers")
    agreement = store.agreement()
    st.caption(f"Over the {agreement['n_items_multi_rated']} answers rated by two or more reviewers. Kappa corrects "
               "for chance: below 0.2 slight, 0.21–0.40 fair, 0.41–0.60 moderate, 0.61–0.80 substantial, above "
               "0.80 almost perfect (Landis & Koch, 1977). 95% bootstrap intervals over answers.")
    ui.dataframe_with_download(agreement_rows(agreement), filename="review_agreement.csv", key="agreement",
                               column_config={c: st.column_config.NumberColumn(c, format="%.2f")
                                              for c in ("pairwise agreement", "Cohen's κ", "Fleiss' κ")})
    hallucination_section(store.hallucination_comparison())


def agreement_rows(agreement: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for field in ("factually_correct", "hallucinated", "clarity", "patient_friendliness"):
        entry = agreement.get(field) or {}
        if "unavailable" in entry:
            rows.append({"judgement": field, "pairwise agreement": None, "Cohen's κ": None, "Cohen's κ 95% CI": "–",
                         "Fleiss' κ": None, "Fleiss' κ 95% CI": "–", "note": entry["unavailable"]})
            continue
        rows.append({"judgement": field, "pairwise agreement": value(entry, "pairwise_agreement"),
                     "Cohen's κ": value(entry, "cohen_kappa"), "Cohen's κ 95% CI": ci(entry, "cohen_kappa"),
                     "Fleiss' κ": value(entry, "fleiss_kappa"), "Fleiss' κ 95% CI": ci(entry, "fleiss_kappa"),
                     "note": (entry.get("cohen_kappa") or {}).get("unavailable") or ""})
    return rows


def hallucination_section(result: dict[str, Any]) -> None:
    st.subheader("Hallucination rate: reviewers vs the automatic judge")
    st.caption(f"Human label per answer: {result['rule']}.")
    cols = st.columns(4)
    cols[0].metric("Human-rated rate", pct(result["human_rate"]), help=f"{result['n_rated']} answers rated")
    cols[1].metric("Automatic rate", pct(result["automatic_rate"]),
                   help=f"{result['n_automatic']} answers with an automatic judgement")
    cols[2].metric("Agreement (both judged)", pct(result.get("agreement")), help=f"{result['n_both']} answers")
    cols[3].metric("Cohen's κ human vs automatic", num(result.get("cohen_kappa"), 3))
    if not result["n_both"]:
        st.info("No answer has both a human and an automatic judgement yet: rate answers that came from an "
                "evaluation with a hallucination judge, or chat answers with a trust score.")
        return
    ui.bar_chart({"reviewers": round(result["human_rate_on_shared"], 3),
                  "automatic": round(result["automatic_rate_on_shared"], 3)},
                 title=f"Hallucination rate on the {result['n_both']} answers judged both ways", x_label="",
                 y_label="share hallucinated", key="halluc_chart")


def value(entry: dict[str, Any], name: str) -> float | None:
    return (entry.get(name) or {}).get("value")


def ci(entry: dict[str, Any], name: str) -> str:
    bounds = (entry.get(name) or {}).get("ci")
    return f"[{bounds[0]:.2f}, {bounds[1]:.2f}]" if bounds else "–"


def pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def num(x: float | None, digits: int) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


# ---------------------------------------------------------------------------------------------- CSV


def ratings_view(store: ReviewStore) -> None:
    ratings = store.ratings()
    st.subheader(f"Ratings ({len(ratings)})")
    if ratings:
        columns = ("item_id", "reviewer", "factually_correct", "unsupported_sentences", "clarity",
                   "patient_friendliness", "comment", "rated_at", "question", "answer")
        st.dataframe([{c: ", ".join(str(i + 1) for i in r[c]) if c == "unsupported_sentences" else r.get(c)
                       for c in columns} for r in ratings], hide_index=True, key="ratings_table")
        st.download_button("Download ratings CSV", export_bytes(store), file_name="medtune_ratings.csv",
                           mime="text/csv", key="ratings_csv", icon=":material/download:", on_click="ignore")
        st.caption("Sentence numbers in the table start at 1; the CSV keeps the stored 0-based indices, "
                   "separated by ';', so it imports back unchanged.")
    else:
        st.info("No ratings yet.")
    st.subheader("Import ratings")
    st.caption("A CSV with columns item_id, reviewer, factually_correct, clarity, patient_friendliness (and "
               "optionally unsupported_sentences, comment, rated_at, question, answer). A file with any bad row "
               "imports nothing.")
    upload = st.file_uploader("Ratings CSV", type=["csv"], key="ratings_upload")
    if upload is not None and st.button("Import", key="ratings_import", icon=":material/upload:"):
        import_ratings(store, upload.getvalue(), upload.name)


def export_bytes(store: ReviewStore) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ratings.csv"
        store.export_csv(path)
        return path.read_bytes()


def import_ratings(store: ReviewStore, data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(name).name
        path.write_bytes(data)
        try:
            result = store.import_csv(path)
        except MedtuneError as err:
            ui.error_box(err)
            return
        except (UnicodeDecodeError, ValueError) as err:
            st.error(f"{name} cannot be read as a UTF-8 CSV: {err}")
            return
    st.success(f"Imported {result['ratings']} ratings ({result['new_items']} new answers).")


# ---------------------------------------------------------------------------------------------- adding items


def add_view(store: ReviewStore) -> None:
    st.subheader("From an evaluation")
    st.caption("Generated answers (task sft) or answers judged by a hallucination detector (task hallucination); "
               "the detector's verdict becomes the automatic judgement.")
    from medtune.eval.leaderboard import find_evaluations
    from medtune.io import read_json

    evals = {str(d): read_json(d / "eval.json", {}) for d in find_evaluations()}
    evals = {d: e for d, e in evals.items() if reviewable(e.get("task"))}
    if evals:
        directory = st.selectbox("Evaluation", list(evals), key="add_eval",
                                 format_func=lambda d: eval_label(evals[d], d))
        limit = st.number_input("Answers to queue", 1, 5000, 20, key="add_eval_limit")
        if st.button("Add to the queue", key="add_eval_go", icon=":material/playlist_add:"):
            with ui.errors_shown():
                ids = store.add_from_evaluation(directory, limit=int(limit))
                st.success(f"{len(ids)} answers queued from {Path(directory).name}.")
    else:
        st.info("No evaluation of generated or judged answers yet (tasks: sft, hallucination). Launch one on the "
                "Evaluation page, e.g. the majority baseline on medhallu.")
    st.subheader("From a chatbot log")
    from medtune.settings import get_settings

    audit = get_settings().home / "chat" / "audit.jsonl"
    if audit.is_file():
        st.caption(f"The chatbot's audit log: `{audit}`")
        if st.button("Add the chatbot's answers", key="add_audit", icon=":material/chat:"):
            add_chat_log(store, audit)
    else:
        st.caption(f"The chatbot has logged no answers yet (its audit log is `{audit}`).")
    upload = st.file_uploader("Or a chat log (JSONL: question/answer per line, or messages)", type=["jsonl"],
                              key="add_chat_upload")
    if upload is not None and st.button("Add this log", key="add_chat_go"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            add_chat_log(store, path)


def add_chat_log(store: ReviewStore, path: Path) -> None:
    with ui.errors_shown():
        ids = store.add_from_chat_log(path)
        st.success(f"{len(ids)} answers queued (identifiers redacted).")


def eval_label(evaluation: dict[str, Any], directory: str) -> str:
    split = evaluation.get("split") or {}
    return (f"{evaluation.get('model_ref')} · {split.get('dataset')}/{split.get('split')} · "
            f"{split.get('n_items')} items · {Path(directory).name}")


main()
