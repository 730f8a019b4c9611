"""The hallu_mix dataset on the real MedHallu / MedQuAD / PubMedQA files: pairs, labels, kinds, grouping."""

from __future__ import annotations

import random
from collections import Counter, defaultdict

import pytest

from medtune.data import hallu_mix
from medtune.data.registry import find_local_file, get_dataset, load_records


@pytest.fixture(scope="module")
def train():
    if find_local_file(get_dataset("hallu_mix"), "train") is None:
        pytest.skip("MedHallu is not in a data directory")
    return load_records("hallu_mix", "train")


def test_train_is_medhallu_plus_balanced_generated_pairs(train):
    counts = Counter((r.meta["source"], r.label) for r in train)
    assert counts[("medhallu", "faithful")] == counts[("medhallu", "hallucinated")] == 449  # PROVENANCE.md
    assert counts[("medquad", "faithful")] == counts[("medquad", "hallucinated")] == hallu_mix.MEDQUAD_ITEMS
    assert counts[("pubmedqa", "faithful")] == counts[("pubmedqa", "hallucinated")] == hallu_mix.PUBMEDQA_ITEMS


def test_each_item_is_one_faithful_and_one_distorted_answer_to_the_same_question_and_evidence(train):
    items = defaultdict(list)
    for r in train:
        if r.meta["source"] != "medhallu":
            items[r.meta["item"]].append(r)
    assert len(items) == hallu_mix.MEDQUAD_ITEMS + hallu_mix.PUBMEDQA_ITEMS
    for pair in items.values():
        faithful, distorted = sorted(pair, key=lambda r: r.label)
        assert (faithful.label, distorted.label) == ("faithful", "hallucinated")
        assert faithful.question == distorted.question and faithful.context == distorted.context
        assert faithful.answer != distorted.answer
        assert faithful.meta["kind"] == "faithful" and distorted.meta["kind"] in hallu_mix.KINDS


def test_every_distortion_kind_is_represented(train):
    kinds = Counter(r.meta["kind"] for r in train if r.meta["source"] != "medhallu" and r.label == "hallucinated")
    assert set(kinds) == set(hallu_mix.KINDS)
    assert min(kinds.values()) >= 15, kinds


def test_pubmedqa_pairs_use_train_pmids_only_so_medhallu_dev_stays_unseen(train):
    dev_pmids = {r.meta["pubid"] for r in load_records("medhallu", "dev")}
    used = {r.meta["item"].split(":")[1] for r in train if r.meta["source"] == "pubmedqa"}
    assert used and not used & dev_pmids
    assert [r.meta["source"] for r in load_records("hallu_mix", "dev")] == ["medhallu"] * 102


def test_medquad_faithful_answers_come_from_their_evidence(train):
    for r in train:
        if r.meta["source"] == "medquad" and r.label == "faithful":
            # a rewrite changes some words; most of the answer's words are still in the evidence
            words = [w for w in r.answer.lower().split() if w.isalpha()]
            inside = sum(w in r.context.lower() for w in words)
            assert inside >= 0.6 * len(words), (r.answer, r.context)


def test_generation_is_reproducible(train):
    again = load_records("hallu_mix", "train")
    assert [(r.id, r.answer) for r in again] == [(r.id, r.answer) for r in train]


def test_preparation_keeps_each_item_on_one_side_of_every_split(tmp_path, train):
    import json

    from medtune.data.prepare import PrepareOptions, prepare_dataset

    prepare_dataset("hallu_mix", "hallucination", tmp_path, PrepareOptions(scan_phi=False))
    side = {}
    for split in ("train", "validation", "test"):
        for line in (tmp_path / f"{split}.jsonl").read_text(encoding="utf-8").split("\n"):
            if not line:
                continue
            row = json.loads(line)
            # a PubMedQA item shares its question and abstract with the MedHallu item of the same PMID
            item = row["meta"]["item"].replace("pubmedqa:", "medhallu:")
            assert side.setdefault(item, split) == split, f"{item} is in {side[item]} and {split}"
    assert set(side.values()) == {"train", "validation", "test"}


@pytest.mark.parametrize("kind, text, expect", [
    ("wrong_number", "The dose is 40 mg twice a day.", r"\b(?!40\b)\d+(\.\d+)? mg"),
    ("reversed_finding", "Exercise increases insulin sensitivity.", "decreases"),
    ("wrong_population", "It is approved for children over 6.", "adults"),
    ("overclaim", "Physiotherapy may help knee pain.", "cures"),
    ("invented_entity", "Ibuprofen relieves pain.", None),
])
def test_each_distortion_changes_what_it_names(kind, text, expect):
    import re

    changed = hallu_mix.DISTORTIONS[kind](text, random.Random(1))
    assert changed and changed != text
    if expect:
        assert re.search(expect, changed), changed
    if kind == "invented_entity":
        assert "Ibuprofen" not in changed


def test_unsupported_claim_needs_a_donor_sentence():
    assert hallu_mix.unsupported_claim("A is B.", random.Random(0)) is None
    assert hallu_mix.unsupported_claim("A is B.", random.Random(0), donor="C causes D.") == "A is B. C causes D."
