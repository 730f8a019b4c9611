"""Training, calibration and test pairs for the verifier: (claim, evidence) → supported / refuted / not_enough_info.

    build_pairs(out_dir, seed=13)   # writes train/validation/calib/test_*.jsonl, stats.json and DATACARD.md

Every source and what it contributes (the data card written beside the pairs repeats this with counts):

| source | pairs | label |
|---|---|---|
| HealthVer dev | claim + evidence passage, as released | supports / refutes / neutral |
| MedHallu train | answer + its PubMed abstract (trimmed to the passage the answer is about) | faithful → supported, hallucinated → refuted |
| PubMedQA train | long_answer + its own abstract / + another abstract; a perturbed long answer + its abstract | supported / not_enough_info / refuted |
| MedQuAD | an answer sentence + its passage; the sentence perturbed (negation, reversed effect, number, drug) + the same passage; the sentence + a passage of another topic | supported / refuted / not_enough_info |
| DailyMed labels | a label sentence with its drug swapped + the label passage | refuted |
| SciFact train | skipped: its evidence is sentence indices into corpus.jsonl, which is not available offline | — |

Splits, so that no test item is ever trained on:
- HealthVer has no train split here: its dev set is split *by claim* (seeded) into train 60% / validation 5% /
  calib 10% / test 25%, so no claim crosses splits. `test_healthver.jsonl` is the benchmark's held-out part.
- MedHallu and PubMedQA: only their train splits feed training (MedHallu's split follows PubMedQA's, so
  MedHallu dev = PubMedQA dev PMIDs); `test_medhallu.jsonl` is MedHallu dev.
- MedQuAD: documents (`doc_id`) are hashed into train / calib / test, so the perturbation test set
  (`test_perturb.jsonl`) is built from sentences of documents never used for training or calibration.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from medtune.data.schemas import ClaimRecord
from medtune.io import atomic_write_json, atomic_write_text, write_jsonl
from medtune.verify.perturb import perturb, swap_drug

LABELS = ("supported", "refuted", "not_enough_info")
EVIDENCE_CHARS = 360  # ~80 word pieces: the claim plus this fit the verifier's 128-token input (CPU training cost)
FILES = {"train": "train.jsonl", "validation": "validation.jsonl", "calib": "calib.jsonl",
         "test_healthver": "test_healthver.jsonl", "test_medhallu": "test_medhallu.jsonl",
         "test_perturb": "test_perturb.jsonl"}
HEALTHVER_SHARES = {"train": 0.60, "validation": 0.05, "calib": 0.10, "test": 0.25}
MEDQUAD_SHARES = {"train": 0.80, "calib": 0.08, "test": 0.12}


@dataclass
class Pair:
    id: str
    claim: str
    evidence: str
    label: str  # one of LABELS
    source: str  # healthver | medhallu | pubmedqa | medquad | dailymed
    kind: str = ""  # how it was made: released, faithful, perturbed:negation, other_topic, ...
    group: str = ""  # what must stay in one split (claim, question, document)


@dataclass
class PairOptions:
    """How many pairs each generated source contributes (the released sources are used whole)."""

    seed: int = 13
    medquad_sentences: int = 2000  # sentences sampled over all MedQuAD documents (train+calib+test parts)
    pubmedqa_perturbed: bool = True
    dailymed_swaps: int = 120
    limit: int | None = None  # cap per source (tests)
    extra: dict[str, Any] = field(default_factory=dict)


def to_record(row: dict[str, Any]) -> ClaimRecord:
    """The dataset converter of the pairs (a claim_verification ClaimRecord)."""
    return ClaimRecord(id=str(row["id"]), claim=row["claim"], evidence=row["evidence"], label=row["label"],
                       meta={"source": row.get("source", ""), "kind": row.get("kind", "")})


# --- evidence trimming --------------------------------------------------------------------------------------
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset("the a an and or of to in on at for with by from as is are was were be been it its this that "
                  "these those can may not no than which who what how when does do did has have had".split())


def content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def focus_evidence(claim: str, evidence: str, max_chars: int = EVIDENCE_CHARS) -> str:
    """The passage of `evidence` about `claim`: its best-overlapping sentence, widened with neighbours up to
    `max_chars` (cross-encoders truncate; the part that matters must survive)."""
    from medtune.verify.sentences import split_sentences

    evidence = re.sub(r"\s+", " ", evidence or "").strip()
    if len(evidence) <= max_chars:
        return evidence
    sents = split_sentences(evidence, split_conjunctions=False) or [evidence]
    want = content_words(claim)
    best = max(range(len(sents)), key=lambda i: (len(want & content_words(sents[i])), -i))
    lo = hi = best
    size = len(sents[best])
    while True:
        grown = False
        for j in (hi + 1, lo - 1):
            if 0 <= j < len(sents) and size + len(sents[j]) + 1 <= max_chars:
                size += len(sents[j]) + 1
                lo, hi = min(lo, j), max(hi, j)
                grown = True
        if not grown:
            break
    return " ".join(sents[lo:hi + 1])[: max_chars + 200]


# --- splitting helpers --------------------------------------------------------------------------------------
def bucket(key: str, shares: dict[str, float], seed: int) -> str:
    """A stable split for `key`: the same key always lands in the same split for a given seed."""
    h = int(hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()[:12], 16) / 16 ** 12
    acc = 0.0
    for name, share in shares.items():
        acc += share
        if h < acc:
            return name
    return list(shares)[-1]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip()


# --- sources ------------------------------------------------------------------------------------------------
def healthver_pairs(seed: int, limit: int | None = None) -> dict[str, list[Pair]]:
    """HealthVer dev, split by claim into train / validation / calib / test."""
    from medtune.data.catalog import CLAIM3
    from medtune.data.registry import iter_records

    out: dict[str, list[Pair]] = defaultdict(list)
    for record in iter_records("healthver", "dev", limit=limit):
        label = CLAIM3.get(record.label or "")
        if not label or not record.evidence:
            continue
        split = bucket(_norm(record.claim), HEALTHVER_SHARES, seed)
        out[split].append(Pair(record.id, record.claim, focus_evidence(record.claim, record.evidence), label,
                               "healthver", "released", _norm(record.claim)))
    return out


def medhallu_pairs(split: str, limit: int | None = None) -> list[Pair]:
    """MedHallu answers against their knowledge: faithful → supported, hallucinated → refuted (the
    hallucinated answers state a conclusion the abstract does not bear out)."""
    from medtune.data.registry import iter_records

    pairs = []
    for record in iter_records("medhallu", split, limit=limit):
        label = {"faithful": "supported", "hallucinated": "refuted"}.get(record.label or "")
        if label:
            pairs.append(Pair(record.id, record.answer, focus_evidence(record.answer, record.context or ""), label,
                              "medhallu", record.label or "", str(record.meta.get("pubid") or record.question)))
    return pairs


def pubmedqa_pairs(seed: int, perturbed: bool = True, limit: int | None = None) -> list[Pair]:
    """PubMedQA train conclusions against their own abstract (supported), another abstract (not enough info)
    and, perturbed, against their own abstract (refuted)."""
    from medtune.data.registry import iter_records
    from medtune.verify.sentences import split_sentences

    rng = random.Random(seed)
    records = [r for r in iter_records("pubmedqa", "train", limit=limit) if r.long_answer and r.context]
    pairs = []
    for i, record in enumerate(records):
        group = f"pubmed:{record.id}"
        evidence = focus_evidence(record.long_answer, record.context)
        pairs.append(Pair(f"pubmedqa-{record.id}-sup", record.long_answer, evidence, "supported", "pubmedqa",
                          "long_answer", group))
        other = records[(i + 1 + rng.randrange(len(records) - 1)) % len(records)] if len(records) > 1 else None
        if other is not None and other.id != record.id:
            pairs.append(Pair(f"pubmedqa-{record.id}-nei", record.long_answer,
                              focus_evidence(record.long_answer, other.context), "not_enough_info", "pubmedqa",
                              "other_abstract", group))
        first = (split_sentences(record.long_answer, split_conjunctions=False) or [""])[0]
        changed = perturb(first, rng) if perturbed and first else None
        if changed:
            pairs.append(Pair(f"pubmedqa-{record.id}-ref", changed[1], focus_evidence(first, record.context),
                              "refuted", "pubmedqa", f"perturbed:{changed[0]}", group))
    return pairs


def good_sentence(sentence: str) -> bool:
    """A sentence worth checking: a full statement of 7–40 words, not a heading, question or list stub."""
    words = sentence.split()
    return (7 <= len(words) <= 40 and sentence.endswith(".") and "?" not in sentence
            and not sentence.lower().startswith(("see ", "for more", "these resources", "this summary", "click"))
            and bool(re.search(r"\b(?:is|are|can|may|causes?|include[sd]?|affects?|occurs?|has|have|should|"
                               r"increases?|reduces?|helps?|leads?)\b", sentence)))


def window(sentences: list[str], index: int, max_chars: int = EVIDENCE_CHARS) -> str:
    """The sentence at `index` with its neighbours, up to max_chars — what a knowledge-base chunk looks like."""
    lo = hi = index
    size = len(sentences[index])
    for step in range(1, len(sentences)):
        for j in (index - step, index + step):
            if 0 <= j < len(sentences) and size + len(sentences[j]) + 1 <= max_chars:
                size += len(sentences[j]) + 1
                lo, hi = min(lo, j), max(hi, j)
    return " ".join(sentences[lo:hi + 1])


def medquad_sentences(seed: int, n: int, limit: int | None = None) -> dict[str, list[dict[str, Any]]]:
    """`n` checkable MedQuAD answer sentences with their passage, split by document into train / calib / test."""
    from medtune.data.registry import iter_records
    from medtune.verify.sentences import split_sentences

    rng = random.Random(seed)
    docs = [r for r in iter_records("medquad", "all", limit=limit) if r.answer]
    rng.shuffle(docs)
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    taken = 0
    for record in docs:
        if taken >= n:
            break
        sents = split_sentences(record.answer, split_conjunctions=False)
        candidates = [i for i, s in enumerate(sents) if good_sentence(s)]
        if not candidates:
            continue
        i = rng.choice(candidates)
        doc = str(record.meta.get("doc_id") or record.id)
        out[bucket(doc, MEDQUAD_SHARES, seed)].append({
            "id": record.id, "doc": doc, "focus": record.meta.get("focus") or "", "sentence": sents[i],
            "evidence": window(sents, i)})
        taken += 1
    return out


def medquad_pairs(items: list[dict[str, Any]], seed: int, with_nei: bool = True) -> list[Pair]:
    """For each sentence: supported (its passage), refuted (perturbed, same passage), and not enough info
    (the sentence against the passage of a sentence about another topic)."""
    rng = random.Random(seed)
    pairs = []
    for n, item in enumerate(items):
        group = f"medquad:{item['doc']}"
        pairs.append(Pair(f"medquad-{item['id']}-sup", item["sentence"], item["evidence"], "supported", "medquad",
                          "source_sentence", group))
        changed = perturb(item["sentence"], rng)
        if changed:
            pairs.append(Pair(f"medquad-{item['id']}-ref", changed[1], item["evidence"], "refuted", "medquad",
                              f"perturbed:{changed[0]}", group))
        others = [o for o in items if o["focus"] != item["focus"]]
        if with_nei and others and n % 2 == 0:
            other = others[rng.randrange(len(others))]
            pairs.append(Pair(f"medquad-{item['id']}-nei", item["sentence"], other["evidence"], "not_enough_info",
                              "medquad", "other_topic", group))
    return pairs


def dailymed_pairs(seed: int, n: int, limit: int | None = None) -> list[Pair]:
    """FDA label sentences naming their drug, with the drug swapped for one of another class (refuted), and
    as they are (supported)."""
    from medtune.data.registry import iter_records
    from medtune.verify.sentences import split_sentences

    rng = random.Random(seed)
    pairs: list[Pair] = []
    for record in iter_records("dailymed_labels", "all", limit=limit):
        sents = split_sentences(record.text, split_conjunctions=False)
        for i, sentence in enumerate(sents):
            if len(pairs) >= n or not (6 <= len(sentence.split()) <= 40):
                continue
            changed = swap_drug(sentence, rng)
            if changed:
                evidence = window(sents, i)
                pairs.append(Pair(f"dailymed-{record.id}-{i}-ref", changed, evidence, "refuted", "dailymed",
                                  "perturbed:swapped_drug", f"dailymed:{record.id}"))
                pairs.append(Pair(f"dailymed-{record.id}-{i}-sup", sentence, evidence, "supported", "dailymed",
                                  "source_sentence", f"dailymed:{record.id}"))
    return pairs


# --- assembling ---------------------------------------------------------------------------------------------
def build_pairs(out_dir: str | Path, options: PairOptions | None = None) -> dict[str, Any]:
    """Write every split's pairs, stats.json and DATACARD.md into out_dir; returns the stats."""
    opts = options or PairOptions()
    out = Path(out_dir)
    splits: dict[str, list[Pair]] = defaultdict(list)
    notes: list[str] = []
    hv = healthver_pairs(opts.seed, opts.limit)
    for name in ("train", "validation", "calib"):
        splits[name] += hv.get(name, [])
    splits["test_healthver"] = hv.get("test", [])
    splits["train"] += medhallu_pairs("train", opts.limit)
    splits["test_medhallu"] = medhallu_pairs("dev", opts.limit)
    splits["train"] += pubmedqa_pairs(opts.seed, opts.pubmedqa_perturbed, opts.limit)
    mq = medquad_sentences(opts.seed, opts.medquad_sentences, opts.limit)
    splits["train"] += medquad_pairs(mq.get("train", []), opts.seed)
    splits["calib"] += medquad_pairs(mq.get("calib", []), opts.seed + 1)
    splits["test_perturb"] = medquad_pairs(mq.get("test", []), opts.seed + 2, with_nei=False)
    splits["train"] += dailymed_pairs(opts.seed, opts.dailymed_swaps, opts.limit)
    notes.append("SciFact train: skipped — its evidence is sentence indices into corpus.jsonl, which is not "
                 "available offline (see ../shared/data/scifact/PROVENANCE.md).")
    _carve_validation(splits, opts.seed)
    removed = check_disjoint(splits)
    notes.append(f"Removed from evaluation splits because the same claim text or group is in training: {removed}.")
    for name, file in FILES.items():
        write_jsonl(out / file, (asdict(p) for p in splits.get(name, [])))
    stats = {"seed": opts.seed, "options": asdict(opts), "notes": notes,
             "splits": {name: describe(splits.get(name, [])) for name in FILES}}
    atomic_write_json(out / "stats.json", stats)
    atomic_write_text(out / "DATACARD.md", data_card(stats))
    return stats


