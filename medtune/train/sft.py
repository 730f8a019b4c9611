"""Generative supervised fine-tuning (task `sft`): causal LMs through trl's SFTTrainer, seq2seq through
transformers' Seq2SeqTrainer; LoRA, QLoRA (CUDA) or full.

Causal rows are conversational prompt / completion pairs rendered with the model's chat template (the
registry's when the tokenizer ships none); `completion_only_loss` trains on the answer tokens only, so
the model learns to answer, not to repeat questions. A dialogue becomes the turns before the last doctor
reply (prompt) and that reply (completion).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from medtune.data.schemas import Example
from medtune.errors import CancelledError, DataError
from medtune.io import atomic_write_json, write_jsonl
from medtune.models.loading import check_loadable, load_pretrained, load_tokenizer, resolved_commit
from medtune.models.registry import ModelSpec, get_model
from medtune.models.templates import get_template
from medtune.train import data as tdata
from medtune.train.callbacks import ProgressCallback, TokenMeter, record_resume
from medtune.train.classify import (
    last_complete_stage,
    progress_of,
    save_stage,
    save_with_info,
    stage_checkpoints,
    stage_dir,
)
from medtune.train.config import Stage, TrainConfig
from medtune.train.context import Reporter, latest_complete
from medtune.train.packing import RowPackedCollator
from medtune.train.modeling import apply_lora, continue_from, load_kwargs, seed_everything, set_threads, training_kwargs

PREDICTION_SAMPLES = 16  # validation answers generated after training, for a first look (evaluation does more)


def messages_of(ex: Example) -> tuple[list[dict[str, str]], str]:
    """(prompt messages, target answer) for one example."""
    if ex.messages:
        turns = [{"role": t.role, "content": t.content} for t in ex.messages]
        last = max((i for i, t in enumerate(turns) if t["role"] == "assistant"), default=None)
        if last is None or last == 0:
            raise DataError(f"example {ex.id}: a dialogue needs a user turn followed by an assistant turn")
        return turns[:last], turns[last]["content"]
    if not ex.target:
        raise DataError(f"example {ex.id}: no target answer to train on")
    return [{"role": "user", "content": ex.text}], ex.target


def seq2seq_source(prompt: list[dict[str, str]]) -> str:
    names = {"user": "Patient", "assistant": "Doctor", "system": "Instructions"}
    if len(prompt) == 1:
        return f"Answer the question: {prompt[0]['content']}"
    return "\n".join(f"{names[m['role']]}: {m['content']}" for m in prompt) + "\nDoctor:"


def prompt_text(ex: Example, tokenizer: Any, kind: str) -> str:
    """The text a trained model is given at inference, formatted as in training."""
    prompt = messages_of(ex)[0] if (ex.messages or ex.target) else [{"role": "user", "content": ex.text}]
    if kind == "seq2seq":
        return seq2seq_source(prompt)
    return tokenizer.apply_chat_template(prompt, add_generation_prompt=True, tokenize=False)


def ensure_template(tokenizer: Any, spec: ModelSpec) -> None:
    if spec.chat_template or not getattr(tokenizer, "chat_template", None):
        tokenizer.chat_template = get_template(spec.chat_template)


def load_base(spec: ModelSpec, cfg: TrainConfig) -> Any:
    from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM

    auto = AutoModelForSeq2SeqLM if spec.kind == "seq2seq" else AutoModelForCausalLM
    model = load_pretrained(auto, spec, **load_kwargs(cfg))
    if cfg.gradient_checkpointing:
        model.config.use_cache = False
    return model


def run(cfg: TrainConfig, reporter: Reporter) -> dict[str, Any]:
    spec = get_model(cfg.model)
    check_loadable(spec)
    set_threads(cfg)
    job_dir = Path(reporter.job_dir)
    stages = cfg.stage_list()
    datasets = [stage_data(cfg, stage, job_dir) for stage in stages]
    reporter.update(message=f"loading {spec.name}")
    tokenizer = load_tokenizer(spec)
    ensure_template(tokenizer, spec)
    seed_everything(cfg.seed)
    model = load_base(spec, cfg)
    task_type = "SEQ_2_SEQ_LM" if spec.kind == "seq2seq" else "CAUSAL_LM"
    start = 0
    if reporter.resume and (done := last_complete_stage(job_dir, len(stages))) is not None:
        saved = stage_dir(job_dir, done)
        model = load_base(replace(spec, local_path=str(saved)), cfg) if cfg.method == "full" else \
            continue_from(model, saved, cfg)
        start = done + 1
    else:
        model = apply_lora(model, cfg, spec, task_type)
    trainer = None
    for i in range(start, len(stages)):
        trainer = train_stage(cfg, spec, reporter, model, tokenizer, stages[i], i, len(stages), datasets[i])
        model = trainer.model
        if i < len(stages) - 1:
            save_stage(model, tokenizer, stage_dir(job_dir, i))
    result = evaluate_and_save(cfg, spec, trainer, tokenizer, datasets[-1], job_dir)
    result["data"] = [d.report for d in datasets]
    result["model_commit"] = resolved_commit(model)
    return result


def stage_data(cfg: TrainConfig, stage: Stage, work_dir: Path) -> tdata.SplitData:
    parts = [tdata.load_split_data(name, cfg.task, cfg, work_dir) for name in stage.datasets]
    merged = tdata.SplitData([ex for p in parts for ex in p.train], [ex for p in parts for ex in p.validation],
                             {"datasets": [p.report for p in parts]})
    if not merged.train or not merged.validation:
        raise DataError(f"stage {stage.name}: no training or validation examples in {stage.datasets}")
    return merged


def train_stage(cfg: TrainConfig, spec: ModelSpec, reporter: Reporter, model: Any, tokenizer: Any, stage: Stage,
                index: int, n_stages: int, data: tdata.SplitData) -> Any:
    out = stage_checkpoints(reporter, index)
    meter = TokenMeter()
    progress = ProgressCallback(reporter, meter, stage=stage.name or f"stage-{index + 1}", stage_index=index,
                                n_stages=n_stages, metric="loss", checkpoint_minutes=cfg.checkpoint_minutes)
    kwargs = training_kwargs(cfg, stage, out, metric="eval_loss", greater_is_better=False)
    build = seq2seq_trainer if spec.kind == "seq2seq" else causal_trainer
    trainer = build(cfg, model, tokenizer, data, kwargs, [progress], meter)
    resume_from = latest_complete(out) if reporter.resume else None
    if reporter.resume:
        record_resume(reporter, resume_from, progress.stage)
    trainer.train(resume_from_checkpoint=str(resume_from) if resume_from else None)
    if progress.cancelled:
        raise CancelledError(f"cancelled at step {trainer.state.global_step}; a checkpoint was saved to resume from")
    return trainer


def use_packing(model: Any) -> bool:
    """Whether causal SFT batches are packed padding-free: `MEDTUNE_SFT_PACKING` on / off, or auto = on when
    the model sits on a CUDA device (where the saved padding is the bulk of the step time; on CPU the rows are
    small and dynamic padding already wastes little)."""
    from medtune.settings import get_settings

    mode = get_settings().sft_packing
    if mode != "auto":
        return mode == "on"
    device = getattr(model, "device", None)
    return getattr(device, "type", "cpu") == "cuda"


def fit_prompt(prompt: list[dict[str, str]], tokenizer: Any, budget: int) -> list[dict[str, str]]:
    """Shorten a prompt to `budget` tokens so the answer always fits after it: oldest turns go first, then
    the start of the remaining message (a long patient message ends with the actual question)."""
    def size(msgs: list[dict[str, str]]) -> int:
        text = tokenizer.apply_chat_template(msgs, add_generation_prompt=True, tokenize=False)
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])

    msgs = list(prompt)
    while len(msgs) > 1 and (size(msgs) > budget or msgs[0]["role"] == "assistant"):
        msgs = msgs[1:]
    overflow = size(msgs) - budget
    if overflow > 0:
        ids = tokenizer(msgs[-1]["content"], add_special_tokens=False)["input_ids"]
        msgs[-1] = {**msgs[-1], "content": tokenizer.decode(ids[min(len(ids) - 1, overflow):])}
    return msgs


def causal_rows(examples: list[Example], tokenizer: Any, max_length: int) -> list[dict[str, Any]]:
    """Prompt / completion rows; prompts get at most half of max_length, the answer is truncated at its end."""
    rows = []
    for ex in examples:
        prompt, answer = messages_of(ex)
        rows.append({"prompt": fit_prompt(prompt, tokenizer, max_length // 2),
                     "completion": [{"role": "assistant", "content": answer}]})
    return rows


def metered(trainer_cls: type, meter: TokenMeter) -> type:
    """`trainer_cls` counting the tokens of every training batch into `meter` (tokens/s and MFU in the log)."""

    class Metered(trainer_cls):  # type: ignore[misc, valid-type]
        def compute_loss(self, model, inputs, *args, **kw):
            if model.training:
                meter.add_batch(inputs)
            return super().compute_loss(model, inputs, *args, **kw)

    Metered.__name__ = f"Metered{trainer_cls.__name__}"
    return Metered


def causal_trainer(cfg: TrainConfig, model: Any, tokenizer: Any, data: tdata.SplitData, kwargs: dict[str, Any],
                   callbacks: list[Any], meter: TokenMeter) -> Any:
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    packing = use_packing(model)
    # Packed rows hold up to batch × max_length tokens of whole sequences (trl's best-fit-decreasing), so a
    # step sees as many real tokens as a padded batch would hold in total; see medtune/train/packing.py.
    packed = {"packing": True, "packing_strategy": "bfd", "padding_free": True} if packing else {"packing": False}
    args = SFTConfig(**kwargs, max_length=cfg.max_length, completion_only_loss=True, **packed)
    trainer = metered(SFTTrainer, meter)(model=model, args=args, processing_class=tokenizer,
                                train_dataset=Dataset.from_list(causal_rows(data.train, tokenizer, cfg.max_length)),
                                eval_dataset=Dataset.from_list(causal_rows(data.validation, tokenizer,
                                                                           cfg.max_length)),
                                callbacks=callbacks)
    if packing:  # keep packed rows apart (trl would flatten the batch into one row); see RowPackedCollator
        trainer.data_collator = RowPackedCollator(tokenizer.pad_token_id)
    return trainer


def seq2seq_features(examples: list[Example], tokenizer: Any, max_length: int) -> list[dict[str, Any]]:
    rows = []
    side = tokenizer.truncation_side
    for ex in examples:
        prompt, answer = messages_of(ex)
        tokenizer.truncation_side = "left"  # a long dialogue keeps its latest turns, next to the reply
        enc = tokenizer(seq2seq_source(prompt), truncation=True, max_length=max_length)
        tokenizer.truncation_side = side
        enc["labels"] = tokenizer(text_target=answer, truncation=True, max_length=max_length)["input_ids"]
        rows.append(dict(enc))
    return rows


def seq2seq_trainer(cfg: TrainConfig, model: Any, tokenizer: Any, data: tdata.SplitData, kwargs: dict[str, Any],
                    callbacks: list[Any], meter: TokenMeter) -> Any:
    from transformers import DataCollatorForSeq2Seq, Seq2SeqTrainer, Seq2SeqTrainingArguments

    args = Seq2SeqTrainingArguments(**kwargs)
    return metered(Seq2SeqTrainer, meter)(
        model=model, args=args, processing_class=tokenizer,
        train_dataset=seq2seq_features(data.train, tokenizer, cfg.max_length),
        eval_dataset=seq2seq_features(data.validation, tokenizer, cfg.max_length),
        data_collator=DataCollatorForSeq2Seq(tokenizer, model=model), callbacks=callbacks,
    )


def evaluate_and_save(cfg: TrainConfig, spec: ModelSpec, trainer: Any, tokenizer: Any, data: tdata.SplitData,
                      job_dir: Path) -> dict[str, Any]:
    progress = progress_of(trainer)
    metrics = trainer.evaluate()
    if progress is not None:
        progress.end_phase(f"generating {min(PREDICTION_SAMPLES, len(data.validation))} sample answers")
    model = trainer.model
    info = {"head": "generation", "task": cfg.task, "model": cfg.model, "base_model": spec.source,
            "kind": spec.kind, "method": cfg.method, "max_length": cfg.max_length}
    first = "model" if cfg.method == "full" else "adapter"
    saved = {first: save_with_info(model, tokenizer, job_dir / first, {**info, "format": first}, base_id=spec.hub_id)}
    samples = sample_predictions(model, tokenizer, spec.kind, data.validation[:PREDICTION_SAMPLES])
    write_jsonl(job_dir / "predictions.jsonl", samples)
    if cfg.method != "full" and cfg.merge_adapter:
        merged = model.merge_and_unload()
        saved["model"] = save_with_info(merged, tokenizer, job_dir / "model", {**info, "format": "model"})
    evaluation = {"split": "validation", "examples": len(data.validation), "primary_metric": "eval_loss",
                  "primary": metrics.get("eval_loss"), "metrics": metrics,
                  "best_checkpoint": getattr(trainer.state, "best_model_checkpoint", None)}
    atomic_write_json(job_dir / "eval.json", evaluation)
    return {"eval": evaluation, "outputs": saved}


def sample_predictions(model: Any, tokenizer: Any, kind: str, examples: list[Example],
                       max_new_tokens: int = 64) -> list[dict[str, Any]]:
    import torch

    model.eval()
    rows = []
    with torch.inference_mode():
        for ex in examples:
            enc = tokenizer(prompt_text(ex, tokenizer, kind), return_tensors="pt", add_special_tokens=kind == "seq2seq")
            enc = {k: v.to(model.device) for k, v in enc.items()}
            out = model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False,
                                 pad_token_id=tokenizer.pad_token_id)
            if kind != "seq2seq":
                out = out[:, enc["input_ids"].shape[1]:]
            reference = messages_of(ex)[1] if (ex.messages or ex.target) else None
            rows.append({"id": ex.id, "output": tokenizer.decode(out[0], skip_special_tokens=True).strip(),
                         "reference": reference})
    return rows
