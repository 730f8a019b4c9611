"""Load a finished run and predict: `medtune predict --run DIR --dataset NAME --input FILE --output FILE`.

Inputs are records in the dataset's own format (as in ../shared/data); label fields are ignored, so the
unlabelled test inputs and labelled files work alike. Each output line is
`{"id", "label", "confidence", "probs": {label: p}}` for classification runs and `{"id", "output"}` for
generative ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medtune.data.schemas import Example
from medtune.errors import ConfigError, DataError, NotAvailableError
from medtune.io import read_json, write_jsonl
from medtune.train.context import OUTPUT_INFO


@dataclass
class LoadedRun:
    info: dict[str, Any]
    model: Any
    tokenizer: Any

    @property
    def labels(self) -> list[str]:
        return list(self.info.get("labels") or [])


def output_dir(run_dir: Path) -> Path:
    """The run's saved adapter (preferred: smallest) or full model, whichever it has."""
    for name in ("adapter", "model"):
        if (run_dir / name / OUTPUT_INFO).is_file():
            return run_dir / name
    raise NotAvailableError(f"run {run_dir} has no trained model (adapter/ or model/ with {OUTPUT_INFO})",
                            hint="train it first, or point --run at a finished run directory")


def load_run(run_dir: str | Path, merge_lora: bool = True) -> LoadedRun:
    """A finished run's model and tokenizer (transformers + peft), in eval mode. A classification run's LoRA
    adapter comes back merged into its base weights (peft's merge_and_unload: one plain model, the fastest to
    run); `merge_lora=False` keeps the peft wrapper."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise NotAvailableError(f"run directory {run_dir} does not exist")
    saved = output_dir(run_dir)
    info = read_json(saved / OUTPUT_INFO)
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(saved), trust_remote_code=False)
    model = _load_model(saved, info, tokenizer, merge_lora=merge_lora)
    model.eval()
    return LoadedRun(info, model, tokenizer)


def _load_model(saved: Path, info: dict[str, Any], tokenizer: Any, merge_lora: bool = True) -> Any:
    from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoModelForSequenceClassification

    from medtune.models.loading import load_pretrained
    from medtune.train.modeling import apply_pooling

    head = info.get("head")
    if head == "classification":
        labels = info["labels"]
        auto = AutoModelForSequenceClassification
        kwargs = {"num_labels": len(labels), "id2label": dict(enumerate(labels)),
                  "label2id": {lbl: i for i, lbl in enumerate(labels)}}
    else:
        auto = AutoModelForSeq2SeqLM if info.get("kind") == "seq2seq" else AutoModelForCausalLM
        kwargs = {}
    pooling = info.get("pooling") or "cls"  # runs saved before the option existed used the model's own pooler
    if info.get("format") == "model":
        model = auto.from_pretrained(str(saved), trust_remote_code=False, **kwargs)
        return apply_pooling(model, pooling) if head == "classification" else model
    spec = _base_spec(info)
    base = load_pretrained(auto, spec, **kwargs)
    if head == "classification":
        if base.config.pad_token_id is None:
            base.config.pad_token_id = tokenizer.pad_token_id
        base = apply_pooling(base, pooling)
    from peft import PeftModel

    model = PeftModel.from_pretrained(base, str(saved))
    if head == "classification" and merge_lora:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # transformers' renamed-attribute notice, via peft
            return model.merge_and_unload()
    return model


def read_input(dataset: str, path: Path, task_name: str | None = None) -> list[Example]:
    """Examples for `task_name` (default: the dataset's) from a file in `dataset`'s own format, labels dropped."""
    from medtune.data.readers import read_rows
    from medtune.data.registry import converter, get_dataset
    from medtune.data.tasks import get_task, to_example

    spec = get_dataset(dataset)
    task_name = task_name or spec.default_task
    if task_name not in spec.tasks:
        raise ConfigError(f"dataset {dataset!r} does not serve the run's task {task_name!r}; it serves {list(spec.tasks)}")
    task = get_task(task_name)
    if not Path(path).is_file():
        raise DataError(f"input file {path} does not exist")
    convert = converter(spec)
    examples = []
    for n, row in enumerate(read_rows(Path(path)), start=1):
        try:
            result = convert(row)
        except (ValueError, KeyError, TypeError) as exc:
            raise DataError(f"{Path(path).name} row {n}: {str(exc).splitlines()[0]}") from exc
        for record in result if isinstance(result, list) else [result]:
            unlabelled = record.model_copy(update={k: None for k in ("label", "intensity") if hasattr(record, k)})
            examples.append(to_example(unlabelled, task, None))
    return examples


def classify(run: LoadedRun, examples: list[Example], batch_size: int = 64) -> list[dict[str, Any]]:
    """Class probabilities per example, through the one classification inference path
    (`medtune.models.batch_inference.class_probs`: tokenised once, sorted by tokens, padded per batch)."""
    from medtune.models.batch_inference import class_probs

    max_length = int(run.info.get("max_length") or 512)
    pairs = [e.text_pair or "" for e in examples] if any(e.text_pair for e in examples) else None
    probs = class_probs(run.model, run.tokenizer, [e.text for e in examples], pairs, max_length=max_length,
                        batch_size=batch_size)
    rows = []
    for ex, p in zip(examples, probs):
        best = max(range(len(p)), key=p.__getitem__)
        rows.append({"id": ex.id, "label": run.labels[best], "confidence": round(p[best], 6),
                     "probs": {lbl: round(v, 6) for lbl, v in zip(run.labels, p)}})
    return rows


def generate(run: LoadedRun, examples: list[Example], max_new_tokens: int = 256) -> list[dict[str, Any]]:
    from medtune.train.sft import sample_predictions

    rows = sample_predictions(run.model, run.tokenizer, run.info.get("kind", "causal"), examples, max_new_tokens)
    return [{"id": r["id"], "output": r["output"]} for r in rows]


def predict_file(run_dir: str | Path, dataset: str, input_path: str | Path, output_path: str | Path) -> int:
    """Predict every record of `input_path` and write one JSON line each to `output_path`; returns the count."""
    run = load_run(run_dir)
    examples = read_input(dataset, Path(input_path), run.info.get("task"))
    rows = classify(run, examples) if run.info.get("head") == "classification" else generate(run, examples)
    return write_jsonl(Path(output_path), rows)


def _base_spec(info: dict[str, Any]) -> Any:
    """The base model by its registry name first (`minilm` resolves on any machine), else the path recorded."""
    from medtune.errors import MedtuneError
    from medtune.models.registry import get_model

    try:
        return get_model(info.get("model") or info["base_model"])
    except MedtuneError:
        return get_model(info["base_model"])
