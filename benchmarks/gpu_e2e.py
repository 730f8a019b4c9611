"""End-to-end check of the GPU paths, for a session that has a GPU: prints PASS / FAIL / SKIP per step with its
time and peak memory, and exits non-zero when a step failed.

    python benchmarks/gpu_e2e.py                  # CUDA: Llama-2-7B- and Flan-T5-XL-shaped models, bf16, packing
    python benchmarks/gpu_e2e.py --cpu-smoke      # the same steps with tiny shapes on CPU (tests run it this way)

Steps, each through medtune's own commands (`python -m medtune ...`) in a fresh MEDTUNE_HOME under --out:
  models      random weights from a config, no hub: LlamaConfig with Llama-2-7B's shapes (4096 hidden, 32 layers,
              11008 MLP, 32 heads, 32k vocabulary) and T5Config with Flan-T5-XL's (2048 d_model, 24+24 layers,
              5120 gated-GELU MLP, 32 heads); a BPE / unigram tokenizer trained on MedQuAD sentences
  sft-causal  `medtune train --task sft` on the Llama shape, LoRA, padding-free packing (MEDTUNE_SFT_PACKING=on), bf16
  sft-seq2seq the same on the T5 shape
  qlora       `--method qlora` (4-bit NF4) on the Llama shape when bitsandbytes imports; else SKIP with the reason
  resume      a background run cancelled after its first complete checkpoint, then `medtune jobs resume`
  eval        `medtune eval --run` generating answers from the trained adapter
  chat-local  the chatbot's `local` generator (MEDTUNE_CHAT_LOCAL_MODEL + _ADAPTER) loading that adapter
  ddp         `--gpus 2` (DDP through accelerate) when two GPUs are present; else SKIP
Peak memory is the training process's GPU peak (status.json `gpu_peak_mb`) on CUDA, its RSS on CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

LLAMA2_7B = dict(hidden_size=4096, intermediate_size=11008, num_hidden_layers=32, num_attention_heads=32,
                 num_key_value_heads=32, max_position_embeddings=4096, vocab_size=32000, rms_norm_eps=1e-5)
FLAN_T5_XL = dict(d_model=2048, d_kv=64, d_ff=5120, num_layers=24, num_decoder_layers=24, num_heads=32,
                  vocab_size=32128, feed_forward_proj="gated-gelu")
TINY_LLAMA = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                  num_key_value_heads=2, max_position_embeddings=512, vocab_size=600)
TINY_T5 = dict(d_model=64, d_kv=16, d_ff=128, num_layers=2, num_decoder_layers=2, num_heads=4, vocab_size=600,
               feed_forward_proj="gated-gelu")


class Step:
    """One check's outcome: PASS / FAIL / SKIP, seconds, peak memory and a one-line detail."""

    def __init__(self, name: str):
        self.name, self.state, self.seconds, self.peak_mb, self.detail = name, "FAIL", 0.0, None, ""

    def line(self) -> str:
        peak = f"{self.peak_mb:,.0f} MB" if isinstance(self.peak_mb, (int, float)) else "-"
        return f"{self.state:4}  {self.name:12} {self.seconds:8.1f} s  peak {peak:>12}  {self.detail}"


class Skip(Exception):
    pass


