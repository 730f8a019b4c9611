"""The verifier: (claim, evidence) → P(supported), P(refuted), P(not enough info).

Three implementations behind one method, `predict(pairs) -> (n, 3) array` in the order of `LABELS`:
- `TrainedVerifier`: a LoRA cross-encoder on the embedded MiniLM, trained with medtune's training engine
  (`train_verifier`, task `claim_verification`) on the pairs of `medtune.verify.pairs`. The default.
- `HubNLIVerifier`: any hub NLI / fact-checking cross-encoder (e.g. `cross-encoder/nli-deberta-v3-base`), when
  online; its entailment / contradiction / neutral labels are mapped onto ours. Never used in tests.
- `LexicalFallbackVerifier`: used only when no trained verifier exists, and named so everywhere it shows. It
  reads support from word overlap and contradiction from a negation, an opposite effect word or a different
  number between claim and evidence — the perturbations of `medtune.verify.perturb` — and is no fact checker.

Where the trained verifier lives: `MEDTUNE_VERIFIER_DIR` (a run directory), else `<MEDTUNE_HOME>/verify/verifier`,
else the copy committed with medtune in `medtune/verify/default_verifier/` (a ~3 MB adapter).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from medtune.errors import NotAvailableError
from medtune.settings import get_settings
from medtune.verify.pairs import LABELS, content_words

PACKAGED_VERIFIER = Path(__file__).resolve().parent / "default_verifier"
PAIRS_DATASET = "verify_pairs"
ENV_DIR = "MEDTUNE_VERIFIER_DIR"
ENV_MODEL = "MEDTUNE_VERIFIER"  # "auto" (default), "lexical", a run directory, or "hub:<model id>"


class Verifier(Protocol):
    name: str

    def predict(self, pairs: Sequence[tuple[str, str]]) -> Any: ...


# --- locations --------------------------------------------------------------------------------------------
def home_verifier_dir() -> Path:
    return get_settings().home / "verify" / "verifier"


def default_verifier_dir() -> Path | None:
    """The trained verifier to use: MEDTUNE_VERIFIER_DIR, else MEDTUNE_HOME/verify/verifier, else the packaged one."""
    # context, not classify: a request thread must not import transformers just for a file name (an import
    # racing the warm-up thread's failed with "cannot import name TrainerCallback").
    from medtune.train.context import OUTPUT_INFO

    candidates = [Path(os.environ[ENV_DIR])] if os.environ.get(ENV_DIR) else []
    candidates += [home_verifier_dir(), PACKAGED_VERIFIER]
    for path in candidates:
        if any((path / sub / OUTPUT_INFO).is_file() for sub in ("adapter", "model")):
            return path
    return None


# --- the trained cross-encoder ----------------------------------------------------------------------------
class TrainedVerifier:
    """A classification run of the training engine, loaded once; LoRA folded into the weights for speed."""

    def __init__(self, run_dir: str | Path, batch_size: int = 16):
        from medtune.models.batch_inference import prepare_for_inference
        from medtune.train.predict import load_run

        self.run_dir = Path(run_dir)
        run = load_run(self.run_dir)
        self.model, self.tokenizer = prepare_for_inference(run.model), run.tokenizer
        self.labels = run.labels
        self.max_length = int(run.info.get("max_length") or 256)
        self.batch_size = batch_size
        self.name = f"trained:{self.run_dir}"
        missing = set(LABELS) - set(self.labels)
        if missing:
            raise NotAvailableError(f"verifier run {run_dir} predicts {self.labels}, not {list(LABELS)}",
                                    hint="train it on task claim_verification (medtune.verify.model.train_verifier)")
        self._order = [self.labels.index(lbl) for lbl in LABELS]
        self._lock = threading.Lock()

    def predict(self, pairs: Sequence[tuple[str, str]]) -> Any:
        import numpy as np
        import torch

        if not pairs:
            return np.zeros((0, len(LABELS)), dtype="float32")
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        out = np.zeros((len(pairs), len(LABELS)), dtype="float32")
        with self._lock, torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                idx = order[start:start + self.batch_size]
                enc = self.tokenizer([pairs[i][0] for i in idx], [pairs[i][1] for i in idx], truncation=True,
                                     max_length=self.max_length, padding=True, return_tensors="pt")
                probs = torch.softmax(self.model(**enc).logits.float(), dim=-1).numpy()
                out[idx] = probs[:, self._order]
        return out


# --- a hub NLI model (online only) -----------------------------------------------------------------------
_NLI_NAMES = {"entailment": "supported", "contradiction": "refuted", "neutral": "not_enough_info",
              "supports": "supported", "refutes": "refuted", "not_enough_info": "not_enough_info",
              "supported": "supported", "refuted": "refuted", "nei": "not_enough_info"}


class HubNLIVerifier:
    """A hub sequence-classification NLI model; premise = evidence, hypothesis = claim (the NLI convention)."""

    def __init__(self, model_id: str, batch_size: int = 16):
        if get_settings().is_offline:
            raise NotAvailableError(f"hub verifier {model_id!r} needs the internet, and medtune is offline here",
                                    hint=f"unset {ENV_MODEL} (the trained MiniLM verifier is used) or go online")
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(model_id)
        self.model = AutoModelForSequenceClassification.from_pretrained(model_id).eval()
        id2label = {int(k): str(v).lower() for k, v in self.model.config.id2label.items()}
        mapped = {i: _NLI_NAMES.get(name) for i, name in id2label.items()}
        if sorted(v for v in mapped.values() if v) != sorted(LABELS):
            raise NotAvailableError(f"hub model {model_id!r} has labels {list(id2label.values())}, not an "
                                    "entailment / neutral / contradiction head")
        self._order = [next(i for i, v in mapped.items() if v == lbl) for lbl in LABELS]
        self.batch_size = batch_size
        self.name = f"hub:{model_id}"

    def predict(self, pairs: Sequence[tuple[str, str]]) -> Any:
        import numpy as np
        import torch

        rows = []
        with torch.inference_mode():
            for start in range(0, len(pairs), self.batch_size):
                chunk = pairs[start:start + self.batch_size]
                enc = self.tokenizer([e for _, e in chunk], [c for c, _ in chunk], truncation=True, max_length=512,
                                     padding=True, return_tensors="pt")
                rows.append(torch.softmax(self.model(**enc).logits.float(), dim=-1).numpy()[:, self._order])
        return np.concatenate(rows) if rows else np.zeros((0, len(LABELS)), dtype="float32")


# --- the clearly-named fallback ---------------------------------------------------------------------------
# Public: the chat's support verifier (medtune/chat/scoring.py) reads the same lexical signals.
NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass
class LexicalFallbackVerifier:
    """No model: overlap for support, a negation / opposite / number mismatch for contradiction."""

    name: str = "lexical-fallback (no trained verifier found)"

    def predict(self, pairs: Sequence[tuple[str, str]]) -> Any:
        import numpy as np

        return np.array([self._one(c, e) for c, e in pairs], dtype="float32").reshape(-1, len(LABELS))

    def _one(self, claim: str, evidence: str) -> list[float]:
        from medtune.text import NEGATION
        from medtune.verify.perturb import OPPOSITES

        words = content_words(claim)
        ev_words = content_words(evidence)
        overlap = len(words & ev_words) / len(words) if words else 0.0
        claim_lower, ev_lower = claim.lower(), evidence.lower()
        negation_flip = bool(NEGATION.search(claim_lower)) != bool(NEGATION.search(_near(ev_lower, words)))
        opposite = any(OPPOSITES.get(w) in ev_words and w not in ev_words for w in words if w in OPPOSITES)
        numbers = set(NUMBER.findall(claim))
        number_clash = bool(numbers) and not numbers <= set(NUMBER.findall(evidence))
        conflict = overlap >= 0.5 and (negation_flip or opposite or number_clash)
        if conflict:
            return [0.15, 0.7, 0.15]
        if overlap >= 0.75:
            return [0.8, 0.05, 0.15]
        if overlap >= 0.5:
            return [0.45, 0.1, 0.45]
        return [0.1, 0.1, 0.8]


def _near(evidence: str, words: set[str]) -> str:
    """The evidence sentence sharing most words with the claim (negations elsewhere do not count)."""
    from medtune.verify.sentences import split_sentences

    sents = split_sentences(evidence, split_conjunctions=False) or [evidence]
    return max(sents, key=lambda s: len(words & content_words(s)))


# --- stacking the cross-encoder with the mismatch features -----------------------------------------------
STACK_FILE = "stack.json"


class StackedVerifier:
    """The trained cross-encoder's log-probabilities and the lexical mismatch verifier's probabilities, combined
    by a multinomial logistic regression fitted on held-out labelled pairs (stacking, Wolpert 1992). On CPU the
    cross-encoder is trained briefly; the stack lets the exact negation / number / opposite-word signal through
    where the encoder has not yet learned it, and learns from data how much to trust each."""

    def __init__(self, base: Verifier, coef: list[list[float]], intercept: list[float]):
        import numpy as np

        self.base, self.lexical = base, LexicalFallbackVerifier()
        self.coef, self.intercept = np.asarray(coef, dtype="float64"), np.asarray(intercept, dtype="float64")
        self.name = f"stacked({base.name} + lexical mismatch features)"

    @staticmethod
    def features(base_probs: Any, lexical_probs: Any) -> Any:
        import numpy as np

        return np.hstack([np.log(np.clip(base_probs, 1e-6, 1.0)), lexical_probs])

    def predict(self, pairs: Sequence[tuple[str, str]]) -> Any:
        import numpy as np

        if not pairs:
            return np.zeros((0, len(LABELS)), dtype="float32")
        x = self.features(self.base.predict(pairs), self.lexical.predict(pairs))
        logits = x @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        return (probs / probs.sum(axis=1, keepdims=True)).astype("float32")


def fit_stack(base: Verifier, pairs: Sequence[tuple[str, str]], labels: Sequence[str]) -> dict[str, Any]:
    """Fit the stacking regression on labelled pairs; returns {"coef", "intercept", "classes", "items"}."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x = StackedVerifier.features(base.predict(pairs), LexicalFallbackVerifier().predict(pairs))
    y = np.array([LABELS.index(lbl) for lbl in labels])
    model = LogisticRegression(C=1.0, max_iter=2000).fit(x, y)
    if list(model.classes_) != list(range(len(LABELS))):
        from medtune.errors import DataError

        raise DataError(f"stacking needs every label among the fitting pairs; found {sorted(set(labels))}")
    return {"coef": model.coef_.tolist(), "intercept": model.intercept_.tolist(), "classes": list(LABELS),
            "items": len(labels), "features": "log P(trained) x3 + P(lexical) x3"}


