"""AppTest for the Train page: recipe form, memory estimate, equivalent command, launching a real job."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from medtune.train.config import TrainConfig, default_recipe

PAGE = Path(__file__).resolve().parents[2] / "pages" / "train.py"


def open_page() -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def pick(at: AppTest, key: str, value) -> AppTest:
    at.selectbox(key=key).select(value)
    at.run()
    assert not at.exception, at.exception
    return at


def test_form_follows_the_recipe_and_shows_estimate_and_command() -> None:
    at = open_page()
    pick(at, "train_task", "sentiment")
    pick(at, "train_dataset", "drug_reviews_explabox")
    key = "train.sentiment.drug_reviews_explabox.minilm.lora"
    recipe = default_recipe("sentiment", "drug_reviews_explabox", "minilm")
    assert recipe.max_length != TrainConfig.model_fields["max_length"].default  # so the check can fail
    assert at.number_input(key=f"{key}.max_length").value == recipe.max_length  # the form starts from the recipe
    assert at.number_input(key=f"{key}.lora.r").value == 16
    assert any("Memory needed" in m.label for m in at.metric)
    at.number_input(key=f"{key}.epochs").set_value(2.0)
    at.run()
    code = at.code[0].value
    assert code.startswith("medtune train --task sentiment --dataset drug_reviews_explabox --model minilm")
    assert "--epochs 2.0" in code and "--background" in code


def test_method_starts_from_the_task_default_and_follows_the_task() -> None:
    """misinformation fine-tunes every weight of an encoder by default (CV-chosen); other tasks start from LoRA,
    and a 7B model from LoRA whatever the task."""
    at = open_page()
    pick(at, "train_task", "misinformation")
    assert at.radio(key="train_method").value == "full"
    key = "train.misinformation.covid_fake_news.minilm.full"
    assert at.number_input(key=f"{key}.learning_rate").value == 5e-5
    assert "--method full" in at.code[0].value
    pick(at, "train_model", "mistral-7b")
    assert at.radio(key="train_method").value == "lora"
    pick(at, "train_task", "sentiment")
    assert at.radio(key="train_method").value == "lora"
    assert "--method lora" in at.code[0].value


def test_sft_offers_only_generative_models() -> None:
    at = open_page()
    pick(at, "train_task", "sft")
    models = at.selectbox(key="train_model").options
    assert "minilm" not in models and "flan-t5-large" in models and "llama2-7b-chat" in models


def test_bad_value_shows_config_error_naming_the_field() -> None:
    at = open_page()
    pick(at, "train_task", "intensity")
    pick(at, "train_dataset", "covid_tweets_sentiment")
    key = "train.intensity.covid_tweets_sentiment.minilm.lora"
    # each share is allowed alone; together they leave under 20% for training, which only the model checks
    at.number_input(key=f"{key}.prepare.validation_fraction").set_value(0.5)
    at.number_input(key=f"{key}.prepare.test_fraction").set_value(0.5)
    at.run()
    errors = " ".join(e.value for e in at.error)
    assert "Problem with the settings" in errors and "validation_fraction" in errors
    assert not [b for b in at.button if b.key == "train_launch"]  # nothing to launch until it is fixed


def test_launch_creates_a_background_job(shared_data: Path) -> None:
    from medtune.jobs import manager

    at = open_page()
    pick(at, "train_task", "sentiment")
    pick(at, "train_dataset", "drug_reviews_explabox")
    key = "train.sentiment.drug_reviews_explabox.minilm.lora"
    at.number_input(key=f"{key}.max_steps").set_value(1)
    at.number_input(key=f"{key}.max_train_examples").set_value(16)
    at.run()
    at.button(key="train_launch").click()
    at.run()
    assert not at.exception, at.exception
    job_id = at.session_state["train_last_job"]
    job = manager.get_job(job_id)
    try:
        assert job.config["task"] == "sentiment" and job.config["max_steps"] == 1
        assert job.config["max_train_examples"] == 16 and job.state in ("queued", "running", "succeeded")
        assert any(job_id in s.value for s in at.success)
    finally:
        manager.cancel(job_id, timeout_s=5)  # the job itself is the worker's business; keep the CPUs free


def test_a_7b_model_on_a_cpu_machine_says_why_launch_is_off_and_still_exports(monkeypatch) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU: the CPU-only statement does not apply")
    at = open_page()
    pick(at, "train_task", "misinformation")
    pick(at, "train_model", "mistral-7b")
    warning = " ".join(w.value for w in at.warning)
    assert "This machine cannot run this job" in warning
    assert "No GPU" in warning and "days" in warning  # no GPU, and the time it would take on this CPU
    assert "not on this machine and it is offline" in warning  # HF_HUB_OFFLINE=1 in tests, nothing cached
    launch = at.button(key="train_launch")
    assert launch.disabled and "Disabled:" in launch.help
    assert any("medtune train --task misinformation" in c.value and "mistral-7b" in c.value for c in at.code)
    # QLoRA is named once as impossible here, not suggested.
    at.radio(key="train_method").set_value("qlora")
    at.run()
    warning = " ".join(w.value for w in at.warning)
    assert "QLoRA" in warning and "needs a CUDA GPU" in warning
    assert "(Q)LoRA" not in warning and at.button(key="train_launch").disabled


def test_minilm_can_launch_and_fields_have_plain_labels_with_the_config_name_in_help() -> None:
    at = open_page()
    pick(at, "train_task", "sentiment")
    pick(at, "train_dataset", "drug_reviews_explabox")
    assert any("This machine can run this job" in s.value for s in at.success)
    assert not at.button(key="train_launch").disabled
    key = "train.sentiment.drug_reviews_explabox.minilm.lora"
    steps = at.number_input(key=f"{key}.max_steps")
    assert steps.label == "Stop after N steps (-1 = use epochs)" and "`max_steps`" in steps.help
    head = at.selectbox(key=f"{key}.head_init")
    assert head.label == "Classifier starting point" and "`head_init`" in head.help
    labels = [w.label for w in [*at.number_input, *at.selectbox, *at.text_input, *at.checkbox]]
    assert "max steps" not in labels and "head init" not in labels and "truncation side" not in labels
