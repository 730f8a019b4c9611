"""Training data and fitting for the stance head (`medtune.verify.stance`).

    python -m medtune.verify stance          # after `pairs`; writes MEDTUNE_HOME/verify/verifier_stance/stance.json

Training pairs, none from the everyday-claims benchmark (data/eval/claims: its MedQuAD pages and topics are
left out) nor from the verifier's held-out test splits:
- **MedQuAD distortions** (issue 14): a sentence of a MedQuAD answer, reworded the lay way (synonyms,
  contractions, a shortened clause) against the window of its own page = supported; the same sentence
  distorted = refuted — negation, opposite effect, changed number, a hedge made absolute ("may" → "always",
  "most" → "all"), "there is no cure" → "can be cured"; against a window of another page or another part of
  its own page = not enough info. Pages in pairs.py's MedQuAD test part are skipped, so test_perturb stays
  held out.
- **HealthVer** (train part of its dev split, real claims and evidence) and **PubMedQA / MedHallu** train pairs
  from `pairs/train.jsonl`, subsampled.
The regularisation C is chosen on `pairs/validation.jsonl` plus a held-out fifth of the MedQuAD distortions.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

from medtune.verify.evidence import SYNONYM_GROUPS, windows_of
from medtune.verify.pairs import LABELS, MEDQUAD_SHARES, bucket
from medtune.verify.perturb import change_number, negate, reverse_effect

CLAIMS_FILE = Path(__file__).resolve().parents[2] / "data" / "eval" / "claims" / "claims.jsonl"
_HEDGE_TO_ABSOLUTE = [(r"\bmay\b", "will always"), (r"\bcan\b", "always"), (r"\bmost\b", "all"),
                      (r"\bsome\b", "all"), (r"\busually\b", "always"), (r"\boften\b", "always"),
                      (r"\bmany\b", "all"), (r"\brarely\b", "never")]
_CONTRACT = [(r"\bdoes not\b", "doesn't"), (r"\bdo not\b", "don't"), (r"\bcannot\b", "can't"),
             (r"\bis not\b", "isn't"), (r"\bare not\b", "aren't"), (r"\bchildren\b", "kids"),
             (r"\binfants?\b", "babies"), (r"\bhealth care provider\b", "doctor"), (r"\bphysician\b", "doctor")]


def lay_rewording(sentence: str, rng: random.Random) -> str:
    """A lay rewording that keeps the meaning: contractions, lay synonyms, at most the first long clause."""
    text = re.sub(r"^(?:Summary\s*:\s*|[-*•]\s*)", "", sentence).strip()
    for pattern, repl in _CONTRACT:
        if rng.random() < 0.7:
            text = re.sub(pattern, repl, text, flags=re.I)
    for group in SYNONYM_GROUPS:
        for term in group[1:]:
            plural_kept = term.endswith("s") == group[0].endswith("s")
            if plural_kept and rng.random() < 0.5 and re.search(rf"\b{re.escape(term)}\b", text, re.I):
                text = re.sub(rf"\b{re.escape(term)}\b", group[0], text, count=1, flags=re.I)
    clauses = text.split(", ")
    if len(clauses) > 1 and len(clauses[0].split()) >= 6 and rng.random() < 0.3:
        text = clauses[0] + "."
    return text


def absolutize(sentence: str, rng: random.Random | None = None) -> str | None:
    for pattern, repl in _HEDGE_TO_ABSOLUTE:
        if re.search(pattern, sentence, re.I):
            return re.sub(pattern, repl, sentence, count=1, flags=re.I)
    if re.search(r"\bno cure\b", sentence, re.I):
        return re.sub(r"there is no cure for ([^,.]+)", r"\1 can be cured", sentence, count=1, flags=re.I)
    return None


_UP_WORDS = ("raises", "increases", "worsens", "causes", "boosts")
_DOWN_WORDS = ("lowers", "reduces", "decreases", "prevents", "protects against")
_FLIP_DIRECTION = [(r"\b(?:raises|increases|boosts|worsens)\b", _DOWN_WORDS),
                   (r"\b(?:lowers|reduces|decreases|prevents)\b", _UP_WORDS),
                   (r"\b(?:raise|increase|boost|worsen)\b", ("lower", "reduce", "decrease", "prevent")),
                   (r"\b(?:lower|reduce|decrease|prevent)\b", ("raise", "increase", "worsen", "cause")),
                   (r"\b(?:increased|higher|greater)\b", ("reduced", "lower", "smaller")),
                   (r"\b(?:reduced|lower|decreased)\b", ("increased", "higher", "greater")),
                   (r"\bprotects? against\b", ("raises the risk of", "causes")),
                   (r"\b(?:helps?|can help) (?:to )?(?:prevent|lower|reduce|control)\b", ("can cause", "raises"))]
_GROUP_SWAPS = [("women", "men"), ("men", "women"), ("children", "adults"), ("adults", "children"),
                ("girls", "boys"), ("boys", "girls"), ("older", "younger"), ("younger", "older"),
                ("infants", "older children"), ("babies", "adults"), ("teenagers", "older adults")]


def flip_direction(sentence: str, rng: random.Random | None = None) -> str | None:
    """The effect turned round with a *different* word than its antonym ("raises" → "reduces", "prevents" →
    "causes"), so a verifier cannot learn the flip from an antonym table alone."""
    rng = rng or random.Random(0)
    for pattern, replacements in _FLIP_DIRECTION:
        if re.search(pattern, sentence, re.I):
            return re.sub(pattern, rng.choice(replacements), sentence, count=1, flags=re.I)
    return None


def swap_comparison(sentence: str, rng: random.Random | None = None) -> str | None:
    """A comparison turned round: "more" ↔ "less" / "fewer", or the two compared groups exchanged."""
    pairs = [("women", "men"), ("children", "adults"), ("girls", "boys"), ("older", "younger")]
    for a, b in pairs:
        if re.search(rf"\b{a}\b", sentence, re.I) and re.search(rf"\b{b}\b", sentence, re.I):
            text = re.sub(rf"\b{a}\b", "\x00", sentence, flags=re.I)
            text = re.sub(rf"\b{b}\b", a, text, flags=re.I)
            return text.replace("\x00", b)
    for word, other in (("more", "less"), ("less", "more"), ("fewer", "more"), ("most", "least")):
        if re.search(rf"\b{word}\b", sentence, re.I):
            return re.sub(rf"\b{word}\b", other, sentence, count=1, flags=re.I)
    return None


def swap_population(sentence: str, rng: random.Random | None = None) -> str | None:
    """The wrong population: the people the sentence is about exchanged for others."""
    for word, other in _GROUP_SWAPS:
        if re.search(rf"\b{word}\b", sentence, re.I) and not re.search(rf"\b{other}\b", sentence, re.I):
            return re.sub(rf"\b{word}\b", other, sentence, count=1, flags=re.I)
    return None


DISTORTIONS = {"negation": negate, "reversed_effect": reverse_effect, "changed_number": change_number,
               "absolute": absolutize, "flipped_direction": flip_direction, "swapped_comparison": swap_comparison,
               "swapped_population": swap_population}
# The relation changes are tried first where they apply: they are the everyday falsehoods the older generators
# (negation, antonym) under-sampled (issue 14: "men get migraines more often than women").
RELATION_KINDS = ("flipped_direction", "swapped_comparison", "swapped_population")


def medquad_pages(ids: set[str], topics: set[str], *, held_out: bool,
                  skip_sources: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """MedQuAD pages with an answer, none of the excluded ids or topics, from the held-out share of the page
    buckets (`held_out=True`: pages no stance head was trained on) or from the rest."""
    from medtune.settings import get_settings

    pages = []
    with open(Path(get_settings().data_dir) / "medquad" / "medquad.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if (not row.get("answer") or row["id"] in ids or str(row.get("focus", "")).lower() in topics
                    or str(row.get("source", "")).endswith(skip_sources)):
                continue
            if (bucket(str(row.get("doc_id") or row["id"]), MEDQUAD_SHARES, 13) == "test") == held_out:
                pages.append(row)
    return pages


def benchmark_exclusions() -> tuple[set[str], set[str]]:
    """MedQuAD ids and topics (focus) of every everyday-claims set (`claimsets.ALL_SETS`): never used for
    generated training pairs, so no held-out claim's page is a distortion the head was fitted on."""
    from medtune.verify.claimsets import excluded_pages

    return excluded_pages()


