"""AppTest for the Evaluation page, on real evaluations made here: the majority baseline and the embedded MiniLM
(an untrained head, so its predictions differ from the baseline's and real flips exist) on PubMedQA's dev split.

Every number the tests expect is recomputed from the evaluations' own files (eval.json, predictions.jsonl), not
taken from the page's helpers.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PAGE = Path(__file__).resolve().parents[2] / "pages" / "evaluation.py"
DATASET, SPLIT = "pubmedqa", "dev"


def make_evaluations(root: Path) -> dict[str, Path]:
    """Two real evaluations of the same 51 items: `before` (majority) then `after` (MiniLM, written second)."""
    from medtune.eval.runner import evaluate

    dirs = {"before": root / "eval-majority", "after": root / "eval-minilm"}
    evaluate("majority", DATASET, SPLIT, dirs["before"], n_boot=200)
    evaluate("minilm", DATASET, SPLIT, dirs["after"], n_boot=200, batch_size=64, max_length=64)  # short: fast
    return dirs


def shared_evaluations(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The two evaluations, made once per pytest session (the browser test reuses them) in its base temp dir."""
    from tests.conftest import SHARED_DATA

    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    root = tmp_path_factory.getbasetemp() / "evaluation_page_fixtures"
    dirs = {"before": root / "eval-majority", "after": root / "eval-minilm"}
    if not all((d / "eval.json").is_file() for d in dirs.values()):  # eval.json is written last
        shutil.rmtree(root, ignore_errors=True)
        dirs = make_evaluations(root)
    return dirs


def install(evaluations: dict[str, Path], runs: Path) -> dict[str, Path]:
    """Copies of the evaluations in a runs directory, where the page finds them."""
    return {k: Path(shutil.copytree(d, runs / d.name)) for k, d in evaluations.items()}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return shared_evaluations(tmp_path_factory)


@pytest.fixture
def evals(made: dict[str, Path], medtune_home: Path) -> dict[str, Path]:
    from medtune.settings import get_settings

    return install(made, get_settings().runs_path)


def predictions(directory: Path) -> dict[str, dict]:
    lines = (directory / "predictions.jsonl").read_text().splitlines()
    return {row["id"]: row for row in map(json.loads, filter(None, lines))}


def eval_json(directory: Path) -> dict:
    return json.loads((directory / "eval.json").read_text())


def open_page(view: str | None = None) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=180)
    at.run()
    assert not at.exception, at.exception
    if view:
        at.radio(key="eval_view").set_value(view)
        run(at)
    return at


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def frame_by_column(at: AppTest, column: str):
    return next(df.value for df in at.dataframe if column in df.value.columns)


def shown_count(at: AppTest) -> tuple[int, int]:
    text = next(m.value for m in at.markdown if "examples shown" in m.value)
    kept, _, total = text.strip("*").split(" examples shown")[0].partition(" of ")
    return int(kept), int(total)


def test_no_evaluations_says_how_to_make_one() -> None:
    at = open_page()
    assert any("No evaluations yet" in i.value for i in at.info)


def test_leaderboard_has_our_rows_with_intervals_and_published_rows_with_sources(evals: dict[str, Path]) -> None:
    at = open_page()
    assert at.selectbox(key="lb_task").value == "qa_decision" and at.selectbox(key="lb_dataset").value == DATASET
    table = frame_by_column(at, "accuracy 95% CI")
    for side, model in (("before", "majority"), ("after", "minilm")):
        acc = eval_json(evals[side])["metrics"]["accuracy"]
        row = table[table["model"] == model].iloc[0]
        assert row["accuracy"] == pytest.approx(acc["value"])
        assert row["accuracy 95% CI"] == f"[{acc['ci'][0]:.3f}, {acc['ci'][1]:.3f}]"
        assert row["split"] == SPLIT and row["items"] in (51, "51")
    refs = table[table["kind"] == "reference"].set_index("model")
    assert refs.loc["BioGPT", "accuracy"] == pytest.approx(0.782) and "Luo et al." in refs.loc["BioGPT", "source"]
    assert refs.loc["Human (single annotator)", "accuracy"] == pytest.approx(0.78)
    # Metrics a paper did not report read "–" in the grid, not "None" (the grid draws any null as "None").
    published = table[table["kind"] == "reference"]
    assert set(published["macro_f1"]) == {"–"} and set(published["items"]) == {"–"}
    assert not table.isna().any().any()
    f1 = eval_json(evals["before"])["metrics"]["macro_f1"]["value"]
    assert table[table["model"] == "majority"]["macro_f1"].iloc[0] == f"{f1:.3f}"
    assert len(at.get("plotly_chart")) == 1  # the accuracy chart with error bars