def _with_stack(verifier: Verifier, run_dir: Path) -> Verifier:
    """The run's cross-encoder with its fitted head: the stance head (stance.json) when there is one, else the
    older stack (stack.json), else the cross-encoder alone."""
    from medtune.io import read_json
    from medtune.verify.stance import STANCE_FILE, StanceVerifier

    stance = read_json(run_dir / STANCE_FILE) if (run_dir / STANCE_FILE).is_file() else None
    if isinstance(stance, dict) and stance.get("coef") and os.environ.get("MEDTUNE_VERIFIER_HEAD") != "stack":
        return StanceVerifier(verifier, stance)
    stack = read_json(run_dir / STACK_FILE) if (run_dir / STACK_FILE).is_file() else None
    if isinstance(stack, dict) and stack.get("coef"):
        return StackedVerifier(verifier, stack["coef"], stack["intercept"])
    return verifier


# --- choosing one --------------------------------------------------------------------------------------
_CACHE: dict[str, Verifier] = {}
_CACHE_LOCK = threading.Lock()


def resolved_spec(spec: str | Path | None = None) -> str:
    """What "auto" (or MEDTUNE_VERIFIER) means here, without loading anything: "lexical", "hub:<id>" or a run dir."""
    spec = str(spec or os.environ.get(ENV_MODEL) or "auto")
    if spec == "auto":
        found = default_verifier_dir()
        spec = str(found) if found else "lexical"
    return spec


