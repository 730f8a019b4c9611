"""Fit the default heads (`medtune sentiment fit-default`) from the labelled review data in ../shared/data.

Training rows (the validation rows below are never used):
- druglib train (all 2,781 reviews; `DRUGLIB_TRAIN_CAP` takes a seeded subset): overall 3-class from the 1–10 rating, 5 levels from the rating, and two
  field-level rows per review — the benefits text labelled with the effectiveness rating and the side-effects
  text labelled with the side-effect severity (real aspect-level labels, Druglib converter's mapping);
- drug_reviews_explabox train, all but a seeded 20 % (3-class);
- covid_tweets_sentiment train, all but a seeded 20 % (3-class and 5 levels).
Validation: druglib dev (the provider's seeded 10 % carve-out), and the two seeded 20 % holdouts.
All of Druglib is three quarters of the units, so each unit is weighted so that the three sources count alike
(`source_weights`); without that the heads learn Druglib's style and lose the tweets (docs/SENTIMENT.md).

A review is represented as the mean of its clause embeddings (what the analyser computes anyway), so the
clause-level head sees the same kind of input at training and at prediction time.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from medtune.errors import NotAvailableError

SEED = 13
_FIELD = re.compile(r"^(Benefits|Side effects|Comments): ", re.MULTILINE)
HOLDOUT = 0.2
#: Druglib train reviews used (None: all 2,781). Druglib reviews are long (~10 clauses each), so all of them
#: is most of a re-fit's encoding time; a seeded subset (e.g. 500) keeps a quick re-fit possible.
DRUGLIB_TRAIN_CAP: int | None = None
# Inverse L2 strength and source weighting: the best mean validation macro-F1 (3-class on the three sets,
# 5-level on two) of C 0.25 / 1 × balance equal / sqrt with all of Druglib (docs/SENTIMENT.md).
C_POLARITY = 0.25
C_INTENSITY = 0.25
SOURCE_BALANCE = "equal"  # see source_weights


def _holdout(ids: list[str], frac: float = HOLDOUT, seed: int = SEED) -> set[str]:
    """A seeded, order-independent holdout: the ids whose salted hash falls in the lowest `frac`."""
    def key(i: str) -> int:
        return int(hashlib.sha256(f"{seed}:{i}".encode()).hexdigest()[:8], 16)

    ranked = sorted(ids, key=key)
    return set(ranked[: int(len(ranked) * frac)])


def _records(name: str, split: str) -> list[Any]:
    """Records of a full copy; the small samples bundled in data/ would fit a toy head, so they are refused."""
    from medtune.data.registry import find_local_file, get_dataset, is_sample, load_records

    path = find_local_file(get_dataset(name), split)
    if path is not None and is_sample(path):
        raise NotAvailableError(f"{name}/{split}: only the bundled sample is here ({path})",
                                hint="point MEDTUNE_DATA_DIR at the full copies (../shared/data)")
    return load_records(name, split)


def _rows(name: str, split: str) -> list[dict[str, Any]]:
    """Review rows {id, text, label, level?, fields?} of one dataset split."""
    from medtune.data.catalog import FIVE_LEVELS, FIVE_TO_THREE
    from medtune.data.tasks import intensity_level

    rows = []
    for r in _records(name, split):
        row: dict[str, Any] = {"id": r.id, "text": r.text, "label": r.label, "level": r.intensity}
        if name == "covid_tweets_sentiment":
            row["label"], row["level"] = FIVE_TO_THREE[r.label], intensity_level(FIVE_LEVELS[r.label])
        if name == "druglib":
            aspects = r.aspects or {}
            row["fields"] = {"Benefits": aspects.get("effectiveness"), "Side effects": aspects.get("side_effects")}
        rows.append(row)
    return rows


def training_sets(druglib_cap: int | None = DRUGLIB_TRAIN_CAP) -> dict[str, list[dict[str, Any]]]:
    druglib = _rows("druglib", "train")
    if druglib_cap is not None and druglib_cap < len(druglib):
        keep = _holdout([r["id"] for r in druglib], frac=druglib_cap / max(len(druglib), 1), seed=SEED + 1)
        druglib = [r for r in druglib if r["id"] in keep]
    out = {"druglib/train": druglib}
    for name in ("drug_reviews_explabox", "covid_tweets_sentiment"):
        rows = _rows(name, "train")
        held = _holdout([r["id"] for r in rows])
        out[f"{name}/train"] = [r for r in rows if r["id"] not in held]
    return out


def validation_sets() -> dict[str, list[dict[str, Any]]]:
    out = {"druglib/dev": _rows("druglib", "dev")}
    for name in ("drug_reviews_explabox", "covid_tweets_sentiment"):
        rows = _rows(name, "train")
        held = _holdout([r["id"] for r in rows])
        out[f"{name}/holdout"] = [r for r in rows if r["id"] in held]
    return out


class EmbeddingCache:
    """Clause embeddings keyed by text hash, kept under MEDTUNE_HOME so a re-fit does not re-embed."""

    def __init__(self, encoder: Any, path: Path | None = None):
        from medtune.settings import get_settings

        self.encoder = encoder
        self.path = path or get_settings().home / "sentiment" / "clause-embeddings.npz"
        self.store: dict[str, Any] = {}
        if self.path.is_file():
            import numpy as np

            with np.load(self.path) as z:
                self.store = dict(zip(z["keys"].tolist(), z["vectors"]))

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def encode(self, texts: list[str], progress: Callable[[int, int], None] | None = None) -> Any:
        import numpy as np

        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        missing = sorted({t for t in texts if self.key(t) not in self.store})
        step = 2048
        for start in range(0, len(missing), step):
            part = missing[start:start + step]
            for text, vec in zip(part, self.encoder.encode(part)):
                self.store[self.key(text)] = vec
            if progress:
                progress(min(start + step, len(missing)), len(missing))
        return np.array([self.store[self.key(t)] for t in texts], dtype=np.float32).reshape(len(texts), -1)

    def save(self) -> None:
        import numpy as np

        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = list(self.store)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(keys), vectors=np.array([self.store[k] for k in keys], dtype=np.float32))
        tmp.replace(self.path)


def _segments(text: str) -> list[tuple[str, int, int]]:
    """(name, start, end) of the "Benefits: … / Side effects: … / Comments: …" parts of a Druglib review."""
    marks = [(m.group(1), m.start()) for m in _FIELD.finditer(text)]
    return [(name, start, marks[i + 1][1] if i + 1 < len(marks) else len(text)) for i, (name, start) in enumerate(marks)]


def training_units(sets: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One unit per review, plus one per labelled Druglib field: {text, clauses, label, level}.

    A field unit reuses its review's clauses (those inside the field's span), so it costs no extra encoding.
    """
    from medtune.sentiment.text import clauses

    units = []
    for source, rows in sets.items():
        for r in rows:
            parts = clauses(r["text"]) or []
            units.append({"text": r["text"], "clauses": [c.text for c in parts] or [r["text"]],
                          "label": r.get("label"), "level": r.get("level"), "source": source})
            for name, start, end in _segments(r["text"]) if r.get("fields") else []:
                label = r["fields"].get(name)
                inside = [c.text for c in parts if start <= c.start < end]
                if label and inside:
                    units.append({"text": r["text"][start:end], "clauses": inside, "label": label, "level": None,
                                  "source": source})
    return units


