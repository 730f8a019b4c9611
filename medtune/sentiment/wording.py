"""Heads fitted on our own patient-review wording (data/eval/reviews/wording.jsonl; issue 15).

The default polarity head was fitted on drug reviews and tweets. On patient reviews of services it reads a
clause with no opinion word by its topic, and mostly as praise: "Nobody washed their hands before touching my
drip" scored +0.79, "Admitted on Tuesday, operated on Wednesday" +0.17. Phrase cues fixed the dev half's
wordings and not much else (docs/SENTIMENT.md: dev 0.91, a fresh set by another hand 0.58). Two small heads
learn from ~280 short labelled sentences written for the purpose — implicit complaints and praise, factual
lines, lukewarm verdicts and sarcasm for every aspect of the taxonomy:

- `service3.npz`: 3-class polarity over [MiniLM embedding | VADER], used for the clauses in which VADER finds
  no opinion word (there the drug-review head only guesses; where VADER does, it keeps the clause);
- `aspects9.npz`: one-vs-rest aspect heads over the embedding (class-balanced logistic regression per aspect);
  the detector adds `AspectConfig.learned_weight × (P(aspect) − 0.5)` to its prototype + lexicon score.

`fit_wording_heads()` rebuilds both in seconds (`medtune sentiment fit-default` calls it too).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from medtune.settings import PROJECT_ROOT

WORDING = PROJECT_ROOT / "data" / "eval" / "reviews" / "wording.jsonl"
SERVICE_HEAD = "service3.npz"
ASPECT_HEAD = "aspects9.npz"
# Inverse L2 strengths: 5-fold CV on the wording itself (polarity accuracy 0.56 / 0.57 / 0.56 at C 0.25 / 1 / 4;
# aspect precision / recall 0.58 / 0.78 at C 1, 0.63 / 0.73 at C 4, 0.69 / 0.66 at C 16), then the
# whole analyser on data/eval/reviews dev + dev2 (docs/SENTIMENT.md).
C_SERVICE = 1.0
C_ASPECTS = 4.0


def read_wording(path: Path = WORDING) -> list[dict[str, Any]]:
    """{id, text, polarity, aspects: [names]} per line; a bad line is an error naming the file and line."""
    from medtune.errors import DataError

    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if row["polarity"] not in ("negative", "neutral", "positive") or not isinstance(row["aspects"], list):
                raise ValueError("polarity must be negative/neutral/positive and aspects a list")
        except (ValueError, KeyError, TypeError) as exc:
            raise DataError(f"{path} line {n}: {exc}") from exc
        rows.append(row)
    return rows


def fit_wording_heads(out_dir: Path | None = None, encoder: Any = None, path: Path = WORDING,
                      aspect_names: list[str] | None = None) -> dict[str, Any]:
    """Fit the service polarity head and the one-vs-rest aspect heads; write them next to the default heads."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from medtune.sentiment.aspects import load_taxonomy
    from medtune.sentiment.encoder import get_encoder
    from medtune.sentiment.fit import SEED, fit_head
    from medtune.sentiment.heads import HEADS_DIR, Head, Lexicon, features

    rows = read_wording(path)
    texts = [r["text"] for r in rows]
    emb = (encoder or get_encoder()).encode(texts)
    service = fit_head(features(emb, Lexicon().scores(texts)), [r["polarity"] for r in rows], C_SERVICE)
    names = aspect_names or [a.name for a in load_taxonomy(None).aspects]
    coef, intercept = [], []
    for name in names:
        y = [name in r["aspects"] for r in rows]
        clf = LogisticRegression(C=C_ASPECTS, max_iter=3000, class_weight="balanced", random_state=SEED).fit(emb, y)
        coef.append(clf.coef_[0])
        intercept.append(clf.intercept_[0])
    aspects = Head(tuple(names), np.array(coef), np.array(intercept))
    out_dir = Path(out_dir or HEADS_DIR)
    service.save(out_dir / SERVICE_HEAD)
    aspects.save(out_dir / ASPECT_HEAD)
    return {"wording_rows": len(rows), "aspects": {n: sum(n in r["aspects"] for r in rows) for n in names},
            "polarity": {p: sum(r["polarity"] == p for r in rows) for p in ("negative", "neutral", "positive")}}
