"""Linear heads over MiniLM embeddings + lexicon features: the default offline sentiment models.

A head is multinomial logistic regression stored as plain arrays (`.npz`: coef, intercept, classes), so
loading one is a file read with no pickle. `fit_default_heads` rebuilds the shipped heads from the labelled
review data in ../shared/data (`medtune sentiment fit-default`); the figures it prints are in
docs/SENTIMENT.md. Features are the same everywhere: [embedding (384) | LEXICON_SCALE × VADER(compound,
pos, neg)] — VADER brings negation, intensifiers and "but" handling that a mean-pooled embedding lacks
(Hutto & Gilbert, ICWSM 2014).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medtune.errors import NotAvailableError

HEADS_DIR = Path(__file__).with_name("heads")
LEXICON_SCALE = 2.0  # puts the 3 lexicon features on the scale of the 384 unit-norm embedding dims' sum


@dataclass
class Head:
    classes: tuple[str, ...]
    coef: Any  # (n_classes, n_features)
    intercept: Any  # (n_classes,)

    def proba(self, features: Any) -> Any:
        import numpy as np

        logits = features @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def sigmoid(self, features: Any) -> Any:
        """Per-class probabilities of a one-vs-rest head (each row of coef is its own binary classifier)."""
        import numpy as np

        return 1.0 / (1.0 + np.exp(-(features @ self.coef.T + self.intercept)))

    def save(self, path: Path) -> None:
        import numpy as np

        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, coef=self.coef.astype(np.float32), intercept=self.intercept.astype(np.float32),
                            classes=np.array(self.classes))

    @classmethod
    def load(cls, path: Path) -> Head:
        import numpy as np

        if not Path(path).is_file():
            raise NotAvailableError(
                f"sentiment head {path} is missing",
                hint="rebuild the default heads with `medtune sentiment fit-default`",
            )
        with np.load(path) as z:
            return cls(tuple(str(c) for c in z["classes"]), z["coef"], z["intercept"])

    @classmethod
    def from_sklearn(cls, clf: Any) -> Head:
        return cls(tuple(str(c) for c in clf.classes_), clf.coef_.copy(), clf.intercept_.copy())


class Lexicon:
    """VADER scores as features: [compound, pos, neg] per text."""

    def __init__(self) -> None:
        try:
            from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
        except ImportError as exc:  # pragma: no cover - a missing dependency, not a code path
            raise NotAvailableError(
                "the vaderSentiment package is not installed", hint="pip install vaderSentiment==3.3.2"
            ) from exc
        self._vader = SentimentIntensityAnalyzer()

    def scores(self, texts: list[str]) -> Any:
        import numpy as np

        rows = []
        for text in texts:
            p = self._vader.polarity_scores(text)
            rows.append((p["compound"], p["pos"], p["neg"]))
        return np.array(rows, dtype=np.float32).reshape(len(texts), 3)


def features(embeddings: Any, lexicon_scores: Any) -> Any:
    import numpy as np

    return np.hstack([embeddings, LEXICON_SCALE * lexicon_scores]).astype(np.float32)