def medquad_distortions(n: int, seed: int) -> list[dict[str, Any]]:
    """~n sentences → supported / refuted / not_enough_info pairs against windows of MedQuAD pages."""
    from medtune.verify.sentences import split_sentences

    rng = random.Random(seed)
    ids, topics = benchmark_exclusions()
    docs = medquad_pages(ids, topics, held_out=False)
    rng.shuffle(docs)
    out: list[dict[str, Any]] = []
    for doc in docs:
        if len(out) >= 3 * n:
            break
        windows = windows_of(doc["answer"])
        sents = [s for s in split_sentences(doc["answer"], split_conjunctions=False) if 40 <= len(s) <= 220]
        if len(windows) < 2 or not sents:
            continue
        sentence = rng.choice(sents)
        own = next((w for w in windows if sentence in w), None)
        if own is None:
            continue
        group = doc["id"]
        out.append({"claim": lay_rewording(sentence, rng), "evidence": own, "label": "supported", "group": group,
                    "kind": "medquad:reworded"})
        kinds = rng.sample(list(DISTORTIONS), len(DISTORTIONS))
        kinds.sort(key=lambda k: k not in RELATION_KINDS or rng.random() < 0.3)
        for kind in kinds:
            changed = DISTORTIONS[kind](sentence, rng)
            if changed and changed != sentence:
                out.append({"claim": lay_rewording(changed, rng), "evidence": own, "label": "refuted",
                            "group": group, "kind": f"medquad:{kind}"})
                break
        # One more refuted pair per page from a sentence a relation change applies to (direction, comparison,
        # population): these falsehoods are rarer in running text than negatable sentences.
        for other_sentence in rng.sample(sents, len(sents)):
            kind = next((k for k in RELATION_KINDS if DISTORTIONS[k](other_sentence, rng)), None)
            home = next((w for w in windows if other_sentence in w), None)
            if kind and home and other_sentence != sentence:
                changed = DISTORTIONS[kind](other_sentence, rng)
                out.append({"claim": lay_rewording(changed, rng), "evidence": home, "label": "refuted",
                            "group": group, "kind": f"medquad:{kind}"})
                break
        others = [w for w in windows if sentence not in w]
        other = rng.choice(others) if others and rng.random() < 0.5 else windows_of(rng.choice(docs)["answer"])[0]
        out.append({"claim": lay_rewording(sentence, rng), "evidence": other, "label": "not_enough_info",
                    "group": group, "kind": "medquad:other_passage"})
    return out