def load_verifier(spec: str | Path | None = None) -> Verifier:
    """The verifier named by `spec` (or MEDTUNE_VERIFIER): "auto", "lexical", "hub:<id>" or a run directory.
    "auto" is the trained verifier when one is found, else the lexical fallback; a run directory with a
    stack.json is used stacked with the mismatch features. Loaded once per process."""
    spec = resolved_spec(spec)
    with _CACHE_LOCK:
        if spec not in _CACHE:
            if spec == "lexical":
                _CACHE[spec] = LexicalFallbackVerifier()
            elif spec.startswith("hub:"):
                _CACHE[spec] = HubNLIVerifier(spec[4:])
            else:
                _CACHE[spec] = _with_stack(TrainedVerifier(spec), Path(spec))
        return _CACHE[spec]


def clear_cache() -> None:
    _CACHE.clear()


# --- training with the engine -----------------------------------------------------------------------------
def register_pairs_dataset(pairs_dir: Path) -> str:
    """Make the pairs a dataset the training engine can prepare (train + validation files, task claim_verification)."""
    from medtune.data import registry
    from medtune.data.registry import DatasetSpec

    spec = DatasetSpec(
        name=PAIRS_DATASET, title="Verifier pairs (medtune.verify.pairs)", record_kind="claim",
        tasks=("claim_verification",), default_task="claim_verification",
        converter="medtune.verify.pairs:to_record", licence="mixed; see DATACARD.md beside the files",
        citation="see DATACARD.md", files={"train": "train.jsonl", "validation": "validation.jsonl"},
        folder=str(Path(pairs_dir).resolve()), official_splits={"validation": "medtune.verify.pairs"},
        description="HealthVer (train part), MedHallu train, PubMedQA train, MedQuAD/DailyMed perturbations.",
    )
    registry.list_datasets()  # the catalog first, so it never meets this entry as a duplicate
    registry.register(spec, replace=True)  # re-registering points at the latest pairs folder
    return PAIRS_DATASET