def test_an_int8_evaluation_is_marked_as_such(evals: dict[str, Path]) -> None:
    """A quantised evaluation is not the float32 model's: the leaderboard and its header say so."""
    data = eval_json(evals["after"])
    data["model"]["quantize"] = "int8"
    (evals["after"] / "eval.json").write_text(json.dumps(data))
    at = open_page()
    models = set(frame_by_column(at, "accuracy 95% CI")["model"])
    assert "minilm (int8 weights)" in models and "majority" in models
    at.radio(key="eval_view").set_value("One evaluation")
    run(at)
    at.selectbox(key="one_eval").set_value(str(evals["after"]))
    run(at)
    assert any("quantised to int8" in i.value for i in at.info)
    at.selectbox(key="one_eval").set_value(str(evals["before"]))
    run(at)
    assert not any("quantised" in i.value for i in at.info)


def test_one_evaluation_metrics_charts_and_error_filter(evals: dict[str, Path]) -> None:
    at = open_page("One evaluation")
    at.selectbox(key="one_eval").set_value(str(evals["after"]))
    run(at)
    metrics = frame_by_column(at, "ci_low").set_index("metric")
    acc = eval_json(evals["after"])["metrics"]["accuracy"]
    assert metrics.loc["accuracy", "value"] == pytest.approx(acc["value"])
    assert metrics.loc["accuracy", "ci_low"] == pytest.approx(acc["ci"][0])
    # metrics chart, confusion matrix, reliability diagram, risk–coverage, PR curves
    assert len(at.get("plotly_chart")) == 5

    rows = predictions(evals["after"])
    wrong = [r for r in rows.values() if r["gold"] != r["pred"]]
    assert shown_count(at) == (len(rows), 51)
    at.selectbox(key="one_f_error").set_value("wrong")
    run(at)
    assert shown_count(at) == (len(wrong), 51)
    at.multiselect(key="one_f_gold").select("no")
    at.slider(key="one_f_conf").set_value((0.0, 0.5))
    run(at)
    expected = [r for r in wrong if r["gold"] == "no" and r["confidence"] <= 0.5]
    assert shown_count(at)[0] == len(expected)
    table = frame_by_column(at, "input")
    assert sorted(table["id"]) == sorted(r["id"] for r in expected) and table["input"].str.len().min() > 20


def test_compare_states_the_significance_and_filters_flips(evals: dict[str, Path]) -> None:
    from scipy.stats import binomtest

    before, after = predictions(evals["before"]), predictions(evals["after"])
    right_to_wrong = sorted(i for i in before if before[i]["correct"] and not after[i]["correct"])
    wrong_to_right = sorted(i for i in before if not before[i]["correct"] and after[i]["correct"])
    assert right_to_wrong and wrong_to_right, "the fixture needs flips both ways"
    n = len(right_to_wrong) + len(wrong_to_right)
    p = binomtest(min(len(right_to_wrong), len(wrong_to_right)), n, 0.5).pvalue  # McNemar, exact (n < 25)

    at = open_page("Compare before / after")
    assert at.selectbox(key="cmp_a").value == str(evals["before"])  # the majority baseline is the "before"
    assert at.selectbox(key="cmp_b").value == str(evals["after"])
    numbers = {m.label: m.value for m in at.metric}
    assert numbers["wrong → right"] == str(len(wrong_to_right)) and numbers["right → wrong"] == str(len(right_to_wrong))
    assert float(numbers["McNemar p-value"]) == pytest.approx(p, rel=1e-2)
    verdict = " ".join(x.value for x in [*at.info, *at.success] if "McNemar" in x.value)
    significant = p < 0.05
    assert ("significantly more accurate" in verdict) == significant
    assert ("No significant difference" in verdict) == (not significant)
    acc_a = eval_json(evals["before"])["metrics"]["accuracy"]["value"]
    acc_b = eval_json(evals["after"])["metrics"]["accuracy"]["value"]
    assert f"accuracy {acc_a:.3f} (A, majority) → {acc_b:.3f} (B, minilm)" in verdict
    deltas = frame_by_column(at, "Δ (B − A)").set_index("metric")
    assert deltas.loc["accuracy", "Δ (B − A)"] == pytest.approx(acc_b - acc_a)
    boot_significant = deltas.loc["accuracy", "p-value"] < 0.05  # the paired bootstrap beside McNemar
    assert ("the two tests disagree" in verdict) == (boot_significant != significant)

    at.selectbox(key="cmp_f_flip").set_value("right→wrong")
    run(at)
    table = frame_by_column(at, "flip")
    assert sorted(table["id"]) == right_to_wrong and set(table["flip"]) == {"right→wrong"}
    assert list(table["prediction before"]) == [before[i]["pred"] for i in table["id"]]
    at.selectbox(key="cmp_f_flip").set_value("wrong→right")
    run(at)
    assert sorted(frame_by_column(at, "flip")["id"]) == wrong_to_right


