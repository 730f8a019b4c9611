"""Training throughput: medtune's training path vs a plain transformers + peft baseline, same model, data
and steps, in one process. Prints useful (non-padding) tokens/s for both, their ratio and model-FLOPs
utilisation (MFU).

    python benchmarks/train_throughput.py                       # CPU: MiniLM, COVID-tweet intensity
    python benchmarks/train_throughput.py --device cuda --model llama2-7b-shape   # GPU (H100/H200)

CPU: the baseline pads every tweet to max_length, samples randomly and uses torch's default threads (what a
plain Trainer script does); medtune pads each batch to its own longest input, groups similar lengths and
picks threads from the machine's load (medtune.train.classify / modeling).

GPU: a Llama-2-7B-shaped model with random weights (no download), LoRA r=16 on all linear layers, on
sequences drawn from MedQuAD's answer-length distribution. Baseline: every sequence padded to 2048, fp32
adapters (peft's default), SDPA. medtune: what `medtune train --task sft` does on CUDA: padding-free packing
(whole sequences packed best-fit-decreasing into rows by medtune.train.packing, collated by its
RowPackedCollator with positions restarting per sequence so attention stays within each one), bf16 adapters,
SDPA. Needs only torch, transformers and peft in this mode (`--dry-run`: a tiny model on CPU, to check the
script before spending GPU time).

MFU counts 4·N·tokens FLOPs per useful token for LoRA (N: the weights that multiply, embeddings excluded) (forward 2N, backward through frozen weights 2N; the
weight-gradient 2N is skipped) and 6·N for full fine-tuning, against --peak-tflops.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# MedQuAD answer lengths in words (all 16,407 answers: 10/25/50/75/90/95/99th percentiles), measured from
# ../shared/data/medquad/medquad.jsonl; tokens ≈ 1.35 × words for Llama's tokenizer on English prose.
MEDQUAD_WORD_QUANTILES = [(0.0, 5), (0.10, 42), (0.25, 71), (0.50, 138), (0.75, 252), (0.90, 380), (0.95, 523),
                          (0.99, 1278), (1.0, 4000)]
TOKENS_PER_WORD = 1.35
QUESTION_TOKENS = 16


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    p.add_argument("--model", default="minilm", help="minilm (CPU) or llama2-7b-shape (GPU)")
    p.add_argument("--steps", type=int, default=None, help="timed optimizer steps per path")
    p.add_argument("--warmup", type=int, default=2, help="untimed steps first")
    p.add_argument("--batch", type=int, default=None)
    p.add_argument("--max-length", type=int, default=None)
    p.add_argument("--dry-run", action="store_true", help="GPU mode's code on a tiny model on CPU (a smoke test)")
    p.add_argument("--peak-tflops", type=float, default=None,
                   help="device peak for MFU (default: 0.1 on this CPU class, 989 bf16 dense on H100/H200)")
    return p.parse_args()


def table(rows: list[tuple[str, float, float, float]], peak_tflops: float, flops_per_token: float) -> None:
    print(f"{'path':10} {'useful tok/s':>13} {'padded tok/s':>13} {'useful %':>9} {'MFU':>7}")
    for name, useful, total, seconds in rows:
        mfu = flops_per_token * useful / seconds / (peak_tflops * 1e12)
        print(f"{name:10} {useful / seconds:13.1f} {total / seconds:13.1f} {100 * useful / total:8.1f}% "
              f"{100 * mfu:6.2f}%")
    (_, bu, _, bs), (_, mu, _, ms) = rows
    print(f"ratio (medtune / baseline, useful tokens/s): {(mu / ms) / (bu / bs):.2f}x")


# ------------------------------------------------------------------------------------------------ CPU mode


def cpu_benchmark(args: argparse.Namespace) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from transformers import AutoModelForSequenceClassification, DataCollatorWithPadding, TrainerCallback

    from medtune.data.examples import load_examples
    from medtune.models.loading import load_tokenizer
    from medtune.models.registry import get_model
    from medtune.train.classify import encode, trainer_class
    from medtune.train.config import default_recipe
    from medtune.train.modeling import apply_lora, set_threads

    cfg = default_recipe("intensity", "covid_tweets_sentiment", "minilm")
    steps = args.steps or 20
    batch = args.batch or cfg.batch_size
    max_length = args.max_length or cfg.max_length
    cfg = cfg.model_copy(update={"max_steps": steps + args.warmup, "batch_size": batch, "max_length": max_length})
    spec = get_model("minilm")
    tok = load_tokenizer(spec)
    examples = load_examples("covid_tweets_sentiment", "train", "intensity")
    labels = sorted({ex.label for ex in examples})
    label2id = {lbl: i for i, lbl in enumerate(labels)}
    rows = encode(examples[: batch * (steps + args.warmup) * 2], tok, max_length, label2id)
    default_threads = torch.get_num_threads()

    class Clock(TrainerCallback):
        """Times steps after the warm-up and counts real vs computed tokens of the batches trained on."""

        def __init__(self) -> None:
            self.start = None
            self.useful = self.total = 0

        def on_step_begin(self, args_, state, control, **kw):
            if state.global_step == args.warmup and self.start is None:
                self.start = time.perf_counter()

        def on_train_end(self, args_, state, control, **kw):
            self.seconds = time.perf_counter() - self.start

    def run(name: str, dataset: list[dict], trainer_kwargs: dict, threads: int) -> tuple[str, float, float, float]:
        torch.set_num_threads(threads)
        torch.manual_seed(0)
        model = AutoModelForSequenceClassification.from_pretrained(spec.source, num_labels=len(labels))
        model = apply_lora(model, cfg, spec, "SEQ_CLS")
        clock = Clock()
        trainer = trainer_class()(model=model, args=_args(trainer_kwargs), train_dataset=dataset,
                                  data_collator=DataCollatorWithPadding(tok), callbacks=[clock], processing_class=tok)
        original = trainer.compute_loss

        def counting(model_, inputs, *a, **kw):
            if trainer.state.global_step >= args.warmup:
                clock.useful += int(inputs["attention_mask"].sum())
                clock.total += int(inputs["attention_mask"].numel())
            return original(model_, inputs, *a, **kw)

        trainer.compute_loss = counting
        trainer.train()
        print(f"{name}: {steps} steps in {clock.seconds:.1f}s with {threads} thread(s)", flush=True)
        return name, clock.useful, clock.total, clock.seconds

    common = dict(per_device_train_batch_size=batch, max_steps=steps + args.warmup, learning_rate=cfg.learning_rate,
                  report_to=[], disable_tqdm=True, use_cpu=True, save_strategy="no", logging_steps=10_000, seed=0)
    padded = [dict(r) for r in encode(examples[: len(rows)], tok, max_length, label2id)]
    for r in padded:  # the baseline pads every input to max_length up front, as a plain script does
        pad = max_length - len(r["input_ids"])
        r["input_ids"] = r["input_ids"] + [tok.pad_token_id] * pad
        r["attention_mask"] = r["attention_mask"] + [0] * pad
        if "token_type_ids" in r:
            r["token_type_ids"] = r["token_type_ids"] + [0] * pad
    base = run("baseline", padded, {**common, "output_dir": "/tmp/bench_base"}, default_threads)
    mine = run("medtune", rows, {**common, "output_dir": "/tmp/bench_mt", "train_sampling_strategy": "group_by_length"},
               set_threads(cfg))
    print(f"\nMiniLM ({spec.params / 1e6:.1f}M params), LoRA r={cfg.lora.r} on {cfg.lora.target_modules}, "
          f"batch {batch}, max_length {max_length}, load average {os.getloadavg()[0]:.1f}")
    # Embedding lookups cost no FLOPs: count the weights that multiply (≈10.9M of MiniLM's 22.7M).
    table([base, mine], args.peak_tflops or 0.1, 4 * matmul_params(spec.source))


def matmul_params(source: str) -> int:
    from transformers import AutoConfig, AutoModel

    model = AutoModel.from_config(AutoConfig.from_pretrained(source))
    embeddings = sum(p.numel() for p in model.embeddings.parameters())
    return sum(p.numel() for p in model.parameters()) - embeddings


def _args(kwargs: dict):
    from transformers import TrainingArguments

    return TrainingArguments(**kwargs)


# ------------------------------------------------------------------------------------------------ GPU mode


def sample_lengths(n: int, cap: int, seed: int = 0) -> list[int]:
    """Prompt + answer token counts drawn from MedQuAD's answer-length distribution (inverse CDF)."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        u = rng.random()
        for (q0, w0), (q1, w1) in zip(MEDQUAD_WORD_QUANTILES, MEDQUAD_WORD_QUANTILES[1:]):
            if u <= q1:
                words = w0 + (w1 - w0) * (u - q0) / (q1 - q0)
                break
        out.append(min(cap, QUESTION_TOKENS + max(1, int(words * TOKENS_PER_WORD))))
    return out