def train_config(**overrides: Any) -> Any:
    """The verifier's training config: the engine's claim_verification recipe for MiniLM, plus overrides."""
    from medtune.train.config import default_recipe, parse_config

    base = default_recipe("claim_verification", PAIRS_DATASET, "minilm", "lora").to_dict()
    base.update({"name": "verifier", "max_length": 160, "epochs": 2, "batch_size": 16, "eval_batch_size": 64})
    base["prepare"].update({"near_dedup": False, "scan_phi": False})  # generated pairs: near copies are the point
    for key, value in overrides.items():
        if key == "prepare":
            base["prepare"].update(value)
        else:
            base[key] = value
    return parse_config(base)


def train_verifier(out_dir: str | Path | None = None, pairs_dir: str | Path | None = None, *,
                   rebuild_pairs: bool = False, **overrides: Any) -> tuple[Path, dict[str, Any]]:
    """Build the pairs when missing, then train the cross-encoder in this process into `out_dir`
    (default MEDTUNE_HOME/verify/verifier). Returns the run directory and the engine's result."""
    from medtune.train.runner import run_local
    from medtune.verify.pairs import FILES, build_pairs

    home = get_settings().home / "verify"
    pairs_dir = Path(pairs_dir or home / "pairs")
    if rebuild_pairs or not (pairs_dir / FILES["train"]).is_file():
        build_pairs(pairs_dir)
    register_pairs_dataset(pairs_dir)
    out = Path(out_dir or home_verifier_dir())
    cfg = train_config(**overrides)
    return run_local(cfg, out)