def test_launch_runs_a_background_eval_job_that_reaches_the_leaderboard(shared_data: Path) -> None:
    from medtune.jobs import manager

    at = open_page("Launch")
    at.selectbox(key="launch_dataset").set_value(DATASET)
    run(at)
    at.selectbox(key=f"launch_split_{DATASET}").set_value(SPLIT)
    at.number_input(key="launch_opt.n_boot").set_value(50)
    at.number_input(key="launch_opt.limit").set_value(20)
    run(at)
    at.button(key="eval_launch").click()
    run(at)
    job_id = at.session_state["eval_last_job"]
    job = manager.wait(job_id, timeout_s=180)
    assert job.state == "succeeded", job.status
    assert job.config["model"] == "majority" and job.config["limit"] == 20 and job.config["n_boot"] == 50
    ev = eval_json(job.dir)
    at.radio(key="eval_view").set_value("Leaderboard")
    run(at)
    table = frame_by_column(at, "accuracy 95% CI")
    ours = table[table["kind"] == "majority"]
    assert list(ours["items"]) in ([20], ["20"]) and ours["accuracy"].iloc[0] == pytest.approx(ev["metrics"]["accuracy"]["value"])


def test_api_model_without_configuration_says_what_to_set(monkeypatch: pytest.MonkeyPatch, shared_data: Path) -> None:
    for var in ("OPENAI_API_KEY", "MEDTUNE_OPENAI_API_KEY", "OPENAI_BASE_URL", "MEDTUNE_OPENAI_BASE_URL",
                "GEMINI_API_KEY", "MEDTUNE_GEMINI_API_KEY", "GOOGLE_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    at = open_page("Launch")
    at.radio(key="launch_source").set_value("API model")
    run(at)
    warning = " ".join(w.value for w in at.warning)
    assert "OPENAI_API_KEY" in warning and "MEDTUNE_OPENAI_BASE_URL" in warning and "GEMINI_API_KEY" in warning
    assert not [b for b in at.button if b.key == "eval_launch"]


def test_a_trained_run_is_named_by_its_run_name_not_its_id(evals: dict[str, Path]) -> None:
    """An evaluation of a training run (model_ref = the run's folder, named by its id) is shown by the name
    the user gave the run, in the leaderboard, the pickers and the compare sentence."""
    from medtune.settings import get_settings

    run_dir = get_settings().runs_path / "20261205-081500-123-abcdef"
    run_dir.mkdir()
    (run_dir / "config.yaml").write_text("kind: train\nname: my minilm run\ntask: qa_decision\n")
    data = eval_json(evals["after"])
    data.update(model_ref=str(run_dir / "adapter"), baseline_kind="trained", stage="after")
    (evals["after"] / "eval.json").write_text(json.dumps(data))
    at = open_page()
    models = set(frame_by_column(at, "accuracy 95% CI")["model"])
    assert "my minilm run" in models and not any(run_dir.name in str(m) for m in models)
    at.radio(key="eval_view").set_value("Compare before / after")
    run(at)
    verdict = " ".join(x.value for x in [*at.info, *at.success] if "McNemar" in x.value)
    assert "(B, my minilm run)" in verdict
    assert at.selectbox(key="cmp_b").format_func(str(evals["after"])).startswith("my minilm run · ")