class E2E:
    def __init__(self, out: Path, smoke: bool, steps: int):
        self.out, self.smoke, self.steps = out, smoke, steps
        self.home = out / "home"
        self.models: dict[str, Path] = {}
        self.causal_run: Path | None = None
        self.results: list[Step] = []

    # --- running steps and commands -----------------------------------------------------------------------------

    def step(self, name: str, func: Callable[[Step], None]) -> None:
        step = Step(name)
        start = time.monotonic()
        try:
            func(step)
            step.state = "PASS"
        except Skip as why:
            step.state, step.detail = "SKIP", str(why)
        except Exception as err:
            step.detail = f"{type(err).__name__}: {str(err).strip().splitlines()[-1] if str(err).strip() else ''}"
            traceback.print_exc()
        step.seconds = time.monotonic() - start
        self.results.append(step)
        print(step.line(), flush=True)

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ, MEDTUNE_HOME=str(self.home), MEDTUNE_SFT_PACKING="on", PYTHONUNBUFFERED="1",
                   HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HF_DATASETS_OFFLINE="1", MEDTUNE_OFFLINE="1",
                   TOKENIZERS_PARALLELISM="false")
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
        env.pop("MEDTUNE_RUNS_DIR", None)
        env.update(extra)
        return env

    def medtune(self, *args: str, **env: str) -> dict[str, Any]:
        """Run `python -m medtune ARGS --json`; its JSON output, or an error with the command's last lines."""
        cmd = [sys.executable, "-m", "medtune", *args, "--json"]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=self.env(**env), cwd=str(ROOT))
        if proc.returncode != 0:
            tail = (proc.stdout + proc.stderr).strip().splitlines()[-3:]
            raise RuntimeError(f"{' '.join(args[:2])} exited {proc.returncode}: {' | '.join(tail)}")
        return last_json(proc.stdout)

    def train_args(self, model: Path, out: Path, method: str = "lora", steps: int | None = None) -> list[str]:
        length = 128 if self.smoke else 1024
        batch = 4 if self.smoke else 8
        return ["train", "--task", "sft", "--dataset", "medquad", "--model", str(model), "--method", method,
                "--max-steps", str(steps or self.steps), "--out", str(out),
                "--set", f"max_length={length}", "--set", f"batch_size={batch}", "--set", "grad_accum=1",
                "--set", "logging_steps=1", "--set", f"max_train_examples={batch * (steps or self.steps) * 2}",
                "--set", "max_val_examples=8", "--set", "eval_batch_size=4", "--set", "prepare.near_dedup=false",
                "--set", "prepare.scan_phi=false", "--set", "prepare.limit=400"]

    def peak(self, run: Path) -> float | None:
        status = json.loads((run / "status.json").read_text())
        return status.get("gpu_peak_mb") or status.get("rss_mb")

    # --- the steps ------------------------------------------------------------------------------------------------

    def build_models(self, step: Step) -> None:
        import torch

        from tests.tiny_models import build_tokenizer, sample_texts

        texts = sample_texts(400)
        device = "cpu" if self.smoke else "cuda"
        dtype = torch.float32 if self.smoke else torch.bfloat16
        for kind in ("causal", "seq2seq"):
            out = self.out / "models" / kind
            tok = build_tokenizer(texts, vocab_size=600 if self.smoke else 8000,
                                  kind="unigram" if kind == "seq2seq" else "bpe")
            with torch.device(device):  # initialise where it will train: a 7B init on CPU takes minutes
                model = build_model(kind, tok, self.smoke, dtype)
            model.save_pretrained(str(out))
            tok.save_pretrained(str(out))
            params = sum(p.numel() for p in model.parameters())
            del model
            self.models[kind] = out
            step.detail += f"{kind} {params / 1e6:,.1f}M params; "
        if torch.cuda.is_available():
            step.peak_mb = torch.cuda.max_memory_allocated() / 2**20
            torch.cuda.empty_cache()

    def sft(self, kind: str) -> Callable[[Step], None]:
        def run(step: Step) -> None:
            out = self.out / "runs" / f"sft-{kind}"
            result = self.medtune(*self.train_args(self.models[kind], out))
            check_trained(result, out, self.steps)
            step.peak_mb = self.peak(out)
            step.detail = describe(result, out)
            if not self.smoke and not trained_bf16(out):
                raise RuntimeError(f"trained, but not in bf16 on CUDA: {step.detail}")
            if kind == "causal" and not packed(out):
                raise RuntimeError(f"trained, but not padding-free packed (MEDTUNE_SFT_PACKING=on): {step.detail}")
            if kind == "causal":
                self.causal_run = out
        return run

    def qlora(self, step: Step) -> None:
        import torch

        if not torch.cuda.is_available():
            raise Skip("QLoRA needs CUDA (4-bit weights via bitsandbytes); this run has no GPU")
        try:
            import bitsandbytes  # noqa: F401
        except Exception as err:
            raise Skip(f"bitsandbytes is not importable: {type(err).__name__}: {err}") from None
        out = self.out / "runs" / "qlora-causal"
        result = self.medtune(*self.train_args(self.models["causal"], out, method="qlora"))
        check_trained(result, out, self.steps)
        step.peak_mb = self.peak(out)
        step.detail = describe(result, out)

    def resume(self, step: Step) -> None:
        steps = max(self.steps * 3, 24)
        out = self.out / "runs" / "resume-causal"
        args = self.train_args(self.models["causal"], out, steps=steps) + ["--set", "eval_steps=2", "--background"]
        job_id = self.medtune(*args)["id"]
        status_file = out / "status.json"
        deadline = time.monotonic() + (600 if not self.smoke else 300)
        while not any((c / "COMPLETE").is_file() for c in (out / "checkpoints").glob("checkpoint-*")):
            state = json.loads(status_file.read_text()).get("state")
            if state not in ("queued", "running") or time.monotonic() > deadline:
                raise RuntimeError(f"no complete checkpoint before the job became {state}")
            time.sleep(0.2)
        self.medtune("jobs", "cancel", job_id)
        job = wait_job(self, job_id, deadline)
        if job["state"] != "cancelled":
            raise RuntimeError(f"cancel: the job ended {job['state']} [{job.get('reason')}] {job.get('message')}")
        stopped = job.get("step")
        self.medtune("jobs", "resume", job_id)
        job = wait_job(self, job_id, deadline)
        if job["state"] != "succeeded" or job.get("step") != steps or not job.get("resumed_from"):
            raise RuntimeError(f"resume ended {job['state']} at step {job.get('step')}, "
                               f"resumed_from {job.get('resumed_from')}: {job.get('message')}")
        step.peak_mb = self.peak(out)
        step.detail = f"cancelled at step {stopped}, resumed from checkpoint {job['resumed_from']}, ended at {steps}"

    def evaluate(self, step: Step) -> None:
        if self.causal_run is None:
            raise Skip("no causal run to evaluate (sft-causal failed)")
        out = self.out / "evals" / "causal-adapter"
        # the smoke run skips BERTScore and the verifier (model loads that take most of a CPU minute)
        metrics = ["--metrics", "rouge1,rougeL,answer_length"] if self.smoke else []
        limit = 2 if self.smoke else 8
        result = self.medtune("eval", "--run", str(self.causal_run), "--dataset", "medquad", "--split", "all",
                              "--limit", str(limit), "--out", str(out), "--n-boot", "50", *metrics)
        rows = [json.loads(line) for line in (out / "predictions.jsonl").read_text().splitlines() if line.strip()]
        if len(rows) != limit or not all(isinstance(r.get("pred"), str) for r in rows):
            raise RuntimeError(f"expected {limit} generated predictions, got {rows[:2]}")
        values = {k: v.get("value") for k, v in (result.get("metrics") or {}).items() if isinstance(v, dict)}
        step.detail = f"{len(rows)} answers generated from the adapter; " + ", ".join(
            f"{k} {v:.3f}" for k, v in values.items() if isinstance(v, (int, float)))

    def chat_local(self, step: Step) -> None:
        import torch

        if self.causal_run is None:
            raise Skip("no causal run whose adapter the chat could load (sft-causal failed)")
        os.environ.update(MEDTUNE_CHAT_LOCAL_MODEL=str(self.models["causal"]),
                          MEDTUNE_CHAT_LOCAL_ADAPTER=str(self.causal_run / "adapter"), MEDTUNE_CHAT_MAX_NEW_TOKENS="16")
        from medtune.chat.config import get_chat_settings
        from medtune.chat.generators import GenerationRequest, build_generator, load_local

        if hasattr(get_chat_settings, "cache_clear"):
            get_chat_settings.cache_clear()
        generator = build_generator("local")
        answer = "".join(generator.stream(GenerationRequest(question="What is high blood pressure?", evidence=[])))
        model, _ = load_local(generator.model, generator.adapter)
        if type(model).__name__ != "PeftModelForCausalLM" and "Peft" not in type(model).__name__:
            raise RuntimeError(f"the local generator loaded {type(model).__name__}, not the adapter")
        if torch.cuda.is_available():
            step.peak_mb = torch.cuda.max_memory_allocated() / 2**20
        step.detail = f"{type(model).__name__} on {next(model.parameters()).device}; answer of {len(answer)} chars"

    def ddp(self, step: Step) -> None:
        import torch

        if torch.cuda.device_count() < 2:
            raise Skip(f"--gpus 2 needs two GPUs; this machine has {torch.cuda.device_count()} "
                       "(tests/train/test_distributed.py checks two gloo CPU processes)")
        out = self.out / "runs" / "ddp-causal"
        result = self.medtune(*self.train_args(self.models["causal"], out), "--gpus", "2")
        check_trained(result, out, self.steps)
        step.peak_mb = self.peak(out)
        step.detail = describe(result, out) + " on 2 processes"

    def run(self) -> int:
        import torch

        print(f"gpu_e2e: {'CPU smoke (tiny shapes)' if self.smoke else 'CUDA'}; torch {torch.__version__}, "
              f"cuda {torch.cuda.is_available()} ({torch.cuda.device_count()} GPU), out {self.out}", flush=True)
        self.step("models", self.build_models)
        if not self.models:
            return 1
        self.step("sft-causal", self.sft("causal"))
        self.step("sft-seq2seq", self.sft("seq2seq"))
        self.step("qlora", self.qlora)
        self.step("resume", self.resume)
        self.step("eval", self.evaluate)
        self.step("chat-local", self.chat_local)
        self.step("ddp", self.ddp)
        failed = [s.name for s in self.results if s.state == "FAIL"]
        print(f"gpu_e2e: {len(self.results) - len(failed)} of {len(self.results)} steps passed or skipped"
              + (f"; FAILED: {', '.join(failed)}" if failed else ""), flush=True)
        return 1 if failed else 0


