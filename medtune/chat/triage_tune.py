"""Fine-tune triage's MiniLM scorer and compare it with the frozen head, leave one source out.

    flock /tmp/medtune-cpu.lock python -m medtune.chat.triage_tune          # CV table, then fit and save
    flock /tmp/medtune-cpu.lock python -m medtune.chat.triage_tune --cv-only  # the table only
    # round 7: out-of-fold scores -> gate override and rule veto (triage_policy) -> fit with them
    flock /tmp/medtune-cpu.lock python -m medtune.chat.triage_tune --cv-only --threads 1 --scores OOF.jsonl
    python -m medtune.chat.triage_policy OOF.jsonl --json POLICY.json
    flock /tmp/medtune-cpu.lock python -m medtune.chat.triage_tune --threads 1 --fit-from POLICY.json
    # round 8: nine sources, held out in 3 balanced groups (a third of the fits); a one-fold check on one writer
    flock /tmp/medtune-cpu.lock python -m medtune.chat.triage_tune --cv-only --threads 1 --source-folds 3 --scores OOF.jsonl
    flock /tmp/medtune-cpu.lock python -m medtune.chat.triage_tune --threads 1 --fit-from POLICY.json --leave-out fresh6

Each labelled training file was written by a different writer or sitting, so a new writer's wording is mimicked
by holding one *source* out (`triage_fit.tuned_sources`, eleven since round 9): triage.jsonl, train_extra.jsonl +
train_extra3.jsonl (one writer), fresh3.jsonl, fresh4.jsonl, fresh5.jsonl, holdout2.jsonl,
data/eval/independent/triage.jsonl, fresh6.jsonl, train_pool8.jsonl, fresh7.jsonl and train_pool9.jsonl. For each, the
scorers are trained on the others (+ the MedQuAD training
questions as non-emergencies) and score the held-out one through the same units
the chat scores (whole message and clauses, the highest P(emergency) counts). Thresholds are chosen on the
pooled out-of-fold scores, never on one source: emergency — the lowest threshold whose false alarms on the
near-misses stay within FA_BUDGET; self-harm and the self-harm assist as in `triage_cv`.

Scorers: the frozen head (`triage_fit.fit_scorer` with the shipped C and exemplar weight, refitted per fold);
MiniLM with its top TUNED_LAYERS layers fine-tuned with a linear class head (the lower layers' outputs are
computed once and cached, which is what makes a fold a few minutes on 2 cores); the higher of the two.
fresh12.jsonl and later held-out sets are never read here (fresh9 trains since round 12, fresh10 and fresh11
since round 15).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medtune.chat.triage_cv import FA_BUDGET, choose_self_harm_thresholds
from medtune.chat.triage_learned import NONE, units

#: The shipped recipe since tmodel2: all 6 layers (the word embeddings stay frozen), 3 epochs — LOSO recall over
#: the 5 sources 0.917 +- 0.084 vs 0.833 +- 0.149 for the top 2 layers, 4 epochs (docs/CHATBOT.md).
TUNED_LAYERS = 6
EPOCHS = 3
BATCH = 32
LR_LAYERS = 1e-4
LR_HEAD = 1e-3
SEED = 0
#: Training options, set by `main`'s flags. The defaults are the recipe that shipped: no class weights and label
#: smoothing 0.1 kept the fine-tuned probabilities off 0 / 1, so one threshold fits models trained on different
#: sources (with balanced weights and no smoothing it sat at 0.99 and recall fell to 0.57 ± 0.24, see docs).
OPTIONS: dict[str, Any] = {"label_smoothing": 0.1, "balanced": False, "binary": 0.0, "lr": LR_LAYERS, "seed": SEED,
                           "lora": 0}
#: LoRA (`--lora R`): adapters of rank R on every linear map of the tuned layers, alpha = 2 R; only the adapters
#: and the head are trained and stored (a few hundred kB where the full layers take 3.5 MB each in float16).
LORA_TARGETS = ["query", "key", "value", "dense"]
#: Fully tuned layers are stored as rank-STORE_RANK factors of their change to MiniLM's weights (the SVD of
#: tuned − shipped), in the loader's LoRA form (scale 1): six full layers are 21 MB in float16, the factors
#: 4 MB. Rank 48 against the full model on the 3,176 training messages and MedQuAD questions: 6 emergency
#: verdicts of 3,176 flip, mean |ΔP(emergency)| 0.006 (rank 32: 11 flips, 0.011).
STORE_RANK = 48


def sources() -> dict[str, list[dict[str, Any]]]:
    """The training sources, each one writer / sitting (data/eval/triage/README.md): since round 10 the thirteen
    of `triage_fit.tuned_sources()`, fourteen since round 12 (fresh9 added), sixteen since round 15 (fresh10 and
    fresh11); fresh12 and later are never read here."""
    from medtune.chat.triage_fit import tuned_sources

    return tuned_sources()


def class_list() -> tuple[str, ...]:
    from medtune.chat.triage_fit import CATEGORIES

    return (NONE, *CATEGORIES)


def examples(rows: list[dict[str, Any]], negatives: list[str]) -> list[tuple[str, str]]:
    """(text, class) to train on, as the frozen head is trained (`triage_fit.training_matrix`): each message's
    first unit with its target, every further clause of a near-miss as "none", the MedQuAD questions as "none"."""
    from medtune.chat.triage_fit import target

    out = []
    for r in rows:
        us = units(r["text"])
        out.append((us[0], target(r)))
        if r["label"] != "emergency":
            out += [(u, NONE) for u in us[1:]]
    return out + [(q, NONE) for q in negatives]


# --- the lower layers, computed once -------------------------------------------------------------------

@dataclass
class Backbone:
    tokenizer: Any
    model: Any
    start: int  # the first tuned layer
    states: dict[str, Any]  # text -> (tokens, 384) input of layer `start`


def backbone(tuned_layers: int = TUNED_LAYERS) -> Backbone:
    from medtune.chat.triage_tuned import base_model

    tok, model = base_model()
    return Backbone(tok, model, model.config.num_hidden_layers - tuned_layers, {})


def cache_states(bb: Backbone, texts: list[str], batch: int = 64) -> None:
    """The input of layer `bb.start` for each new text, without padding (texts sorted by length per batch)."""
    import torch

    from medtune.chat.triage_tuned import MAX_LENGTH

    todo = sorted({t for t in texts if t not in bb.states}, key=len)
    with torch.inference_mode():
        for i in range(0, len(todo), batch):
            part = todo[i:i + batch]
            enc = bb.tokenizer(part, padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="pt")
            hidden = bb.model(**enc, output_hidden_states=True).hidden_states[bb.start]
            for t, h, m in zip(part, hidden, enc["attention_mask"]):
                bb.states[t] = h[: int(m.sum())].clone()


def top_model(bb: Backbone, n_classes: int) -> Any:
    """A fresh copy of the layers from `bb.start` up and a linear head over their mean-pooled output."""
    import copy

    import torch

    from medtune.chat.triage_tuned import mean_pool

    class Top(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = copy.deepcopy(bb.model.encoder.layer[bb.start:])
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(bb.model.config.hidden_size, n_classes)

        def forward(self, hidden: Any, mask: Any) -> Any:
            additive = (1.0 - mask[:, None, None, :].to(hidden.dtype)) * torch.finfo(hidden.dtype).min
            for layer in self.layers:
                hidden = layer(hidden, additive)
            return self.head(self.dropout(mean_pool(hidden, mask)))

    top = Top()
    if OPTIONS["lora"]:
        _add_lora(top, int(OPTIONS["lora"]))
    return top


def _add_lora(top: Any, rank: int) -> None:
    """LoRA adapters (peft) on the linear maps of `top.layers`, which are frozen; the head stays trainable."""
    from peft import LoraConfig, inject_adapter_in_model

    config = LoraConfig(r=rank, lora_alpha=2 * rank, lora_dropout=0.1, target_modules=LORA_TARGETS)
    top.layers = inject_adapter_in_model(config, top.layers)
    for name, p in top.layers.named_parameters():
        p.requires_grad = "lora_" in name


def layer_tensors(top: Any, start: int) -> dict[str, Any]:
    """What is stored of the tuned layers, under MiniLM's names: LoRA's A and B matrices (with the scale in
    their name's config) when adapters were trained, else every weight of the layers."""
    out = {}
    for j, layer in enumerate(top.layers):
        for k, v in layer.state_dict().items():
            if OPTIONS["lora"] and "lora_" not in k:
                continue
            k = k.replace(".lora_A.default.weight", ".lora_A").replace(".lora_B.default.weight", ".lora_B")
            out[f"encoder.layer.{start + j}.{k}"] = v.detach().half().contiguous()
    return out


def collate(bb: Backbone, texts: list[str]) -> tuple[Any, Any]:
    import torch

    seqs = [bb.states[t] for t in texts]
    n = max(len(s) for s in seqs)
    hidden = torch.zeros(len(seqs), n, seqs[0].shape[-1])
    mask = torch.zeros(len(seqs), n, dtype=torch.long)
    for i, s in enumerate(seqs):
        hidden[i, : len(s)] = s
        mask[i, : len(s)] = 1
    return hidden, mask


def train_top(bb: Backbone, data: list[tuple[str, str]], classes: tuple[str, ...], epochs: int = EPOCHS,
              seed: int = SEED) -> Any:
    """Fine-tune a fresh top on `data` with class-balanced cross-entropy (as the frozen head's
    class_weight="balanced"), AdamW, linear warm-up (10 %) and decay. Batches hold texts of similar length."""
    import random

    import torch

    torch.manual_seed(seed)
    rng = random.Random(seed)
    cache_states(bb, [t for t, _ in data])
    top = top_model(bb, len(classes))
    index = {c: i for i, c in enumerate(classes)}
    labels = [index[c] for _, c in data]
    counts = torch.bincount(torch.tensor(labels), minlength=len(classes)).float()
    weights = torch.where(counts > 0, len(labels) / (len(classes) * counts.clamp(min=1)), torch.ones_like(counts))
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights if OPTIONS["balanced"] else None,
                                        label_smoothing=OPTIONS["label_smoothing"])
    tuned = [p for p in top.layers.parameters() if p.requires_grad]
    optim = torch.optim.AdamW([{"params": tuned, "lr": OPTIONS.get("lr", LR_LAYERS)},
                               {"params": top.head.parameters(), "lr": LR_HEAD}], weight_decay=0.01)
    steps = epochs * ((len(data) + BATCH - 1) // BATCH)
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: min(1.0, (s + 1) / max(1, steps // 10)) * max(0.0, (steps - s) / steps))
    lengths = [len(bb.states[t]) for t, _ in data]
    top.train()
    for _ in range(epochs):
        for batch in _batches(lengths, rng):
            hidden, mask = collate(bb, [data[i][0] for i in batch])
            y = torch.tensor([labels[i] for i in batch])
            logits = top(hidden, mask)
            loss = loss_fn(logits, y)
            if OPTIONS["binary"]:
                # The decision that matters, emergency or not, as its own term: 1 - P(none) against the label.
                p_em = 1.0 - torch.softmax(logits, dim=-1)[:, 0]
                loss = loss + OPTIONS["binary"] * torch.nn.functional.binary_cross_entropy(
                    p_em.clamp(1e-6, 1 - 1e-6), (y != 0).float())
            optim.zero_grad()
            loss.backward()
            optim.step()
            sched.step()
    top.eval()
    return top


def _batches(lengths: list[int], rng: Any) -> list[list[int]]:
    """Shuffled batches of texts of similar length (sorted within chunks of 8 batches): less padding."""
    idx = list(range(len(lengths)))
    rng.shuffle(idx)
    out = []
    for c in range(0, len(idx), BATCH * 8):
        chunk = sorted(idx[c:c + BATCH * 8], key=lambda i: lengths[i])
        out += [chunk[i:i + BATCH] for i in range(0, len(chunk), BATCH)]
    rng.shuffle(out)
    return out


def top_proba(bb: Backbone, top: Any, texts: list[str], batch: int = 64) -> Any:
    import numpy as np
    import torch

    cache_states(bb, texts)
    out = []
    with torch.inference_mode():
        for i in range(0, len(texts), batch):
            hidden, mask = collate(bb, texts[i:i + batch])
            out.append(torch.softmax(top(hidden, mask), dim=-1).numpy())
    return np.vstack(out)


def row_scores(proba_of_units: Any, classes: tuple[str, ...]) -> tuple[float, float, str]:
    """(P(emergency), P(self_harm), red flag) of one message: the highest over its units, as the chat scores it
    (`triage_learned.verdict_from_proba`)."""
    none = classes.index(NONE)
    p_em = 1.0 - proba_of_units[:, none]
    best = proba_of_units[int(p_em.argmax())].copy()
    best[none] = -1.0
    return float(p_em.max()), float(proba_of_units[:, classes.index("self_harm")].max()), classes[int(best.argmax())]


def tuned_scores(bb: Backbone, top: Any, rows: list[dict[str, Any]], classes: tuple[str, ...]) -> list[tuple[float, float, str]]:
    per_row = [units(r["text"]) for r in rows]
    flat = top_proba(bb, top, [u for us in per_row for u in us])
    out, start = [], 0
    for us in per_row:
        out.append(row_scores(flat[start:start + len(us)], classes))
        start += len(us)
    return out


# --- leave one source out ------------------------------------------------------------------------------

def frozen_scores(train: list[dict[str, Any]], test: list[dict[str, Any]], negatives: Any) -> list[tuple[float, float]]:
    """The frozen head refitted on `train` with the shipped C and exemplar weight, scoring `test`."""
    from medtune.chat.triage_fit import encode, fit_scorer
    from medtune.chat.triage_learned import load_head, score_units

    shipped = load_head()
    enc = encode(train + test)
    head = fit_scorer(enc, list(range(len(train))), negatives, shipped.c or 16.0, shipped.exemplar_weight)
    out = []
    for i in range(len(train), len(train) + len(test)):
        v = score_units(head, enc.unit_embeddings[i])
        out.append((v.p_emergency, v.p_self_harm))
    return out


def source_folds(srcs: dict[str, list[Any]], k: int | None) -> list[list[str]]:
    """The sources held out together in each fold: one each (leave-one-source-out) when `k` is None or at least
    the number of sources; else `k` groups balanced by rows (largest source first into the smallest group), so a
    CV over eleven sources costs `k` fits instead of eleven. A source is never split across folds."""
    names = list(srcs)
    if not k or k >= len(names):
        return [[n] for n in names]
    groups: list[list[str]] = [[] for _ in range(k)]
    for name in sorted(names, key=lambda n: (-len(srcs[n]), n)):
        min(groups, key=lambda g: (sum(len(srcs[n]) for n in g), len(g))).append(name)
    return groups


def loso(tuned_layers: int = TUNED_LAYERS, epochs: int = EPOCHS, log: Any = print,
         folds: int | None = None) -> dict[str, Any]:
    """Out-of-fold (P(emergency), P(self_harm)) of every source row under each scorer, and the rule flags; with
    `folds`, sources are held out in that many groups (`source_folds`) and still reported one by one."""
    from medtune.chat.triage_fit import embed_cached, medquad_questions
    from medtune.chat.triage_rules import rule_flags

    srcs = sources()
    negatives = medquad_questions("train")
    neg_emb = embed_cached(negatives)
    classes = class_list()
    bb = backbone(tuned_layers)
    all_rows = [r for rows in srcs.values() for r in rows]
    t0 = time.perf_counter()
    cache_states(bb, [u for r in all_rows for u in units(r["text"])] + negatives)
    log(f"lower layers cached for {len(bb.states)} texts in {time.perf_counter() - t0:.0f} s")
    out: dict[str, Any] = {"rows": {}, "frozen": {}, "tuned": {}, "rules": {}, "seconds": {}}
    for group in source_folds(srcs, folds):
        train = [r for other, rs in srcs.items() if other not in group for r in rs]
        t0 = time.perf_counter()
        data = examples(train, negatives)
        top = train_top(bb, data, classes, epochs, OPTIONS["seed"])
        seconds = time.perf_counter() - t0
        for name in group:
            rows = srcs[name]
            out["tuned"][name] = tuned_scores(bb, top, rows, classes)
            out["seconds"][name] = seconds / len(group)
            out["frozen"][name] = frozen_scores(train, rows, neg_emb)
            out["rows"][name] = rows
            out["rules"][name] = [bool(rule_flags(r["text"])) for r in rows]
        log(f"  fold {' + '.join(group)}: {sum(len(srcs[n]) for n in group)} held out, trained on {len(data)} "
            f"examples, fine-tune {seconds:.0f} s")
    return out


@dataclass
class _Pooled:
    """What `triage_cv.choose_self_harm_thresholds` reads."""
    rows: list[dict[str, Any]]


def choose_threshold(rows: list[dict[str, Any]], p_em: list[float], budget: float = FA_BUDGET) -> float:
    """The lowest threshold at which the scorer alone raises false alarms on at most `budget` of the pooled
    out-of-fold near-misses."""
    near = sorted((p for r, p in zip(rows, p_em) if r["label"] != "emergency"), reverse=True)
    allowed = int(budget * len(near))
    return near[allowed] + 1e-6 if len(near) > allowed else 0.5


def table(result: dict[str, Any], scorer: str) -> dict[str, Any]:
    """Thresholds from the pooled out-of-fold scores of `scorer` ("frozen", "tuned" or "max"), then per fold:
    recall, false alarms (scorer alone and rules OR scorer) and self-harm recall."""
    names = list(result["rows"])
    scores = {n: _scores(result, scorer, n) for n in names}
    pooled_rows = [r for n in names for r in result["rows"][n]]
    pooled = [s for n in names for s in scores[n]]
    t = choose_threshold(pooled_rows, [s[0] for s in pooled])
    ts, ta = choose_self_harm_thresholds(_Pooled(pooled_rows), [(0, s[0], s[1]) for s in pooled])
    folds = {}
    for n in names:
        rows, rules = result["rows"][n], result["rules"][n]
        em = [i for i, r in enumerate(rows) if r["label"] == "emergency"]
        nm = [i for i, r in enumerate(rows) if r["label"] != "emergency"]
        sh = [i for i in em if rows[i]["category"] == "self_harm"]
        hit = [s[0] >= t for s in scores[n]]
        either = [h or ru for h, ru in zip(hit, rules)]
        folds[n] = {"recall": _rate(hit, em), "fa": _rate(hit, nm), "both_recall": _rate(either, em),
                    "both_fa": _rate(either, nm), "self_harm": _rate([s[1] >= ts for s in scores[n]], sh),
                    "n": (len(em), len(nm), len(sh))}
    return {"threshold": t, "self_harm_threshold": ts, "self_harm_assist": ta, "folds": folds}


def _scores(result: dict[str, Any], scorer: str, name: str) -> list[tuple[float, float]]:
    if scorer in ("frozen", "tuned"):
        return result[scorer][name]
    pick = max if scorer == "max" else (lambda a, b: (a + b) / 2)
    return [(pick(a[0], b[0]), pick(a[1], b[1])) for a, b in zip(result["frozen"][name], result["tuned"][name])]


def _rate(flags: list[bool], idx: list[int]) -> float:
    return sum(flags[i] for i in idx) / max(len(idx), 1)


def describe(scorer: str, t: dict[str, Any]) -> str:
    lines = [f"{scorer}: threshold {t['threshold']:.3f} (pooled out-of-fold false alarms <= {FA_BUDGET:.0%}), "
             f"self-harm {t['self_harm_threshold']:.3f}, assist {t['self_harm_assist']:.3f}",
             f"  {'held-out source':22} {'recall':>7} {'f.alarm':>7} {'self-harm':>9} {'rules OR: recall':>17} "
             f"{'f.alarm':>7}"]
    for n, f in t["folds"].items():
        lines.append(f"  {n:22} {f['recall']:7.3f} {f['fa']:7.3f} {f['self_harm']:9.3f} {f['both_recall']:17.3f} "
                     f"{f['both_fa']:7.3f}   ({f['n'][0]} em / {f['n'][1]} near / {f['n'][2]} self-harm)")
    keys = ("recall", "fa", "self_harm", "both_recall", "both_fa")
    ms = [_mean_sd([f[k] for f in t["folds"].values()]) for k in keys]
    lines.append(f"  {'mean ± sd':22} " + " ".join(f"{m:.3f}±{s:.3f}" for m, s in ms))
    return "\n".join(lines)


def write_scores(result: dict[str, Any], path: Path) -> None:
    """One line per training row: its source, id, label, category and the fine-tuned model's out-of-fold
    P(emergency), P(self_harm) and red flag — what `triage_policy` chooses the rule/model combination on."""
    lines = []
    for name, rows in result["rows"].items():
        for r, (p_em, p_sh, flag) in zip(rows, result["tuned"][name]):
            lines.append(json.dumps({"source": name, "id": r["id"], "label": r["label"], "category": r["category"],
                                     "text": r["text"], "p_em": round(p_em, 5), "p_sh": round(p_sh, 5), "flag": flag}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _mean_sd(values: list[float]) -> tuple[float, float]:
    return statistics.mean(values), statistics.stdev(values) if len(values) > 1 else 0.0


# --- the shipped model ---------------------------------------------------------------------------------

def save(bb: Backbone, top: Any, classes: tuple[str, ...], chosen: dict[str, Any], out_dir: Path,
         leave_out: str | None = None) -> None:
    """The tuned layers (under their MiniLM names) and the head in float16, the classes and thresholds in JSON;
    the JSON is written last, so its presence means the weights are complete."""
    from safetensors.torch import save_file

    out_dir.mkdir(parents=True, exist_ok=True)
    tensors = layer_tensors(top, bb.start)
    if not OPTIONS["lora"]:
        tensors = low_rank_deltas(tensors, STORE_RANK)
    for k, v in top.head.state_dict().items():
        tensors[f"head.{k}"] = v.detach().half().contiguous()
    tmp = out_dir / "weights.tmp.safetensors"
    save_file(tensors, str(tmp))
    tmp.chmod(0o644)  # safetensors writes 0600; the package file must be readable by every user
    tmp.replace(out_dir / "weights.safetensors")
    config = {"classes": list(classes), "tuned_layers": list(range(bb.start, bb.model.config.num_hidden_layers)),
              "threshold": round(chosen["threshold"], 4),
              "self_harm_threshold": round(chosen["self_harm_threshold"], 4),
              "self_harm_assist": round(chosen["self_harm_assist"], 4),
              "gate_override": round(chosen.get("gate_override", 1.01), 4),
              "rule_veto": round(chosen.get("rule_veto", 0.0), 4),
              "trained_on": "triage_fit.tuned_training_rows() + MedQuAD training questions"
                            + (f", without the source {leave_out!r}" if leave_out else ""),
              "lora_scale": 2.0 if OPTIONS["lora"] else 1.0, "stored_rank": None if OPTIONS["lora"] else STORE_RANK,
              "options": OPTIONS, "data_sha256": _data_hash(leave_out)}
    (out_dir / "config.json").write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")


def low_rank_deltas(tensors: dict[str, Any], rank: int) -> dict[str, Any]:
    """`tensors` (tuned layers under MiniLM's names) with every weight matrix replaced by `<name>.lora_A` /
    `<name>.lora_B`, the top-`rank` SVD factors of its change from the embedded MiniLM, which
    `triage_tuned.merge_lora` adds back at load; vectors (biases, LayerNorms) are kept whole."""
    import torch

    from medtune.chat.triage_tuned import base_model

    base = base_model()[1].state_dict()
    out = {}
    for key, value in tensors.items():
        if value.ndim != 2:
            out[key] = value
            continue
        u, s, vt = torch.linalg.svd(value.float() - base[key].float(), full_matrices=False)
        name = key.removesuffix(".weight")
        out[f"{name}.lora_B"] = (u[:, :rank] * s[:rank]).half().contiguous()
        out[f"{name}.lora_A"] = vt[:rank].half().contiguous()
    return out


def _data_hash(leave_out: str | None = None) -> str:
    from medtune.chat.triage_fit import tuned_training_rows

    return hashlib.sha256(json.dumps(tuned_training_rows(leave_out), sort_keys=True).encode()).hexdigest()[:16]


def fit_final(chosen: dict[str, Any], tuned_layers: int = TUNED_LAYERS, epochs: int = EPOCHS,
              leave_out: str | None = None) -> Path:
    """Fit on every training source (but `leave_out`, for a one-fold check on that writer) and save the model."""
    from medtune.chat.triage_fit import medquad_questions, tuned_training_rows
    from medtune.chat.triage_tuned import MODEL_DIR

    bb = backbone(tuned_layers)
    data = examples(tuned_training_rows(leave_out), medquad_questions("train"))
    classes = class_list()
    top = train_top(bb, data, classes, epochs, OPTIONS["seed"])
    save(bb, top, classes, chosen, MODEL_DIR, leave_out)
    _check_saved(bb, top, [t for t, _ in data[:: max(1, len(data) // 50)]])
    return MODEL_DIR


def _check_saved(bb: Backbone, top: Any, texts: list[str]) -> None:
    """The saved model, loaded as the chat loads it, gives the trained model's probabilities (float16 aside)."""
    import numpy as np

    from medtune.chat.triage_tuned import MODEL_DIR, TunedTriage

    gap = np.abs(TunedTriage(MODEL_DIR).proba(texts) - top_proba(bb, top, texts))
    diff = float(gap.mean())
    print(f"saved model vs trained model on {len(texts)} texts: mean |P difference| {diff:.4f}, "
          f"max {float(gap.max()):.4f} (rank-{STORE_RANK} storage)")
    if diff > 0.02:
        raise RuntimeError(f"the saved triage model differs from the trained one by {diff:.3f} on average")


def main(argv: list[str] | None = None) -> int:
    import torch

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cv-only", action="store_true", help="print the comparison, do not fit or save")
    parser.add_argument("--layers", type=int, default=TUNED_LAYERS, help="top MiniLM layers to fine-tune")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--lr", type=float, default=LR_LAYERS, help="learning rate of the tuned layers")
    parser.add_argument("--label-smoothing", type=float, default=0.1)
    parser.add_argument("--balanced", action="store_true", help="class-balanced loss weights")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--lora", type=int, default=0, help="train LoRA adapters of this rank instead of the layers")
    parser.add_argument("--binary", type=float, default=0.0, help="weight of an emergency-or-not loss term")
    parser.add_argument("--json", type=Path, help="also write the out-of-fold figures here")
    parser.add_argument("--scores", type=Path, help="also write every row's out-of-fold scores here (JSONL)")
    parser.add_argument("--fit-from", type=Path, help="skip the comparison: fit and save with the thresholds and gate "
                        "override of this JSON (`python -m medtune.chat.triage_policy OOF --json FILE`)")
    parser.add_argument("--source-folds", type=int, help="hold the sources out in this many balanced groups instead of "
                        "one by one (round 8: 3, a third of the fits' cost)")
    parser.add_argument("--leave-out", help="with --fit-from: fit without this source (a one-fold check on its writer)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    OPTIONS.update(epochs=args.epochs, lr=args.lr, label_smoothing=args.label_smoothing, balanced=args.balanced, seed=args.seed, lora=args.lora,
                   binary=args.binary)
    if args.leave_out and args.leave_out not in sources():
        parser.error(f"--leave-out {args.leave_out!r} is not a training source: {', '.join(sources())}")
    if args.fit_from:
        chosen = json.loads(args.fit_from.read_text(encoding="utf-8"))
        path = fit_final(chosen, args.layers, args.epochs, args.leave_out)
        print(f"saved {path} with the thresholds of {args.fit_from}"
              + (f", trained without {args.leave_out!r}" if args.leave_out else ""))
        return 0
    result = loso(args.layers, args.epochs, log=lambda s: print(s, flush=True), folds=args.source_folds)
    tables = {s: table(result, s) for s in ("frozen", "tuned", "max", "mean")}
    print(f"\nleave-one-source-out, top {args.layers} layers fine-tuned for {args.epochs} epochs, {OPTIONS} "
          "(rules OR columns are optimistic: the rules were extended while reading these dev halves)")
    for s, t in tables.items():
        print(describe(s, t))
    if args.scores:
        write_scores(result, args.scores)
    if args.json:
        args.json.write_text(json.dumps({s: t for s, t in tables.items()}, indent=1), encoding="utf-8")
    if not args.cv_only:
        path = fit_final(tables["tuned"], args.layers, args.epochs)
        print(f"saved {path}: thresholds {tables['tuned']['threshold']:.3f} / "
              f"{tables['tuned']['self_harm_threshold']:.3f} / {tables['tuned']['self_harm_assist']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
