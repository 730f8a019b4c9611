"""Class balancing and question–answer augmentation. Both touch the training split only.

Balancing is by config: oversample minority classes (capped, because duplicated "misleading" rows are what a
model overfits on — the brief's warning), undersample majority classes, or leave rows alone and hand the
trainer inverse-frequency class weights. Augmentation adds variants of training rows after the splits are
fixed, so no variant of a training question can reach validation or test.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from typing import Any

from medtune.data.prep_dedup import Row, set_keys
from medtune.data.schemas import Turn
from medtune.data.tasks import get_task


def class_weights(rows: list[Row]) -> dict[str, float]:
    """n / (k · n_c): the "balanced" heuristic of King & Zeng (2001), as in sklearn's compute_class_weight."""
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[str(row.label)] += 1
    total, k = sum(counts.values()), len(counts)
    return {label: round(total / (k * n), 4) for label, n in sorted(counts.items())}


def _by_label(rows: list[Row]) -> dict[str, list[Row]]:
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        groups[str(row.label)].append(row)
    return dict(sorted(groups.items()))


def oversample(rows: list[Row], max_factor: float, seed: int) -> list[Row]:
    """Copy minority-class rows until each class reaches the largest class, at most `max_factor`× its size."""
    groups = _by_label(rows)
    target = max(len(g) for g in groups.values())
    rng = random.Random(seed)
    out = list(rows)
    for members in groups.values():
        want = min(target, int(len(members) * max_factor)) - len(members)
        order = sorted(members, key=lambda r: r.uid)
        rng.shuffle(order)
        for n in range(max(want, 0)):
            src = order[n % len(order)]
            copy = src.example.model_copy(update={"id": f"{src.uid}#os{n // len(order) + 1}",
                                                  "meta": {**src.example.meta, "oversampled_from": src.uid}})
            out.append(Row(uid=copy.id, example=copy, source_split=src.source_split, role="train",
                           official=src.official, order=src.order, raw_label=src.raw_label, key=src.key,
                           group=src.group, tags={"copy_of": src.uid}))
    return out


def undersample(rows: list[Row], seed: int) -> tuple[list[Row], list[str]]:
    """Keep a seeded random subset of each class, as large as the smallest class; returns kept and dropped ids."""
    groups = _by_label(rows)
    target = min(len(g) for g in groups.values())
    rng = random.Random(seed)
    keep: set[str] = set()
    for members in groups.values():
        order = sorted(members, key=lambda r: r.uid)
        keep.update(r.uid for r in rng.sample(order, target))
    return [r for r in rows if r.uid in keep], [r.uid for r in rows if r.uid not in keep]


def balance(rows: list[Row], method: str, max_factor: float, seed: int) -> tuple[list[Row], dict[str, Any]]:
    info: dict[str, Any] = {"method": method}
    labelled = [r for r in rows if r.label is not None]
    if method == "none" or not labelled:
        return rows, info
    if method == "oversample":
        out = oversample(rows, max_factor, seed)
        info.update(added=len(out) - len(rows), max_factor=max_factor)
        return out, info
    if method == "undersample":
        out, dropped = undersample(rows, seed)
        info.update(dropped=dropped)
        return out, info
    info["class_weights"] = class_weights(rows)
    return rows, info


# --- augmentation -------------------------------------------------------------------------------------
def shuffle_options(row: Row, rng: random.Random, n: int) -> Row | None:
    """The same multiple-choice question with its options in another order and the answer key moved along."""
    options: dict[str, str] = row.example.meta.get("options") or {}
    if len(options) < 2 or row.label not in options:
        return None
    keys, values = list(options), list(options.values())
    for _ in range(10):
        perm = rng.sample(values, len(values))
        if perm != values:
            break
    else:
        return None
    new = dict(zip(keys, perm))
    answer = options[row.label]
    label = next(k for k, v in new.items() if v == answer)
    pair = "\n".join(f"{k}. {v}" for k, v in new.items())
    return _variant(row, n, "option_shuffle", text=row.example.text, text_pair=pair, label=label,
                    meta_extra={"options": new})


# Question rewrites that keep the meaning: (pattern on the question, template). The generic wrappers at the
# end apply to any question, so every training question can get a variant.
REPHRASINGS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^what (?:is|are) (?:the )?symptoms of (.+?)\s*\??$", re.I), "What signs and symptoms does {0} cause?"),
    (re.compile(r"^what causes (.+?)\s*\??$", re.I), "Why does {0} happen?"),
    (re.compile(r"^how (?:can|to) (?:i )?prevent (.+?)\s*\??$", re.I), "What can be done to prevent {0}?"),
    (re.compile(r"^what (?:is|are) (?:the )?treatments? for (.+?)\s*\??$", re.I), "How is {0} treated?"),
    (re.compile(r"^what (is|are) (.+?)\s*\??$", re.I), "Can you explain what {1} {0}?"),
    (re.compile(r"^(.+?)\s*\??$", re.S), "I have a question: {0}?"),
    (re.compile(r"^(.+?)\s*\??$", re.S), "{0}? Please answer in plain language."),
    (re.compile(r"^(.+?)\s*\??$", re.S), "Could you help me understand this: {0}?"),
]


def rephrase(question: str, rng: random.Random) -> str | None:
    question = " ".join(question.split())
    options = []
    for pattern, template in REPHRASINGS:
        match = pattern.match(question)
        if match:
            text = template.format(*match.groups())
            if text.strip().lower() != question.strip().lower():
                options.append(text)
    return rng.choice(options) if options else None


def rephrase_question(row: Row, rng: random.Random, n: int) -> Row | None:
    text = rephrase(row.example.text, rng)
    if text is None:
        return None
    messages = row.example.messages
    if messages and messages[0].role == "user":
        messages = [Turn(role="user", content=text), *messages[1:]]
    return _variant(row, n, "question_rephrase", text=text, messages=messages)


def _variant(row: Row, n: int, how: str, meta_extra: dict[str, Any] | None = None, **update: Any) -> Row:
    uid = f"{row.uid}#aug{n}"
    meta = {**row.example.meta, **(meta_extra or {}), "augmented_from": row.uid, "augmentation": how}
    example = row.example.model_copy(update={"id": uid, "meta": meta, **update})
    return Row(uid=uid, example=example, source_split=row.source_split, role="train", official=row.official,
               order=row.order, raw_label=row.raw_label, tags={"augmented_from": row.uid})


#: Augmentation methods by the name a task's registry entry gives (`TaskSpec.augmentation`).
AUGMENTERS = {"option_shuffle": shuffle_options, "question_rephrase": rephrase_question}


def augment(rows: list[Row], task: str, copies: int, seed: int) -> tuple[list[Row], dict[str, Any]]:
    """Variants of training rows: option shuffling for `mcq`, template rephrasing of the question for `sft`."""
    method = get_task(task).augmentation
    if method is None or copies < 1:
        return rows, {"method": None, "added": 0,
                      "note": f"no augmentation is defined for task {task!r}" if method is None else None}
    make = AUGMENTERS[method]
    rng = random.Random(seed)
    added, seen = [], {r.key for r in rows}
    for row in rows:
        for n in range(1, copies + 1):
            for _ in range(5):  # a draw can repeat an earlier variant; a few redraws find a new one
                variant = make(row, rng, n)
                if variant is None:
                    break
                set_keys(variant, task)
                variant.group = row.group  # a variant stays in its source row's group
                if variant.key not in seen:  # never add a variant that equals an existing row
                    seen.add(variant.key)
                    added.append(variant)
                    break
    return rows + added, {"method": method, "added": len(added), "split": "train"}