def build_model(kind: str, tok: Any, smoke: bool, dtype: Any) -> Any:
    """A randomly initialised model of the real architecture and shapes (no weights from the hub)."""
    if kind == "causal":
        from transformers import LlamaConfig, LlamaForCausalLM

        shape = TINY_LLAMA if smoke else LLAMA2_7B
        config = LlamaConfig(**shape, pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id,
                             eos_token_id=tok.eos_token_id, tie_word_embeddings=False, dtype=dtype)
        return LlamaForCausalLM(config).to(dtype)
    from transformers import T5Config, T5ForConditionalGeneration

    shape = TINY_T5 if smoke else FLAN_T5_XL
    config = T5Config(**shape, pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id,
                      decoder_start_token_id=tok.pad_token_id, tie_word_embeddings=False, dtype=dtype)
    return T5ForConditionalGeneration(config).to(dtype)


def check_trained(result: dict[str, Any], run: Path, steps: int) -> None:
    if result.get("state") != "succeeded":
        raise RuntimeError(f"{result.get('state')} [{result.get('reason')}] {result.get('message')}")
    if result.get("step") != steps or not (run / "adapter" / "adapter_model.safetensors").is_file():
        raise RuntimeError(f"step {result.get('step')} of {steps}; adapter saved: {(run / 'adapter').is_dir()}")


