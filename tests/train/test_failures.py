"""Broken configs and datasets fail fast with CONFIG / DATA and a message naming the field or row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medtune.errors import ConfigError, DataError
from medtune.settings import get_settings
from medtune.train.config import parse_config
from medtune.train.runner import run_local, validate_config
from tests.train.conftest import tiny_config


def test_unknown_labels_in_the_dataset_fail_as_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    shared_data: Path) -> None:
    folder = tmp_path / "data" / "drug_reviews_explabox"
    folder.mkdir(parents=True)
    rows = [json.loads(x) for x in (shared_data / "drug_reviews_explabox" / "train.jsonl").read_text().splitlines()[:40]]
    rows[7]["label"] = "furious"
    folder.joinpath("train.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    monkeypatch.setenv("MEDTUNE_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    cfg = parse_config({"task": "sentiment", "dataset": "drug_reviews_explabox", **tiny_config()})
    with pytest.raises(DataError, match="furious") as err:
        run_local(cfg, tmp_path / "run")
    assert str(rows[7]["id"]) in err.value.message
    assert json.loads((tmp_path / "run" / "status.json").read_text())["reason"] == "DATA"


@pytest.mark.parametrize("changes,needle", [
    ({"method": "qlora"}, "qlora needs a CUDA GPU"),
    ({"model": "gpt-3.5-turbo"}, "API model"),
    ({"task": "sft", "dataset": "medquad"}, "task 'sft' needs a causal or seq2seq model"),
    ({"model": "no-such-model"}, "unknown model"),
])
def test_impossible_combinations_are_config_errors_before_training(changes: dict, needle: str) -> None:
    config = {"task": "sentiment", "dataset": "drug_reviews_explabox", "model": "minilm", **changes}
    with pytest.raises(ConfigError, match=needle):
        validate_config(config)
