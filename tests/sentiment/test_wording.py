"""The heads fitted on our patient-review wording (medtune/sentiment/wording.py): rebuilt from the file they
ship from, read the opinion-less clauses, and add learned aspect evidence; the fresh tuning set dev2 improves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from medtune.errors import DataError
from medtune.sentiment.heads import HEADS_DIR, Head, features
from medtune.sentiment.wording import ASPECT_HEAD, SERVICE_HEAD, WORDING, fit_wording_heads, read_wording


def test_shipped_heads_are_what_the_wording_fits(tmp_path: Path, encoder: Any) -> None:
    report = fit_wording_heads(tmp_path, encoder)
    rows = read_wording()
    assert report["wording_rows"] == len(rows) >= 300
    assert all(report["aspects"][a] >= 15 for a in report["aspects"])  # every aspect has wording to learn from
    for name in (SERVICE_HEAD, ASPECT_HEAD):
        fitted, shipped = Head.load(tmp_path / name), Head.load(HEADS_DIR / name)
        assert fitted.classes == shipped.classes
        np.testing.assert_allclose(fitted.coef, shipped.coef, atol=1e-3)  # the shipped files are reproducible


def test_opinionless_clauses_are_read_by_the_service_head(analyzer: Any) -> None:
    polarity = analyzer.polarity
    texts = ["They left my father on a trolley in the corridor overnight.",  # no VADER opinion word
             "The nurses were wonderful."]  # VADER: positive
    emb = analyzer.encoder.encode(texts)
    probs = polarity.clause_proba(texts, emb)
    x = features(emb, polarity.lexicon.scores(texts))
    service = polarity.service.proba(x)
    drug = polarity.polarity.proba(x)
    order = [polarity.service.classes.index(c) for c in ("negative", "neutral", "positive")]
    np.testing.assert_allclose(probs[0], service[0, order], atol=1e-6)
    np.testing.assert_allclose(probs[1], drug[1, [polarity.polarity.classes.index(c)
                                                 for c in ("negative", "neutral", "positive")]], atol=1e-6)
    assert probs[0].argmax() == 0  # the implicit complaint is negative


def test_learned_aspect_heads_add_detection_evidence(analyzer: Any) -> None:
    detector = analyzer.detector
    text = ["Nobody had cleaned the sink or emptied the bins in the bay."]
    emb = analyzer.encoder.encode(text)
    with_heads = detector.scores(emb, text)
    weight = detector.config.learned_weight
    detector.config.learned_weight = 0.0
    try:
        without = detector.scores(emb, text)
    finally:
        detector.config.learned_weight = weight
    k = [a.name for a in analyzer.taxonomy.aspects].index("cleanliness")
    assert with_heads[0, k] > without[0, k]  # the head knows what a hygiene complaint looks like
    assert "cleanliness" in [analyzer.taxonomy.aspects[i].name for i in detector.detect(with_heads)[0]]


def test_bad_wording_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "w.jsonl"
    path.write_text(json.dumps({"text": "ok", "polarity": "positive", "aspects": []}) + "\n"
                    + json.dumps({"text": "bad", "polarity": "great", "aspects": []}) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="w.jsonl line 2"):
        read_wording(path)


def test_wording_does_not_copy_the_review_sets() -> None:
    """Training wording must not contain the evaluated reviews' sentences (dev, dev2, test)."""
    from medtune.sentiment.quality import REVIEWS_DIR, read_gold
    from medtune.sentiment.text import clauses

    wording = {r["text"].lower().strip(" .!") for r in read_wording(WORDING)}
    for part in ("dev", "dev2", "test"):
        for item in read_gold(REVIEWS_DIR / f"{part}.jsonl"):
            for clause in clauses(item["text"]):
                assert clause.text.lower().strip(" .!") not in wording or len(clause.text.split()) <= 3, \
                    (part, item["id"], clause.text)
