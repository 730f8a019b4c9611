"""Clause and review polarity: the default offline model, or a trained run directory.

Default (no training run): a logistic-regression head over [MiniLM embedding | VADER scores], fitted on
the labelled review data in ../shared/data (see `heads.py`, `fit.py`). A trained run (`--model RUN_DIR`,
a `sentiment` or `intensity` classifier from the training engine) replaces the 3-class clause model; it is
loaded through `medtune.eval.run_predictions.TrainedRunPredictor`, the same seam evaluation uses.

Both give, per clause, probabilities over (negative, neutral, positive) and a score
P(positive) − P(negative) in [−1, 1]. Negation and contrast are handled twice over: VADER's rules inside
the features ("not rude at all" scores positive) and the clause weighting in `analyze.py` ("…, but …").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from medtune.data.tasks import INTENSITY_LABELS
from medtune.errors import ConfigError
from medtune.sentiment.heads import HEADS_DIR, Head, Lexicon, features

LABELS = ("negative", "neutral", "positive")
POLARITY_HEAD = "polarity3.npz"
INTENSITY_HEAD = "intensity5.npz"


class PolarityModel(Protocol):
    name: str

    def clause_proba(self, texts: list[str], embeddings: Any) -> Any:
        """(n, 3) probabilities in LABELS order."""
        ...

    def intensity_proba(self, texts: list[str], embeddings: Any) -> Any:
        """(n, 5) probabilities over levels 1..5 for whole reviews."""
        ...


def _ordered(head: Head, order: tuple[str, ...], probs: Any) -> Any:
    missing = [c for c in order if c not in head.classes]
    if missing:
        raise ConfigError(f"sentiment head predicts {list(head.classes)}; expected {list(order)}")
    return probs[:, [head.classes.index(c) for c in order]]


class DefaultPolarity:
    """The shipped linear heads (medtune/sentiment/heads/*.npz).

    A clause in which VADER finds no opinion word is read by the service head fitted on our patient-review
    wording (wording.py) when it is there: the drug-review head reads such clauses by topic, mostly as praise."""

    name = "default (MiniLM + lexicon heads)"

    def __init__(self, heads_dir: Path | None = None):
        from medtune.sentiment.wording import SERVICE_HEAD

        heads_dir = Path(heads_dir or HEADS_DIR)
        self.polarity = Head.load(heads_dir / POLARITY_HEAD)
        self.intensity = Head.load(heads_dir / INTENSITY_HEAD)
        self.service = Head.load(heads_dir / SERVICE_HEAD) if (heads_dir / SERVICE_HEAD).is_file() else None
        self.lexicon = Lexicon()

    def clause_proba(self, texts: list[str], embeddings: Any) -> Any:
        lex = self.lexicon.scores(texts)
        x = features(embeddings, lex)
        probs = _ordered(self.polarity, LABELS, self.polarity.proba(x))
        if self.service is not None and len(texts):
            no_opinion = (lex[:, 1] <= 0) & (lex[:, 2] <= 0)  # VADER's pos and neg shares
            probs[no_opinion] = _ordered(self.service, LABELS, self.service.proba(x[no_opinion]))
        return probs

    def intensity_proba(self, texts: list[str], embeddings: Any) -> Any:
        x = features(embeddings, self.lexicon.scores(texts))
        return _ordered(self.intensity, INTENSITY_LABELS, self.intensity.proba(x))


class RunPolarity(DefaultPolarity):
    """A trained run's classifier for clauses; intensity stays with the default head unless the run is one."""

    def __init__(self, run_dir: str | Path, heads_dir: Path | None = None):
        super().__init__(heads_dir)
        from medtune.eval.run_predictions import TrainedRunPredictor
        from medtune.io import read_json
        from medtune.train.context import OUTPUT_INFO
        from medtune.train.predict import output_dir

        self.run_dir = Path(run_dir)
        task = read_json(output_dir(self.run_dir) / OUTPUT_INFO).get("task")
        if task not in ("sentiment", "intensity"):
            raise ConfigError(f"run {run_dir} was trained for task {task!r}; sentiment needs a 'sentiment' or "
                              "'intensity' classifier")
        labels = LABELS if task == "sentiment" else INTENSITY_LABELS
        self.task = task
        self.predictor = TrainedRunPredictor(self.run_dir, task, labels)
        self.name = f"run {self.run_dir.name} ({task})"

    def _run_probs(self, texts: list[str]) -> Any:
        import numpy as np

        from medtune.data.schemas import Example

        examples = [Example(id=str(i), text=t) for i, t in enumerate(texts)]
        preds = self.predictor.predict(examples)
        labels = self.predictor.labels
        rows = []
        for p in preds:
            probs = p.probs or {p.label: 1.0}
            rows.append([float(probs.get(lbl, 0.0)) for lbl in labels])
        return np.array(rows, dtype=np.float32).reshape(len(texts), len(labels)), labels

    def clause_proba(self, texts: list[str], embeddings: Any) -> Any:
        import numpy as np

        if not texts:
            return np.zeros((0, 3), dtype=np.float32)
        probs, labels = self._run_probs(texts)
        if self.task == "sentiment":
            return probs[:, [labels.index(c) for c in LABELS]]
        idx = {lbl: i for i, lbl in enumerate(labels)}
        neg = probs[:, idx["very_negative"]] + probs[:, idx["negative"]]
        pos = probs[:, idx["very_positive"]] + probs[:, idx["positive"]]
        return np.stack([neg, probs[:, idx["neutral"]], pos], axis=1)

    def intensity_proba(self, texts: list[str], embeddings: Any) -> Any:
        if self.task != "intensity":
            return super().intensity_proba(texts, embeddings)
        probs, labels = self._run_probs(texts)
        return probs[:, [labels.index(c) for c in INTENSITY_LABELS]]


def load_polarity(model: str | Path | None = None) -> PolarityModel:
    """The default heads, or a trained run directory when `model` names one."""
    if model in (None, "", "default"):
        return DefaultPolarity()
    path = Path(str(model)).expanduser()
    if not path.is_dir():
        raise ConfigError(f"--model {model}: not a run directory (expected a training job folder with model/ or "
                          "adapter/)")
    return RunPolarity(path)


def score(probs: Any) -> Any:
    """P(positive) − P(negative), in [−1, 1]."""
    return probs[:, 2] - probs[:, 0]