#: A dev claim set and the checker's results on its dev split (`benchmarks/checker_quality.py --split dev --out`).
DevResults = tuple[Path, Path]


def parse_dev_results(spec: str) -> DevResults:
    """"RESULTS" (results on claims.jsonl's dev half) or "CLAIMS=RESULTS" (another claim set's)."""
    claims, sep, results = spec.partition("=")
    return (Path(claims), Path(results)) if sep else (CLAIMS_FILE, Path(spec))


def claims_dev_pairs(results: Path | list[DevResults] | None = None) -> list[dict[str, Any]]:
    """Pairs from the **dev** half of the everyday claims (never a test half): a claim's core against the window
    of its MedQuAD page holding its deciding quote — true → supported, false → refuted, a misleading claim of two
    or more parts → its first core supported (the core is the true fact it stretches).

    With `results` (the JSONL of `benchmarks/checker_quality.py --split dev --out`, or a list of (claim set,
    results) pairs), the windows are the ones the checker retrieved and read for that core (those holding ≥ 60%
    of the quote's words): the passages the head meets at inference. Grouped CV on the dev claims preferred these
    (accuracy 0.78 vs 0.73)."""
    if results is not None:
        sources = [(CLAIMS_FILE, results)] if isinstance(results, Path) else results
        return [p for claims, res in sources for p in _retrieved_dev_pairs(res, claims)]
    from medtune.settings import get_settings
    from medtune.verify.decompose import decompose
    from medtune.verify.pairs import content_words

    if not CLAIMS_FILE.is_file():
        return []
    rows = [json.loads(line) for line in CLAIMS_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r["split"] == "dev"]
    # MedQuAD ids repeat across its sources: a page is its id *and* its URL.
    pages = {(r["evidence"]["medquad_id"], r["evidence"]["url"]) for r in rows}
    answers: dict[tuple[str, str], str] = {}
    with open(Path(get_settings().data_dir) / "medquad" / "medquad.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if (row["id"], row.get("url")) in pages:
                answers[(row["id"], row["url"])] = row["answer"]
    out = []
    for r in rows:
        parts = decompose(r["claim"])
        cores = [p for p in parts if p.role == "core"]
        label = {"true": "supported", "false": "refuted"}.get(r["label"])
        if r["label"] == "misleading" and len(parts) >= 2:
            label, cores = "supported", cores[:1]
        answer = answers.get((r["evidence"]["medquad_id"], r["evidence"]["url"]))
        if not label or len(cores) != 1 or not answer:
            continue
        quote = content_words(r["evidence"]["quote"])
        window = max(windows_of(answer), key=lambda w: len(quote & content_words(w)))
        out.append({"claim": cores[0].text, "evidence": window, "label": label, "group": r["group"],
                    "kind": "claims_dev"})
    return out


def _claims(split: str, path: Path = CLAIMS_FILE) -> dict[str, dict[str, Any]]:
    from medtune.verify.claimsets import load_claim_set

    return {r["id"]: r for r in load_claim_set(path, split)}


def _retrieved_dev_pairs(results: Path, claims: Path = CLAIMS_FILE) -> list[dict[str, Any]]:
    from medtune.verify.claimsets import topic_group
    from medtune.verify.pairs import content_words

    gold = _claims("dev", claims)  # a test half is never read here
    out = []
    for d in _jsonl(results):
        g = gold.get(d.get("id"))
        if g is None:
            continue
        cores = [i for i, part in enumerate(d["sentences"]) if part["role"] == "core"]
        label = {"true": "supported", "false": "refuted"}.get(g["label"])
        if g["label"] == "misleading" and len(d["sentences"]) >= 2:
            label, cores = "supported", cores[:1]
        if not label or len(cores) != 1:
            continue
        quote = content_words(g["evidence"]["quote"])
        for e in d["evidence"]:
            if e["sentence"] == cores[0] and len(quote & content_words(e["passage"])) >= 0.6 * len(quote):
                out.append({"claim": d["sentences"][cores[0]]["text"], "evidence": e["passage"], "label": label,
                            "group": topic_group(g), "kind": "claims_dev"})
    return out


def released_pairs(path: Path, per_source: dict[str, int], seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = _jsonl(path)
    out = []
    for source, count in per_source.items():
        mine = [r for r in rows if r.get("source") == source]
        rng.shuffle(mine)
        out.extend(mine[:count])
    return out


RELEASED = {"healthver": 1300, "pubmedqa": 150, "medhallu": 80}  # all of HealthVer's train part (1,232)
#: Weight of a dev-claim pair against a generated one: the dev claims are the only real lay paraphrases with a
#: known deciding passage (chosen by grouped 5-fold CV on the dev claims: 0 → accuracy 0.63, 5 → 0.77, 20 → 0.77
#: with more false claims read as true; docs/VERIFY.md).
DEV_CLAIM_WEIGHT = 5.0
HEAD_C = 1.0


def _jsonl(path: Path) -> list[dict[str, Any]]:
    # split on "\n" only: the claims hold U+2028 and other characters that str.splitlines() breaks on
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def fit_stance_head(pairs_dir: Path, out_dir: Path, base: Any, seed: int = 13, medquad_n: int = 700,
                    released: dict[str, int] | None = None, val_limit: int | None = 200,
                    dev_weight: float = DEV_CLAIM_WEIGHT, c: float | None = HEAD_C,
                    dev_results: Path | list[DevResults] | None = None) -> dict[str, Any]:
    """Build the training pairs, featurise them with `base`, report validation macro F1 per C (C itself was
    chosen by grouped CV on the dev claims, `c`; None picks it on validation), fit on everything with the dev
    claims' pairs weighted `dev_weight`, write stance.json."""
    import numpy as np

    from medtune.io import atomic_write_json
    from medtune.verify.stance import STANCE_FILE, fit_stance, minilm_embed, pair_features

    synthetic = medquad_distortions(medquad_n, seed)
    held = {r["group"] for r in synthetic if bucket(r["group"], {"fit": 0.8, "val": 0.2}, seed) == "val"}
    train = [r for r in synthetic if r["group"] not in held]
    train += released_pairs(pairs_dir / "train.jsonl", released or RELEASED, seed)
    val = [r for r in synthetic if r["group"] in held]
    val += _jsonl(pairs_dir / "validation.jsonl")[:val_limit]

    def featurise(rows: list[dict[str, Any]]) -> Any:
        pairs = [(r["claim"], r["evidence"]) for r in rows]
        return pair_features(pairs, base.predict(pairs), minilm_embed)

    dev = claims_dev_pairs(dev_results) if dev_weight > 0 else []
    x_train, x_val = featurise(train), featurise(val)
    y_train, y_val = [r["label"] for r in train], [r["label"] for r in val]
    scores = {}
    for option in (0.03, 0.1, 0.3, 1.0, 3.0):
        model = fit_stance(x_train, y_train, c=option)
        scores[option] = _macro_f1(model, x_val, y_val)
    best = c if c is not None else max(scores, key=scores.get)
    x_all, y_all = np.vstack([x_train, x_val]), y_train + y_val
    weights = np.ones(len(y_all))
    if dev:
        x_all, y_all = np.vstack([x_all, featurise(dev)]), y_all + [r["label"] for r in dev]
        weights = np.r_[weights, np.full(len(dev), dev_weight)]
    model = fit_stance(x_all, y_all, c=best, weights=weights)
    model.update({"validation_macro_f1_by_C": scores, "train_pairs": len(train), "validation_pairs": len(val),
                  "claims_dev_pairs": len(dev), "claims_dev_weight": dev_weight, "kinds": _counts(train + val + dev)})
    out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_json(out_dir / STANCE_FILE, model)
    return model


def _macro_f1(model: dict[str, Any], x: Any, y: list[str]) -> float:
    import numpy as np
    from sklearn.metrics import f1_score

    z = ((np.asarray(x) - np.asarray(model["mean"])) / np.asarray(model["scale"])) @ np.asarray(model["coef"]).T
    pred = [LABELS[i] for i in (z + np.asarray(model["intercept"])).argmax(axis=1)]
    return round(float(f1_score(y, pred, labels=list(LABELS), average="macro")), 4)


def _counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    from collections import Counter

    return dict(Counter(r.get("kind") or r.get("source", "") for r in rows))
