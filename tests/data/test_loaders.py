"""Loaders against the full datasets in ../shared/data: counts and label distributions equal each PROVENANCE.md."""

from __future__ import annotations

from collections import Counter

import pytest

from medtune.data.examples import load_examples
from medtune.data.registry import available_splits, get_dataset, is_sample, list_datasets, load_records

pytestmark = pytest.mark.usefixtures("shared_data")

# (dataset, split) -> (rows, raw label distribution or None for unlabeled), from each folder's PROVENANCE.md
PROVENANCE = {
    ("pubmedqa", "train"): (449, {"yes": 248, "no": 152, "maybe": 49}),
    ("pubmedqa", "dev"): (51, {"yes": 28, "no": 17, "maybe": 6}),
    ("pubmedqa", "test"): (500, None),
    ("medquad", "all"): (16_407, None),
    ("medqa", "test"): (1_273, None),
    ("medmcqa", "dev"): (4_183, {"A": 1_348, "B": 1_085, "C": 925, "D": 825}),
    ("bioasq_yn", "test"): (618, None),
    ("mmlu_medical", "test"): (1_089, None),
    ("pubmedqa_star", "test"): (500, None),
    ("covid_fake_news", "train"): (6_420, {"real": 3_360, "fake": 3_060}),
    ("covid_fake_news", "val"): (2_140, {"real": 1_120, "fake": 1_020}),
    ("covid_fake_news", "test"): (2_140, None),
    ("healthver", "dev"): (1_917, {"SUPPORTS": 533, "REFUTES": 391, "NEUTRAL": 993}),
    ("healthver", "test"): (1_823, None),
    ("healthfc", "train"): (525, {"SUPPORTED": 141, "NOT_ENOUGH_INFO": 296, "REFUTED": 88}),
    ("healthfc", "dev"): (74, {"SUPPORTED": 20, "NOT_ENOUGH_INFO": 42, "REFUTED": 12}),
    ("healthfc", "test"): (151, None),
    ("scifact", "train"): (809, {"SUPPORT": 332, "CONTRADICT": 173, "NOT_ENOUGH_INFO": 304}),
    ("scifact", "dev"): (300, None),
    ("scifact", "test"): (300, None),
    ("medhallu", "train"): (898, {"faithful": 449, "hallucinated": 449}),
    ("medhallu", "dev"): (102, {"faithful": 51, "hallucinated": 51}),
    ("covid_dialogue_en", "all"): (604, None),
    ("drug_reviews_explabox", "train"): (600, {"positive": 385, "negative": 161, "neutral": 54}),
    ("drug_reviews_explabox", "test"): (379, None),
    # 2,781 rows; one (orig id 1386) has all three review texts empty and is skipped: nothing to classify.
    ("druglib", "train"): (2_780, {"negative": 592, "neutral": 278, "positive": 1_910}),
    ("druglib", "dev"): (310, {"negative": 66, "neutral": 31, "positive": 213}),
    ("druglib", "test"): (1_036, None),
    ("covid_tweets_sentiment", "train"): (
        2_658,
        {"Extremely Negative": 414, "Negative": 729, "Neutral": 433, "Positive": 663, "Extremely Positive": 419},
    ),
    ("covid_tweets_sentiment", "test"): (1_140, None),
}


@pytest.mark.parametrize(("name", "split"), sorted(PROVENANCE))
def test_counts_and_labels_match_provenance(name: str, split: str) -> None:
    rows, labels = PROVENANCE[(name, split)]
    records = load_records(name, split)
    assert len(records) == rows
    found = Counter(r.label for r in records if getattr(r, "label", None) is not None)
    if labels is None:
        assert not found, f"{name}/{split} should come without labels"
    else:
        assert dict(found) == labels


def test_every_shared_folder_is_registered(shared_data) -> None:
    folders = {p.name for p in shared_data.iterdir() if p.is_dir()}
    registered = {spec.folder_name for spec in list_datasets()}
    assert folders <= registered


def test_full_copy_is_preferred_over_bundled_sample() -> None:
    path = available_splits(get_dataset("covid_fake_news"))["train"]
    assert not is_sample(path)


def test_dailymed_labels_become_one_document_per_section() -> None:
    docs = load_records("dailymed_labels", "all")
    ibuprofen_warnings = next(d for d in docs if d.id == "ibuprofen:warnings")
    assert "ibuprofen may decrease this benefit of aspirin" in ibuprofen_warnings.text
    assert ibuprofen_warnings.meta == {"drug": "ibuprofen", "section": "warnings",
                                       "brand_names": ["Ibuprofen Dye Free"]}
    assert {d.meta["drug"] for d in docs} == {"acetaminophen", "amlodipine", "aspirin", "ibuprofen", "warfarin"}


@pytest.mark.parametrize(
    ("name", "split", "task", "expected"),
    [
        ("covid_fake_news", "val", "misinformation", {"true": 1_120, "false": 1_020}),
        ("healthver", "dev", "claim_verification", {"supported": 533, "refuted": 391, "not_enough_info": 993}),
        ("covid_tweets_sentiment", "train", "sentiment", {"negative": 1_143, "neutral": 433, "positive": 1_082}),
        ("covid_tweets_sentiment", "train", "intensity",
         {"very_negative": 414, "negative": 729, "neutral": 433, "positive": 663, "very_positive": 419}),
        ("medhallu", "dev", "hallucination", {"faithful": 51, "hallucinated": 51}),
    ],
)
def test_labels_map_into_the_task_label_set(name, split, task, expected) -> None:
    examples = load_examples(name, split, task)
    assert dict(Counter(e.label for e in examples)) == expected


def test_pubmedqa_examples_pair_question_with_abstract() -> None:
    ex = load_examples("pubmedqa", "dev")[0]
    assert ex.text.endswith("?") and len(ex.text_pair) > 200 and ex.label in {"yes", "no", "maybe"}


def test_mcq_answers_are_option_keys() -> None:
    records = load_records("medmcqa", "dev", limit=50)
    assert all(r.label in r.options for r in records)


def test_dialogue_turns_alternate_patient_and_doctor() -> None:
    record = load_records("covid_dialogue_en", "all", limit=1)[0]
    assert [t.role for t in record.turns][:2] == ["user", "assistant"]
