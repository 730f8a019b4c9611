"""Fast encoder inference: length-sorted batches give the one-item-at-a-time probabilities in input order, a
merged LoRA adapter computes what the adapter computed, int8 is opt-in and recorded, and eval.json times its
stages. The models are tiny BERTs built from a config (with the embedded MiniLM tokenizer), so each test
takes seconds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from medtune.errors import ConfigError
from medtune.eval.runner import evaluate
from medtune.models.batch_inference import class_probs, pad_features, prepare_for_inference, quantize_int8

LABELS = ["true", "false"]


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny matrices: a second thread only adds contention on a shared 2-core machine."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import AutoTokenizer

    from medtune.models.embedded import minilm_path

    return AutoTokenizer.from_pretrained(str(minilm_path()))


def tiny_bert(num_labels: int = 2, seed: int = 0):
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    torch.manual_seed(seed)
    config = BertConfig(vocab_size=30522, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                        num_attention_heads=4, max_position_embeddings=512, num_labels=num_labels,
                        id2label=dict(enumerate(LABELS[:num_labels])), label2id={lab: i for i, lab in enumerate(LABELS)})
    return BertForSequenceClassification(config).eval()


TEXTS = ["Masks reduce transmission.", "Vitamin C cures COVID-19 in two days, doctors say, and nobody wants you "
         "to know it because the big companies would lose money.", "5G towers spread the virus.",
         "Handwashing helps.", "Vaccines were tested in large randomised trials before approval in many countries "
         "around the world."]
PAIRS = ["Evidence one.", None, "A much longer evidence passage with many more words than the others have here.",
         "", "Short."]


def one_by_one(model, tokenizer, texts, pairs, max_length):
    import torch

    out = []
    with torch.inference_mode():
        for text, pair in zip(texts, pairs if pairs is not None else [None] * len(texts)):
            enc = tokenizer([text], [pair or ""] if pairs is not None else None, truncation=True,
                            max_length=max_length, return_tensors="pt")
            out.append(torch.softmax(model(**enc).logits, dim=-1)[0].tolist())
    return out


@pytest.mark.parametrize("pairs", [None, PAIRS])
def test_sorted_batches_match_one_item_at_a_time_in_input_order(tokenizer, pairs) -> None:
    model = tiny_bert()
    seen = []
    fast = class_probs(model, tokenizer, TEXTS, pairs, max_length=24, batch_size=2,
                       progress=lambda done, total: seen.append((done, total)))
    slow = one_by_one(model, tokenizer, TEXTS, pairs, 24)
    assert len(fast) == len(TEXTS)
    for a, b in zip(fast, slow):
        assert a == pytest.approx(b, abs=1e-5)
    assert seen[-1] == (5, 5) and [d for d, _ in seen] == [2, 4, 5]


def test_padding_right_and_left() -> None:
    feats = [{"input_ids": [1, 2, 3], "attention_mask": [1, 1, 1]}, {"input_ids": [4], "attention_mask": [1]}]
    right = pad_features(feats, pad_id=0)
    assert right["input_ids"].tolist() == [[1, 2, 3], [4, 0, 0]]
    assert right["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]]
    left = pad_features([{"input_ids": [1, 2]}, {"input_ids": [4]}], pad_id=9, left=True)
    assert left["input_ids"].tolist() == [[1, 2], [9, 4]] and left["attention_mask"].tolist() == [[1, 1], [0, 1]]


def test_merged_lora_computes_what_the_adapter_computed(tokenizer) -> None:
    import torch
    from peft import LoraConfig, TaskType, get_peft_model

    model = get_peft_model(tiny_bert(), LoraConfig(task_type=TaskType.SEQ_CLS, r=4, lora_alpha=8,
                                                   target_modules=["query", "value", "dense"]))
    with torch.no_grad():  # a trained-looking adapter: B is zero at initialisation, which would prove nothing
        for name, p in model.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.5)
    before = class_probs(model, tokenizer, TEXTS, PAIRS, max_length=32, batch_size=4)
    merged = prepare_for_inference(model)
    assert not hasattr(merged, "peft_config") and not any(p.requires_grad for p in merged.parameters())
    after = class_probs(merged, tokenizer, TEXTS, PAIRS, max_length=32, batch_size=4)
    for a, b in zip(before, after):
        assert a == pytest.approx(b, abs=1e-5)
    assert max(abs(x - y) for a, b in zip(before, class_probs(tiny_bert(), tokenizer, TEXTS, PAIRS, max_length=32,
                                                                batch_size=4)) for x, y in zip(a, b)) > 1e-3


def test_int8_quantises_the_encoder_not_the_head(tokenizer) -> None:
    import torch

    model = tiny_bert()
    q = quantize_int8(tiny_bert())
    linear = [n for n, m in q.named_modules() if type(m) is torch.nn.Linear]
    assert linear == ["classifier"]
    assert any("quantized" in type(m).__module__ for m in q.modules())
    for a, b in zip(class_probs(model, tokenizer, TEXTS, PAIRS, max_length=32, batch_size=4),
                    class_probs(q, tokenizer, TEXTS, PAIRS, max_length=32, batch_size=4)):
        assert a == pytest.approx(b, abs=0.05)


def make_run(run_dir: Path, tokenizer, max_length: int = 40) -> Path:
    """A run directory in the training engine's layout (model/ + medtune.json), with a tiny untrained BERT."""
    saved = run_dir / "model"
    tiny_bert(seed=3).save_pretrained(saved)
    tokenizer.save_pretrained(saved)
    info = {"head": "classification", "task": "misinformation", "labels": LABELS, "model": "minilm",
            "base_model": "minilm", "kind": "encoder", "method": "full", "max_length": max_length, "format": "model"}
    (saved / "medtune.json").write_text(json.dumps(info))
    return run_dir


