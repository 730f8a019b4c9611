"""The labelled triage set (data/eval/triage) is well formed and split once by group; its loader names the file
and line of a bad row."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from medtune.chat.triage_fit import CATEGORIES, DATA_FILE, LATER_CATEGORIES, load_labelled, split_of
from medtune.errors import DataError


def test_the_set_has_enough_emergencies_and_near_misses_in_every_category() -> None:
    rows = load_labelled()
    labels = Counter(r["label"] for r in rows)
    assert labels["emergency"] >= 300 and labels["not_emergency"] >= 300
    per_cat = Counter(r["category"] for r in rows if r["label"] == "emergency")
    assert set(per_cat) == set(CATEGORIES) - set(LATER_CATEGORIES) and min(per_cat.values()) >= 12
    near = Counter(r["category"] for r in rows if r["label"] == "not_emergency")
    assert all(near[c] >= 10 for c in CATEGORIES if c not in LATER_CATEGORIES)


def test_the_split_is_the_group_hash_and_both_halves_are_used() -> None:
    rows = load_labelled()
    assert all(r["split"] == split_of(r["group"]) for r in rows)
    groups: dict[str, set[str]] = {}
    for r in rows:
        groups.setdefault(r["group"], set()).add(r["split"])
    assert all(len(s) == 1 for s in groups.values())
    halves = Counter((r["split"], r["label"]) for r in rows)
    assert min(halves.values()) >= 140
    assert len({r["text"].lower() for r in rows}) == len(rows)  # no duplicated message


def test_the_readme_states_the_split() -> None:
    text = (DATA_FILE.parent / "README.md").read_text()
    assert "triage-v1:" in text and "dev" in text and "test" in text


def _write(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def _row(**over: str) -> dict:
    group = "chest_pain-e01"
    row = {"id": group + "a", "group": group, "split": split_of(group), "label": "emergency",
           "category": "chest_pain", "text": "my chest hurts"}
    return {**row, **over}


@pytest.mark.parametrize("bad, says", [
    ({"label": "urgent"}, "label must be one of"),
    ({"category": "toothache"}, "unknown category"),
    ({"split": "train"}, "split"),
    ({"text": " "}, "non-empty"),
    ({"id": "other-1"}, "does not start with its group"),
])
def test_a_bad_row_is_named_by_file_and_line(tmp_path: Path, bad: dict, says: str) -> None:
    path = _write(tmp_path, [_row(id="chest_pain-e01z"), _row(**bad)])
    with pytest.raises(DataError) as err:
        load_labelled(path)
    assert f"{path}:2" in str(err.value) and says in str(err.value)


def test_a_row_in_the_wrong_half_or_not_json_is_refused(tmp_path: Path) -> None:
    wrong = "test" if split_of("chest_pain-e01") == "dev" else "dev"
    with pytest.raises(DataError, match="hashed split"):
        load_labelled(_write(tmp_path, [_row(split=wrong)]))
    path = tmp_path / "broken.jsonl"
    path.write_text('{"id": \n')
    with pytest.raises(DataError, match=r"broken.jsonl:1: not JSON"):
        load_labelled(path)
    missing = _row()
    del missing["category"]
    with pytest.raises(DataError, match="exactly the fields"):
        load_labelled(_write(tmp_path, [missing]))


def test_the_training_wording_is_training_only_and_shares_no_message_with_the_labelled_set() -> None:
    import re

    from medtune.chat.triage_fit import TRAIN_FILE, load_all_training

    extra = load_all_training()
    assert len(extra) >= 1400 and {r["split"] for r in extra} == {"train"}
    per_cat = Counter((r["category"], r["label"]) for r in extra)
    assert all(per_cat[(c, "emergency")] >= 20 and per_cat[(c, "not_emergency")] >= 10 for c in CATEGORIES)

    def norm(t: str) -> str:
        return re.sub(r"\W+", " ", t.lower()).strip()
    labelled = {norm(r["text"]) for r in load_labelled()}
    assert not [r["id"] for r in extra if norm(r["text"]) in labelled]
    assert not {r["group"] for r in extra} & {r["group"] for r in load_labelled()}
    readme = (TRAIN_FILE.parent / "README.md").read_text()
    assert "train_extra.jsonl" in readme and "train_extra3.jsonl" in readme and "never evaluated" in readme


def test_a_training_row_must_say_train(tmp_path: Path) -> None:
    from medtune.chat.triage_fit import load_training

    with pytest.raises(DataError, match="split one of"):
        load_training(_write(tmp_path, [_row(split="dev")]))
    assert load_training(_write(tmp_path, [_row(split="train")]))[0]["split"] == "train"
