"""Padding-free packing for causal-LM fine-tuning.

Padding every sequence of a batch to the longest (or to max_length) spends most of the compute on pad tokens
when lengths vary as much as medical answers do (MedQuAD answers: median ~200 tokens, 99th percentile ~1,700, from the word quantiles in
benchmarks/train_throughput.py).
Packing concatenates whole sequences into rows of a fixed token budget and restarts `position_ids` at each
sequence; transformers (5.x, `masking_utils.find_packed_sequence_indices`) turns restarting positions into a
block-diagonal causal mask for SDPA, eager and flex attention, and flash-attention uses them as varlen
boundaries, so no sequence attends to another.

The SFT trainer packs rows with trl (`packing_strategy="bfd"`) and collates them with `RowPackedCollator`
below; `pack_lengths` / `packed_row` hold the same arithmetic for code that builds batches itself
(benchmarks/train_throughput.py) and for the tests that check the isolation claim on a real model.
"""

from __future__ import annotations

from typing import Any


def pack_lengths(lengths: list[int], row_len: int) -> list[list[int]]:
    """Best-fit-decreasing packing of sequence lengths into rows of at most `row_len` tokens.

    Returns, per row, the indices of the sequences it holds (longest first). A sequence longer than the row
    gets a row of its own (the caller truncates it)."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    rows: list[list[int]] = []
    space: list[int] = []
    for i in order:
        need = min(lengths[i], row_len)
        best = -1
        for r, free in enumerate(space):  # best fit: the fullest row that still takes it
            if need <= free and (best < 0 or free < space[best]):
                best = r
        if best < 0:
            rows.append([i])
            space.append(row_len - need)
        else:
            rows[best].append(i)
            space[best] -= need
    return rows


def position_ids_for(seq_lengths: list[int], row_len: int | None = None) -> list[int]:
    """Positions restarting at 0 for each packed sequence; a tail of padding up to `row_len` gets its own
    restart so it forms a separate (loss-masked) block rather than extending the last sequence."""
    positions: list[int] = []
    for n in seq_lengths:
        positions.extend(range(n))
    if row_len is not None and row_len > len(positions):
        positions.extend(range(row_len - len(positions)))
    return positions


def packed_row(sequences: list[list[int]], labels: list[list[int]] | None = None, row_len: int | None = None,
               pad_id: int = 0) -> dict[str, Any]:
    """One packed training row: token ids, restarting positions and labels (-100 on padding and wherever the
    given labels are -100, e.g. prompt tokens under completion-only loss). Lists, not tensors."""
    labels = labels if labels is not None else sequences
    ids = [t for seq in sequences for t in seq]
    row = packed_row_from_flat(ids, [t for seq in labels for t in seq], [len(s) for s in sequences],
                               max(row_len or 0, len(ids)), pad_id)
    return {**row, "useful_tokens": len(ids)}


class RowPackedCollator:
    """Collates rows already packed by trl (`input_ids`, `labels`, `seq_lengths`) into a [batch, length]
    batch with restarting `position_ids` and no attention mask.

    trl's own padding-free collator concatenates the whole batch into one row; under SDPA that turns into
    one (batch × max_length)² masked attention, 4× the attention work of separate rows at batch 4. Keeping
    the rows apart keeps attention per row, as in padded training, while still skipping the padding."""

    def __init__(self, pad_token_id: int) -> None:
        self.pad_token_id = pad_token_id

    def __call__(self, examples: list[dict[str, Any]]) -> dict[str, Any]:
        import torch

        width = max(len(ex["input_ids"]) for ex in examples)
        rows = []
        for ex in examples:
            lengths = list(ex.get("seq_lengths") or [len(ex["input_ids"])])
            rows.append(packed_row_from_flat(list(ex["input_ids"]), list(ex.get("labels", ex["input_ids"])),
                                             lengths, width, self.pad_token_id))
        return {key: torch.tensor([r[key] for r in rows]) for key in ("input_ids", "labels", "position_ids")}


def packed_row_from_flat(ids: list[int], labels: list[int], seq_lengths: list[int], width: int,
                         pad_id: int) -> dict[str, Any]:
    """A row given as flat ids plus the lengths of the sequences in it, padded to `width`; each sequence's
    first token is not a prediction target of the previous one (label -100), as in separate sequences."""
    labels = list(labels)
    start = 0
    for n in seq_lengths:
        if start:  # the causal shift would otherwise train token `start` from the previous sequence
            labels[start] = -100
        start += n
    pad = width - len(ids)
    return {"input_ids": ids + [pad_id] * pad, "labels": labels + [-100] * pad,
            "position_ids": position_ids_for(seq_lengths, width)}