def _carve_validation(splits: dict[str, list[Pair]], seed: int) -> None:
    """Validation (best-checkpoint choice) gets 5% of the generated training groups too, not only HealthVer."""
    keep, moved = [], []
    for pair in splits["train"]:
        if pair.source != "healthver" and bucket(pair.group, {"v": 0.05, "t": 0.95}, seed) == "v":
            moved.append(pair)
        else:
            keep.append(pair)
    splits["train"], splits["validation"] = keep, splits["validation"] + moved


def check_disjoint(splits: dict[str, list[Pair]]) -> dict[str, int]:
    """Remove from the evaluation splits any pair whose group (claim, question, document) or claim text is also
    in training (MedQuAD repeats some sentences across pages); returns how many were removed per split."""
    train_groups = {p.group for p in splits["train"]} | {p.group for p in splits["validation"]}
    train_claims = {_norm(p.claim) for p in splits["train"]} | {_norm(p.claim) for p in splits["validation"]}
    removed = {}
    for name in ("calib", "test_healthver", "test_medhallu", "test_perturb"):
        kept = [p for p in splits.get(name, []) if p.group not in train_groups and _norm(p.claim) not in train_claims]
        removed[name] = len(splits.get(name, [])) - len(kept)
        splits[name] = kept
    return removed