def check_isolation(dev: str) -> float:
    """Max |logit difference| between sequences packed in one row and the same sequences run alone, on a
    small random Llama on the benchmark's device, so the packed path is known to compute the right thing."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from medtune.train.packing import packed_row

    torch.manual_seed(0)
    config = LlamaConfig(hidden_size=256, intermediate_size=512, num_hidden_layers=2, num_attention_heads=4,
                         num_key_value_heads=4, vocab_size=1000, attn_implementation="sdpa")
    model = LlamaForCausalLM(config).to(dev).eval()
    seqs = [torch.randint(3, 1000, (n,)).tolist() for n in (100, 37, 300)]
    row = packed_row(seqs, row_len=512)
    worst = 0.0
    with torch.no_grad():
        packed = model(input_ids=torch.tensor([row["input_ids"]], device=dev),
                       position_ids=torch.tensor([row["position_ids"]], device=dev), use_cache=False).logits[0]
        start = 0
        for seq in seqs:
            alone = model(input_ids=torch.tensor([seq], device=dev), use_cache=False).logits[0]
            worst = max(worst, (packed[start:start + len(seq)] - alone).abs().max().item())
            start += len(seq)
    return worst


def gpu_benchmark(args: argparse.Namespace) -> None:
    import peft
    import torch
    import transformers
    from peft import LoraConfig, get_peft_model
    from transformers import LlamaConfig, LlamaForCausalLM

    from medtune.train.packing import RowPackedCollator, pack_lengths

    dry = args.dry_run
    assert dry or torch.cuda.is_available(), "--device cuda needs a CUDA GPU"
    dev = "cpu" if dry else "cuda"
    cuda = torch.cuda.is_available() and not dry
    total_gb = torch.cuda.get_device_properties(0).total_memory / 2**30 if cuda else 0.0
    seq = args.max_length or (256 if dry else 2048)
    # 2048 × 4 tokens peaked at 83 GB on an H200 (plain transformers + peft); an 80 GB H100 takes batch 2.
    batch = args.batch or (4 if total_gb > 100 or dry else 2)
    steps = args.steps or (2 if dry else 10)
    shape = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                 num_key_value_heads=4) if dry else \
        dict(hidden_size=4096, intermediate_size=11008, num_hidden_layers=32, num_attention_heads=32,
             num_key_value_heads=32)
    config = LlamaConfig(**shape, vocab_size=32000, max_position_embeddings=4096, attn_implementation="sdpa")

    def sync() -> None:
        if cuda:
            torch.cuda.synchronize()
    print(f"packed-row isolation on {dev}: max |logit difference| vs sequences run alone = "
          f"{check_isolation(dev):.2e}", flush=True)
    torch.manual_seed(0)
    t0 = time.perf_counter()
    torch.set_default_dtype(torch.bfloat16)
    with torch.device(dev):
        model = LlamaForCausalLM(config)
    torch.set_default_dtype(torch.float32)
    model.config.use_cache = False
    n_params = sum(p.numel() for p in model.parameters())
    print(f"built a Llama-2-7B-shaped model ({n_params / 1e9:.2f}B params, bf16) in {time.perf_counter() - t0:.0f}s; "
          f"{torch.cuda.get_device_name(0) if cuda else 'CPU (dry run)'} {total_gb:.0f} GB; rows {batch} x {seq}; torch {torch.__version__}, "
          f"transformers {transformers.__version__}, peft {peft.__version__}", flush=True)
    targets = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
    lengths = sample_lengths(20_000, seq)

    def make_lora(bf16_adapters: bool):
        lora = LoraConfig(r=16, lora_alpha=32, lora_dropout=0.0, target_modules=targets, task_type="CAUSAL_LM")
        return get_peft_model(model, lora, autocast_adapter_dtype=not bf16_adapters)

    def baseline_batches():
        it = iter(lengths)
        while True:
            lens = [next(it) for _ in range(batch)]
            ids = torch.randint(3, 32000, (batch, seq), device=dev)
            mask = torch.zeros(batch, seq, dtype=torch.long, device=dev)
            for i, n in enumerate(lens):
                mask[i, :n] = 1
            labels = ids.masked_fill(mask == 0, -100)
            yield {"input_ids": ids, "attention_mask": mask, "labels": labels}, sum(lens), batch * seq

    def packed_batches():
        # medtune's SFT path on CUDA: whole sequences packed best-fit-decreasing into rows of `seq` tokens
        # (trl's "bfd", which medtune.train.sft turns on), collated by medtune's RowPackedCollator into
        # [batch, seq] with positions restarting per sequence, so attention stays within each sequence.
        collate = RowPackedCollator(pad_token_id=0)
        rows = [[lengths[i] for i in row] for row in pack_lengths(lengths, seq)]
        rows.sort(key=lambda r: -sum(r))  # full rows first, as a long run would mostly see
        for i in range(0, len(rows) - batch, batch):
            examples = []
            for row in rows[i : i + batch]:
                ids = torch.randint(3, 32000, (sum(row),)).tolist()
                examples.append({"input_ids": ids, "labels": ids, "seq_lengths": row})
            inputs = {k: v.to(dev, non_blocking=True) for k, v in collate(examples).items()}
            yield inputs, sum(sum(r) for r in rows[i : i + batch]), batch * seq

    def timed(name: str, peft_model, batches) -> tuple[str, float, float, float]:
        opt = torch.optim.AdamW([p for p in peft_model.parameters() if p.requires_grad], lr=1e-4)
        peft_model.train()
        useful = total = 0
        if cuda:
            torch.cuda.reset_peak_memory_stats()
        for step in range(args.warmup + steps):
            if step == args.warmup:
                sync()
                start = time.perf_counter()
            inputs, used, computed = next(batches)
            with torch.autocast(dev, dtype=torch.bfloat16):
                loss = peft_model(**inputs).loss
            loss.backward()
            opt.step()
            opt.zero_grad(set_to_none=True)
            if step >= args.warmup:
                useful += used
                total += computed
        sync()
        seconds = time.perf_counter() - start
        print(f"{name}: {steps} steps in {seconds:.1f}s, peak {torch.cuda.max_memory_allocated() / 2**30 if cuda else 0:.1f} GB, "
              f"loss {loss.item():.3f}", flush=True)
        return name, useful, total, seconds

    base_model = make_lora(bf16_adapters=False)
    base = timed("baseline", base_model, baseline_batches())
    base_model.unload()  # remove the adapters; the same base weights serve the second path
    if cuda:
        torch.cuda.empty_cache()
    mine = timed("medtune", make_lora(bf16_adapters=True), packed_batches())
    print(f"\nLlama-2-7B shape, LoRA r=16 on all linear layers, SDPA, {batch} x {seq} tokens per step, "
          f"mean sequence {sum(lengths) / len(lengths):.0f} tokens")
    table([base, mine], args.peak_tflops or 989.0, 4 * n_params)


def main() -> None:
    args = parse_args()
    if args.device == "cuda" or args.model == "llama2-7b-shape" or args.dry_run:
        gpu_benchmark(args)
    else:
        cpu_benchmark(args)


if __name__ == "__main__":
    main()
