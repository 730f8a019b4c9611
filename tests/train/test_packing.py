"""Padding-free packing: the packer's arithmetic, the isolation of packed sequences in a real (tiny, built
from a config) Llama under SDPA and eager attention, and packed SFT through trl end to end."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest

from medtune.io import read_jsonl
from medtune.train.config import parse_config
from medtune.train.packing import pack_lengths, packed_row, position_ids_for
from medtune.train.runner import run_local
from tests.train.test_sft import sft_config


def test_every_sequence_is_packed_once_and_rows_respect_the_budget() -> None:
    rng = random.Random(0)
    lengths = [rng.randint(5, 700) for _ in range(500)]
    rows = pack_lengths(lengths, 1024)
    packed = sorted(i for row in rows for i in row)
    assert packed == list(range(len(lengths)))
    assert all(sum(lengths[i] for i in row) <= 1024 for row in rows)
    # best-fit-decreasing wastes little: rows are on average > 95% full on this mix
    assert sum(lengths) / (len(rows) * 1024) > 0.95


def test_an_overlong_sequence_gets_a_row_of_its_own() -> None:
    rows = pack_lengths([3000, 10, 20], 1024)
    assert [0] in rows and sorted(i for r in rows for i in r) == [0, 1, 2]


def test_positions_restart_per_sequence_and_padding_is_masked() -> None:
    assert position_ids_for([3, 2], 7) == [0, 1, 2, 0, 1, 0, 1]
    row = packed_row([[5, 6, 7], [8, 9]], labels=[[-100, 6, 7], [8, 9]], row_len=7, pad_id=0)
    assert row["input_ids"] == [5, 6, 7, 8, 9, 0, 0]
    # 8 starts a new sequence: it is not a target of the token before it (7 belongs to another sequence)
    assert row["labels"] == [-100, 6, 7, -100, 9, -100, -100]
    assert row["useful_tokens"] == 5


@pytest.mark.parametrize("attention", ["sdpa", "eager"])
def test_packed_sequences_do_not_attend_to_each_other(attention: str) -> None:
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                         num_key_value_heads=2, vocab_size=200, max_position_embeddings=256)
    config._attn_implementation = attention
    model = LlamaForCausalLM(config).eval()
    seqs = [torch.randint(3, 200, (n,)).tolist() for n in (17, 9, 30)]
    row = packed_row(seqs, row_len=64)
    with torch.no_grad():
        # use_cache=False as in training: with a KV cache transformers ignores the packed positions
        packed = model(input_ids=torch.tensor([row["input_ids"]]),
                       position_ids=torch.tensor([row["position_ids"]]), use_cache=False).logits[0]
        start = 0
        for seq in seqs:
            alone = model(input_ids=torch.tensor([seq])).logits[0]
            torch.testing.assert_close(packed[start:start + len(seq)], alone, atol=1e-5, rtol=1e-4)
            start += len(seq)
        # and the check can fail: without restarting positions the later sequences see the earlier ones
        flat = model(input_ids=torch.tensor([row["input_ids"]]), use_cache=False).logits[0]
        alone = model(input_ids=torch.tensor([seqs[1]])).logits[0]
        assert not torch.allclose(flat[17:26], alone, atol=1e-3)


def test_packed_sft_trains_on_more_real_tokens_per_step(tiny_models: dict, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from medtune.settings import get_settings

    tokens = {}
    for mode in ("off", "on"):
        monkeypatch.setenv("MEDTUNE_SFT_PACKING", mode)
        get_settings.cache_clear()
        cfg = parse_config(sft_config(tiny_models["causal"], method="lora", max_length=2048,
                                      max_train_examples=64))
        run, result = run_local(cfg, tmp_path / mode)
        assert math.isfinite(result["eval"]["primary"])
        assert (run / "adapter" / "adapter_model.safetensors").is_file()
        records = read_jsonl(run / "metrics.jsonl")
        losses = [m["loss"] for m in records if "loss" in m]
        assert len(losses) == 3 and all(math.isfinite(x) for x in losses)
        tokens[mode] = max(m.get("tokens", 0) for m in records)
    get_settings.cache_clear()
    # same steps and batch size: packed rows carry several answers each, padded rows one
    assert tokens["on"] > 1.5 * tokens["off"]



def test_row_collator_keeps_rows_apart_and_the_meter_counts_real_tokens() -> None:
    from medtune.train.callbacks import TokenMeter
    from medtune.train.packing import RowPackedCollator

    rows = [{"input_ids": [1, 2, 3, 4, 5], "labels": [-100, 2, 3, -100, 5], "seq_lengths": [3, 2]},
            {"input_ids": [6, 7, 8], "labels": [-100, 7, 8], "seq_lengths": [3]}]
    batch = RowPackedCollator(pad_token_id=0)(rows)
    assert batch["input_ids"].tolist() == [[1, 2, 3, 4, 5], [6, 7, 8, 0, 0]]
    assert batch["position_ids"].tolist() == [[0, 1, 2, 0, 1], [0, 1, 2, 0, 1]]
    assert batch["labels"].tolist() == [[-100, 2, 3, -100, 5], [-100, 7, 8, -100, -100]]
    assert "attention_mask" not in batch  # a mask would switch off the packed-sequence attention
    meter = TokenMeter()
    meter.add_batch(batch)
    assert meter.tokens == 8