def describe(pairs: list[Pair]) -> dict[str, Any]:
    return {"pairs": len(pairs), "labels": dict(Counter(p.label for p in pairs)),
            "sources": dict(Counter(p.source for p in pairs)),
            "kinds": dict(Counter(p.kind for p in pairs).most_common())}


def data_card(stats: dict[str, Any]) -> str:
    lines = ["# Verifier pairs — data card", "",
             "Built by `medtune.verify.pairs.build_pairs` (seed {}). Labels: supported / refuted / "
             "not_enough_info. Every evaluation split is disjoint from training by claim, question or document "
             "(checked when the pairs are built).".format(stats["seed"]), "",
             "| split | pairs | labels | sources |", "|---|---|---|---|"]
    for name, info in stats["splits"].items():
        lines.append(f"| {name} | {info['pairs']} | {_fmt(info['labels'])} | {_fmt(info['sources'])} |")
    table = "| source |" + (__doc__ or "").split("| source |")[1].split("\n\n")[0]
    lines += ["", "How each source was made:", "", *table.splitlines()]
    lines += ["", "Notes:", *[f"- {n}" for n in stats["notes"]], "",
              "Licences: HealthVer — research use with citation; MedHallu, PubMedQA — MIT; MedQuAD — CC BY 4.0; "
              "DailyMed — public domain (U.S. government)."]
    return "\n".join(lines) + "\n"


def _fmt(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())


def read_pairs(path: str | Path) -> list[Pair]:
    from medtune.io import read_jsonl

    return [Pair(**row) for row in read_jsonl(Path(path))]


def iter_labelled(pairs: Iterable[Pair]) -> Iterator[tuple[str, str, str]]:
    for p in pairs:
        yield p.claim, p.evidence, p.label


def dump(pairs: list[Pair]) -> str:
    return "\n".join(json.dumps(asdict(p), ensure_ascii=False) for p in pairs)