def source_weights(sources: list[str], mode: str = "equal") -> Any:
    """Per-unit sample weights (mean 1) so that no training set drowns the others.

    All of Druglib is 8,000 units (reviews and their fields) against 2,100 tweets and 480 Drugs.com reviews;
    unweighted, the heads learn Druglib's style and lose the tweets. "equal": every source weighs the same in
    total; "sqrt": a source weighs √n; "none": every unit weighs 1.
    """
    import numpy as np

    from medtune.errors import ConfigError

    if mode not in ("equal", "sqrt", "none"):
        raise ConfigError(f"source weighting {mode!r}: expected equal, sqrt or none")
    counts = {s: sources.count(s) for s in set(sources)}
    power = {"equal": 1.0, "sqrt": 0.5, "none": 0.0}[mode]
    w = np.array([counts[s] ** -power for s in sources], dtype=np.float64)
    return w * (len(w) / w.sum()) if len(w) else w


def featurize(units: list[dict[str, Any]], cache: EmbeddingCache, lexicon: Any,
              progress: Callable[[int, int], None] | None = None) -> Any:
    """[mean clause embedding | lexicon scores of the whole text] per unit."""
    import numpy as np

    from medtune.sentiment.heads import features

    flat = [c for u in units for c in u["clauses"]]
    emb = cache.encode(flat, progress)
    means, pos = [], 0
    for u in units:
        vec = emb[pos:pos + len(u["clauses"])].mean(axis=0)
        means.append(vec / (np.linalg.norm(vec) or 1.0))
        pos += len(u["clauses"])
    return features(np.array(means, dtype=np.float32).reshape(len(units), -1),
                    lexicon.scores([u["text"] for u in units]))


