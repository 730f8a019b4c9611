"""Fixtures for the evaluation tests: a tiny causal LM built from a config, and a local OpenAI-compatible server."""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

WORDS = ("does aspirin reduce risk of stroke in older adults is vitamin d linked to bone fracture can exercise "
         "improve sleep quality after surgery are statins safe during pregnancy do children with asthma benefit "
         "from inhaled steroids").split()


def _sentences(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 12))).capitalize() + "?" for _ in range(n)]


def build_tiny_causal_lm(directory: Path, *, train_answer: str | None = "yes", steps: int = 30) -> Path:
    """A 2-layer Llama with a byte-level BPE tokenizer trained here; optionally taught to answer `train_answer`."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    corpus = _sentences(100) + ["Answer: yes", "Answer: no", "Answer: maybe", "Question: Context:"] * 20
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(corpus, trainers.BpeTrainer(
        vocab_size=400, special_tokens=["<pad>", "<s>", "</s>", "<unk>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", tok.token_to_id("<s>"))])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
                                   unk_token="<unk>")
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(fast), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=1024,
                         bos_token_id=fast.bos_token_id, eos_token_id=fast.eos_token_id, pad_token_id=fast.pad_token_id)
    model = LlamaForCausalLM(config)
    if train_answer:
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # tiny matrices: a second thread only adds contention on a shared 2-core box
        texts = [f"{q}\nAnswer: {train_answer}" for q in _sentences(64, seed=1)]
        optim = torch.optim.AdamW(model.parameters(), lr=5e-3)
        model.train()
        for step in range(steps):
            batch = fast(texts[(step * 16) % 64:(step * 16) % 64 + 16], return_tensors="pt", padding=True)
            labels = batch["input_ids"].masked_fill(batch["attention_mask"] == 0, -100)
            loss = model(**batch, labels=labels).loss
            loss.backward()
            optim.step()
            optim.zero_grad()
        model.eval()
        torch.set_num_threads(threads)
    model.save_pretrained(directory)
    fast.save_pretrained(directory)
    return directory


@pytest.fixture(scope="session")
def tiny_causal_lm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_causal_lm(tmp_path_factory.mktemp("tiny_llama"))


# ---------------------------------------------------------------- a local OpenAI-compatible server
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def openai_stub() -> Iterator[dict[str, Any]]:
    """An OpenAI-compatible server on 127.0.0.1 (uvicorn in a thread); yields its base URL and the requests seen."""
    import uvicorn

    seen: list[dict[str, Any]] = []
    port = _free_port()
    from tests.eval.eval_stub_server import build_stub_app

    server = uvicorn.Server(uvicorn.Config(build_stub_app(seen), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started, "the local OpenAI-compatible test server did not start"
    yield {"base_url": f"http://127.0.0.1:{port}/v1", "requests": seen}
    server.should_exit = True
    thread.join(timeout=10)