def packed(run: Path) -> bool:
    """trl logs "Packing train dataset" when it packs the SFT rows (sft.causal_trainer with packing on)."""
    return "Packing train dataset" in (run / "log.txt").read_text(encoding="utf-8", errors="replace")


def trained_bf16(run: Path) -> bool | None:
    """The Trainer's bf16 flag, from the TrainingArguments saved in the run's newest checkpoint."""
    import torch

    saved = sorted((run / "checkpoints").glob("checkpoint-*/training_args.bin"), key=lambda p: p.stat().st_mtime)
    if not saved:
        return None
    return bool(getattr(torch.load(saved[-1], weights_only=False), "bf16", False))  # our own file, just written


def describe(result: dict[str, Any], run: Path) -> str:
    return (f"loss {float(result.get('loss') or 'nan'):.3f}, {result.get('tokens_per_s')} tokens/s, "
            f"eval_loss {float(result.get('val_loss') or 'nan'):.3f}, packed {packed(run)}, bf16 {trained_bf16(run)}")


def last_json(text: str) -> dict[str, Any]:
    """The JSON document a command printed last (a foreground run prints the trainer's output before it)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return json.loads(text[text.rfind("\n{") + 1:])


def wait_job(e2e: E2E, job_id: str, deadline: float) -> dict[str, Any]:
    """Poll the job's status.json (what the Jobs page reads), then return `medtune jobs show`'s view of it."""
    status_file = e2e.home / "runs" / job_id / "status.json"
    while time.monotonic() < deadline:
        if json.loads(status_file.read_text()).get("state") not in ("queued", "running"):
            break
        time.sleep(0.5)
    return e2e.medtune("jobs", "show", job_id)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpu-smoke", action="store_true", help="tiny shapes on CPU (what the tests run)")
    parser.add_argument("--out", type=Path, default=Path("gpu_e2e_out"), help="work folder (models, runs, evals)")
    parser.add_argument("--steps", type=int, default=None, help="optimizer steps per training run "
                                                                "(default 4 smoke, 20 CUDA)")
    args = parser.parse_args(argv)
    import torch

    if not args.cpu_smoke and not torch.cuda.is_available():
        print("gpu_e2e: no CUDA device here; run with --cpu-smoke for the tiny CPU version", flush=True)
        return 2
    out = args.out.absolute()
    out.mkdir(parents=True, exist_ok=True)
    os.environ.update(MEDTUNE_HOME=str(out / "home"), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    os.environ.pop("MEDTUNE_RUNS_DIR", None)
    sys.path.insert(0, str(ROOT))
    return E2E(out, args.cpu_smoke, args.steps or (4 if args.cpu_smoke else 20)).run()


if __name__ == "__main__":
    sys.exit(main())