def fit_head(x: Any, y: list[Any], c: float, sample_weight: Any = None) -> Any:
    from sklearn.linear_model import LogisticRegression

    from medtune.sentiment.heads import Head

    # class_weight="balanced": neutral is 9 % of Druglib and drug reviews; unweighted it is almost never predicted.
    # It multiplies with sample_weight (the source balance).
    clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", random_state=SEED)
    clf.fit(x, [str(v) for v in y], sample_weight=sample_weight)
    return Head.from_sklearn(clf)


def fit_default_heads(out_dir: Path | None = None, encoder: Any = None,
                      progress: Callable[[int, int], None] | None = None, *,
                      druglib_cap: int | None = DRUGLIB_TRAIN_CAP, c_polarity: float = C_POLARITY,
                      c_intensity: float = C_INTENSITY, balance: str = SOURCE_BALANCE) -> dict[str, Any]:
    """Fit both heads, write them to out_dir (default: the packaged heads/), return the validation report."""
    import numpy as np

    from medtune.data.tasks import INTENSITY_LABELS
    from medtune.eval.classification import accuracy, macro_f1, make_data
    from medtune.sentiment.encoder import get_encoder
    from medtune.sentiment.heads import HEADS_DIR, Lexicon
    from medtune.sentiment.polarity import INTENSITY_HEAD, LABELS, POLARITY_HEAD

    try:
        train, valid = training_sets(druglib_cap), validation_sets()
    except NotAvailableError as exc:
        raise NotAvailableError(f"fitting the default heads needs the review datasets: {exc.message}",
                                hint=exc.hint) from exc
    cache = EmbeddingCache(encoder or get_encoder())
    lexicon = Lexicon()
    units = training_units(train)
    x = featurize(units, cache, lexicon, progress)
    cache.save()  # the slow part is done: keep it even if fitting fails
    pol = [i for i, u in enumerate(units) if u["label"]]
    lev = [i for i, u in enumerate(units) if u["level"]]
    polarity = fit_head(x[pol], [units[i]["label"] for i in pol], c_polarity,
                        source_weights([units[i]["source"] for i in pol], balance))
    intensity = fit_head(x[lev], [INTENSITY_LABELS[units[i]["level"] - 1] for i in lev], c_intensity,
                         source_weights([units[i]["source"] for i in lev], balance))
    out_dir = Path(out_dir or HEADS_DIR)
    polarity.save(out_dir / POLARITY_HEAD)
    intensity.save(out_dir / INTENSITY_HEAD)
    report: dict[str, Any] = {"train_rows": {name: len(rows) for name, rows in train.items()},
                              "train_units": {"polarity": len(pol), "intensity": len(lev)},
                              "config": {"druglib_cap": druglib_cap, "c_polarity": c_polarity,
                                         "c_intensity": c_intensity, "balance": balance},
                              "validation": {"polarity_head": {}, "intensity_head": {}}}
    for name, rows in valid.items():
        xv = featurize(training_units({name: [{**r, "fields": None} for r in rows]}), cache, lexicon)
        pred = [polarity.classes[k] for k in np.argmax(polarity.proba(xv), axis=1)]
        data = make_data([r["label"] for r in rows], pred, LABELS)
        report["validation"]["polarity_head"][name] = {"n": len(rows), "macro_f1": round(macro_f1(data), 3),
                                                       "accuracy": round(accuracy(data), 3)}
        levelled = [i for i, r in enumerate(rows) if r.get("level")]
        if levelled:
            pred5 = [intensity.classes[k] for k in np.argmax(intensity.proba(xv[levelled]), axis=1)]
            data5 = make_data([INTENSITY_LABELS[rows[i]["level"] - 1] for i in levelled], pred5, INTENSITY_LABELS)
            report["validation"]["intensity_head"][name] = {"n": len(levelled), "macro_f1": round(macro_f1(data5), 3),
                                                            "accuracy": round(accuracy(data5), 3)}
    cache.save()
    from medtune.sentiment.wording import fit_wording_heads

    report["wording"] = fit_wording_heads(out_dir, cache.encoder)
    return report
