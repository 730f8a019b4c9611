"""Verifiers: the lexical fallback's behaviour, the packaged trained verifier, and (slow) training a tiny one
with the training engine from the real pairs."""

from __future__ import annotations

from pathlib import Path

import pytest

EVIDENCE = "High blood pressure usually has no symptoms. Many people do not know they have it."
PAIRS = [("High blood pressure usually has no symptoms.", EVIDENCE),
         ("High blood pressure usually has symptoms.", EVIDENCE),
         ("Turmeric improves memory in older adults.", EVIDENCE)]


def test_lexical_fallback_is_named_and_reads_mismatches() -> None:
    from medtune.verify.model import LexicalFallbackVerifier
    from medtune.verify.pairs import LABELS

    verifier = LexicalFallbackVerifier()
    assert verifier.name.startswith("lexical-fallback")
    probs = verifier.predict(PAIRS)
    assert [LABELS[int(p.argmax())] for p in probs] == ["supported", "refuted", "not_enough_info"]
    assert verifier.predict([]).shape == (0, 3)


def test_packaged_verifier_predicts_probabilities() -> None:
    from medtune.verify.model import PACKAGED_VERIFIER, load_verifier
    from medtune.verify.stance import StanceVerifier

    if not (PACKAGED_VERIFIER / "adapter").is_dir():
        pytest.skip("no packaged verifier in this checkout")
    verifier = load_verifier(str(PACKAGED_VERIFIER))
    assert isinstance(verifier, StanceVerifier) and "trained" in verifier.name  # the packaged head is the stance one
    probs = verifier.predict(PAIRS)
    assert probs.shape == (3, 3) and abs(float(probs.sum(axis=1).min()) - 1.0) < 1e-4
    assert probs[0, 0] > probs[1, 0] and probs[1, 1] > probs[0, 1]  # the copy supports, the negation refutes


def test_train_a_tiny_verifier_with_the_engine(shared_data: Path, tmp_path: Path) -> None:
    from medtune.verify.model import TrainedVerifier, train_verifier
    from medtune.verify.pairs import PairOptions, build_pairs

    build_pairs(tmp_path / "pairs", PairOptions(limit=40, medquad_sentences=40, dailymed_swaps=10))
    run, result = train_verifier(tmp_path / "run", tmp_path / "pairs", max_train_examples=32, max_val_examples=16,
                                 max_steps=2, max_length=48, batch_size=8, logging_steps=1)
    assert (run / "adapter" / "medtune.json").is_file() and 0 < result["eval"]["examples"] <= 16
    probs = TrainedVerifier(run).predict(PAIRS)
    assert probs.shape == (3, 3) and abs(float(probs.sum(axis=1).max()) - 1.0) < 1e-4
