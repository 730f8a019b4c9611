"""The typed training config: defaults, recipes, validation errors that name the field, CLI round trips."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from medtune.cli import build_parser, main
from medtune.data.tasks import get_task
from medtune.errors import ConfigError
from medtune.train.config import (
    TrainConfig,
    default_recipe,
    dump_yaml,
    equivalent_command,
    load_config_file,
    parse_config,
)
from medtune.commands.train import resolve_config

QUALITY = [("misinformation", "covid_fake_news"), ("claim_verification", "healthver"), ("qa_decision", "pubmedqa"),
           ("hallucination", "medhallu"), ("sentiment", "drug_reviews_explabox"),
           ("intensity", "covid_tweets_sentiment")]


@pytest.mark.parametrize("task,dataset", QUALITY)
def test_default_recipes_are_valid_on_minilm(task: str, dataset: str) -> None:
    cfg = default_recipe(task, dataset, "minilm")
    # misinformation and hallucination fine-tune every weight (CV-chosen, docs/QUALITY.md); the others train LoRA
    assert cfg.method == ("full" if task in ("misinformation", "hallucination") else "lora")
    assert cfg.model == "minilm" and cfg.primary_metric == get_task(task).primary_metric
    # accuracy is qa_decision's metric, so its recipe trains with plain (unweighted) cross-entropy
    assert cfg.prepare.balance == ("none" if task == "qa_decision" else "class_weights")
    assert cfg.prepare.test_fraction == 0.0 and cfg.prepare.near_dedup
    assert cfg.lora.target_modules and cfg.max_length <= 512


@pytest.mark.parametrize("data,field", [
    ({"lora": {"rr": 4}}, "lora.rr"),
    ({"epochs": 0}, "epochs"),
    ({"method": "dora"}, "method"),
    ({"learning_rate": "fast"}, "learning_rate"),
    ({"prepare": {"balance": "magic"}}, "prepare.balance"),
    ({"surprise": True}, "surprise"),
])
def test_bad_fields_are_config_errors_naming_the_field(data: dict, field: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"task": "sentiment", "dataset": "drug_reviews_explabox", **data})
    assert f"'{field}'" in err.value.message


def test_task_and_dataset_must_fit_together() -> None:
    with pytest.raises(ConfigError, match="unknown task"):
        parse_config({"task": "poetry", "dataset": "pubmedqa"})
    with pytest.raises(ConfigError, match="does not serve task 'sentiment'"):
        parse_config({"task": "sentiment", "dataset": "pubmedqa"})
    with pytest.raises(ConfigError, match="unknown dataset"):
        parse_config({"task": "sentiment", "dataset": "nope", "stages": []})


def test_yaml_round_trip_and_hash(tmp_path: Path) -> None:
    cfg = default_recipe("intensity", "covid_tweets_sentiment")
    path = tmp_path / "run.yaml"
    path.write_text(dump_yaml(cfg))
    again = load_config_file(path)
    assert again == cfg and again.config_hash() == cfg.config_hash()
    renamed = again.model_copy(update={"name": "other"})
    assert renamed.config_hash() == cfg.config_hash()  # cosmetic fields do not change the hash
    assert again.model_copy(update={"seed": 1}).config_hash() != cfg.config_hash()
    path.write_text("task: [unclosed")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config_file(path)


def test_equivalent_command_rebuilds_the_same_config() -> None:
    cfg = default_recipe("sentiment", "drug_reviews_explabox")
    changed = parse_config({**cfg.to_dict(), "epochs": 2, "max_steps": 50,
                            "lora": {**cfg.lora.model_dump(), "r": 4}, "prepare": {**cfg.prepare.model_dump(),
                                                                                    "near_dedup": False}})
    command = equivalent_command(changed)
    assert "--epochs 2.0" in command and "--set lora.r=4" in command and "prepare.near_dedup=false" in command
    args = build_parser().parse_args(shlex.split(command)[1:])
    assert resolve_config(args) == changed


def test_staged_config_lists_every_dataset() -> None:
    cfg = parse_config({"task": "claim_verification", "dataset": "healthver",
                        "stages": [{"datasets": ["scifact", "healthver"], "epochs": 1}, {"datasets": ["healthver"]}]})
    assert cfg.all_datasets() == ["healthver", "scifact"] and len(cfg.stage_list()) == 2
    assert TrainConfig.model_fields["lora"].description  # every field carries help for the form


def test_train_cli_rejects_a_broken_config_before_any_job(capsys: pytest.CaptureFixture, medtune_home: Path) -> None:
    code = main(["train", "--task", "sentiment", "--dataset", "drug_reviews_explabox", "--set", "lora.rr=3"])
    err = capsys.readouterr().err
    assert code == 2 and "[CONFIG]" in err and "lora.rr" in err
    assert not (medtune_home / "runs").exists() or not any((medtune_home / "runs").iterdir())
    assert main(["train", "--task", "sentiment"]) == 2
    assert "--dataset" in capsys.readouterr().err
