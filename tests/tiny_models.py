"""Tiny models built from a config, with a tokenizer trained on real sentences: offline stand-ins for tests
and benchmarks (issue 18.6: a test fixture, so it lives beside the tests, not in the library).

They train, checkpoint, predict and generate in seconds on CPU, exercising the same code paths as a 7B
model. `build_tiny_model(kind, out_dir, texts)` writes a model directory `get_model` accepts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from medtune.models.templates import PLAIN

# T5 convention: pad=0 (also the decoder start), eos=1, unk=2; a BOS for the causal model.
SPECIAL_TOKENS = ["<pad>", "</s>", "<unk>", "<s>"]


def sample_texts(limit: int = 400) -> list[str]:
    """A few hundred real sentences (MedQuAD questions and answer openings) from the configured data."""
    from medtune.data.registry import iter_records

    texts: list[str] = []
    for record in iter_records("medquad", "all", limit=limit):
        texts.append(record.question)
        texts.append((record.answer or "")[:400])
    return [t for t in texts if t]


def build_tokenizer(texts: list[str], vocab_size: int = 600, kind: Literal["bpe", "unigram"] = "bpe") -> Any:
    """A fast tokenizer trained on `texts`, wrapped as a transformers tokenizer with a chat template."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    if kind == "unigram":
        tok = Tokenizer(models.Unigram())
        trainer = trainers.UnigramTrainer(vocab_size=vocab_size, special_tokens=SPECIAL_TOKENS, unk_token="<unk>")
        tok.pre_tokenizer = pre_tokenizers.Metaspace()
        tok.decoder = decoders.Metaspace()
    else:
        tok = Tokenizer(models.BPE(unk_token="<unk>"))
        trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIAL_TOKENS)
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.decoder = decoders.ByteLevel()
    tok.normalizer = normalizers.NFKC()
    tok.train_from_iterator(texts, trainer=trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="</s>", unk_token="<unk>",
                                   bos_token="<s>")
    fast.chat_template = PLAIN
    return fast


def build_tiny_model(kind: Literal["causal", "seq2seq", "encoder"], out_dir: str | Path,
                     texts: list[str] | None = None, *, seed: int = 0) -> Path:
    """Save a randomly initialised tiny model and its tokenizer to `out_dir`; returns the directory."""
    import torch

    out = Path(out_dir)
    texts = texts or sample_texts()
    tokenizer = build_tokenizer(texts, kind="unigram" if kind == "seq2seq" else "bpe")
    torch.manual_seed(seed)
    model = _model(kind, tokenizer)
    model.save_pretrained(str(out))
    tokenizer.save_pretrained(str(out))
    return out


def _model(kind: str, tok: Any) -> Any:
    vocab = len(tok)
    if kind == "causal":
        from transformers import LlamaConfig, LlamaForCausalLM

        config = LlamaConfig(vocab_size=vocab, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                             num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
                             pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id,
                             eos_token_id=tok.eos_token_id, tie_word_embeddings=True)
        return LlamaForCausalLM(config)
    if kind == "seq2seq":
        from transformers import T5Config, T5ForConditionalGeneration

        config = T5Config(vocab_size=vocab, d_model=64, d_kv=16, d_ff=128, num_layers=2, num_decoder_layers=2,
                          num_heads=4, feed_forward_proj="gated-gelu", pad_token_id=tok.pad_token_id,
                          eos_token_id=tok.eos_token_id, decoder_start_token_id=tok.pad_token_id)
        return T5ForConditionalGeneration(config)
    from transformers import BertConfig, BertForMaskedLM

    config = BertConfig(vocab_size=vocab, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                        num_attention_heads=4, max_position_embeddings=512, pad_token_id=tok.pad_token_id)
    return BertForMaskedLM(config)