def test_trained_run_predictions_stay_in_item_order(shared_data: Path, tmp_path: Path, tokenizer) -> None:
    pytest.importorskip("medtune.train.predict")
    from medtune.data.examples import load_examples

    run = make_run(tmp_path / "run", tokenizer)
    ev = evaluate(None, "covid_fake_news", "val", tmp_path / "ev", run_dir=str(run), limit=60, n_boot=50)
    rows = [json.loads(line) for line in (tmp_path / "ev" / "predictions.jsonl").read_text().splitlines()]
    items = load_examples("covid_fake_news", "val", limit=60)
    assert [r["id"] for r in rows] == [e.id for e in items]
    model = tiny_bert(seed=3)
    expected = one_by_one(model, tokenizer, [e.text for e in items], None, 40)
    for row, probs in zip(rows, expected):
        assert [row["probs"][lbl] for lbl in LABELS] == pytest.approx(probs, abs=1e-4)
    assert set(ev["timings"]) == {"data_s", "load_s", "predict_s", "metrics_s"}
    assert all(v >= 0 for v in ev["timings"].values()) and "quantize" not in ev["model"]

    q = evaluate(None, "covid_fake_news", "val", tmp_path / "q", run_dir=str(run), limit=60, n_boot=0,
                 quantize="int8")
    assert q["model"]["quantize"] == "int8" and q["config"]["quantize"] == "int8"


def test_quantize_is_refused_where_it_does_not_apply(shared_data: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="encoder classifiers"):
        evaluate("majority", "pubmedqa", "dev", tmp_path, quantize="int8")
    with pytest.raises(ConfigError, match="quantize"):
        evaluate("majority", "pubmedqa", "dev", tmp_path, quantize="int4")


FAULTS_SCRIPT = """
import resource, sys
import torch
from transformers import BertConfig, BertModel
from medtune.models.batch_inference import reuse_freed_memory
torch.set_num_threads(1)
tuned = reuse_freed_memory() if sys.argv[1] == "tuned" else False
config = BertConfig(hidden_size=384, intermediate_size=1536, num_hidden_layers=2, num_attention_heads=12, vocab_size=1000)
model = BertModel(config).eval()  # MiniLM's widths: a batch of 32 x 256 tokens makes 10-50 MB activation buffers
ids = torch.randint(0, 1000, (32, 256))
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
with torch.inference_mode():
    model(input_ids=ids)
    before = faults()
    for _ in range(4):
        model(input_ids=ids)
print(tuned, faults() - before)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc malloc settings")
def test_reuse_freed_memory_stops_refaulting_large_buffers() -> None:
    """Without the setting each batch's activation buffers come back as fresh pages (~60k faults a batch here);
    with it the heap reuses them."""
    runs = {}
    for mode in ("default", "tuned"):
        done = subprocess.run([sys.executable, "-c", FAULTS_SCRIPT, mode], capture_output=True, text=True, timeout=120,
                              cwd=Path(__file__).resolve().parents[2])
        assert done.returncode == 0, done.stderr
        tuned, faults = done.stdout.split()
        runs[mode] = (tuned, int(faults))
    assert runs["tuned"][0] == "True"
    assert runs["default"][1] > 4 * 20_000  # measured 236k-289k over the 4 batches
    assert runs["tuned"][1] < runs["default"][1] / 5  # measured 1-15k: at most the heap growing once


def test_metric_libraries_are_imported_beside_prediction() -> None:
    """`prefetch_sklearn` (started by the runner when prediction begins) leaves sklearn.metrics imported, in a
    fresh interpreter that had not loaded it."""
    import subprocess

    script = ("import sys; from medtune.eval.classification import prefetch_sklearn; "
              "before = 'sklearn.metrics' in sys.modules; thread = prefetch_sklearn(); thread.join(120); "
              "print(before, thread.daemon, 'sklearn.metrics' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=180,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "True"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc malloc settings")
def test_batch_commands_tune_the_allocator_once_at_start_and_others_do_not(shared_data: Path, tmp_path: Path) -> None:
    """Issue 18.4: the allocator setting is made at process start-up by batch commands (`medtune eval`), not
    inside every evaluate() call, and never by other commands (the setting keeps peak memory until exit)."""
    import os

    script = ("import sys; from medtune.cli import main; from medtune.models import batch_inference; "
              "code = main(sys.argv[1:]); print('TUNED', code, batch_inference._MALLOC_TUNED)")
    env = {**os.environ, "MEDTUNE_HOME": str(tmp_path / "home")}
    runs = {}
    for name, argv in {"eval": ["eval", "--model", "majority", "--dataset", "pubmedqa", "--split", "dev", "--limit",
                                "20", "--n-boot", "0", "--out", str(tmp_path / "ev")],
                       "models": ["models", "list"]}.items():
        done = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True, timeout=180,
                              cwd=Path(__file__).resolve().parents[2], env=env)
        assert done.returncode == 0, done.stderr
        runs[name] = done.stdout.strip().splitlines()[-1]
    assert runs == {"eval": "TUNED 0 True", "models": "TUNED 0 False"}
    from medtune.eval.runner import evaluate
    from medtune.models import batch_inference

    if not batch_inference._MALLOC_TUNED:  # this test process: evaluate() alone leaves the allocator as it was
        evaluate("majority", "pubmedqa", "dev", tmp_path / "in-process", limit=10, n_boot=0)
        assert batch_inference._MALLOC_TUNED is False
