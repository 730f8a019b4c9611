"""Official evaluation splits, pinned, and fingerprints of the items an evaluation used.

lm-evaluation-harness once scored PubMedQA on all 1,000 labelled items instead of the official 500-item
test set; pinning the split (its size, and for PubMedQA its exact ids) and recording a fingerprint of the
items makes that mistake visible. Labelled copies of these test splits are withheld on this machine, so
scoring them needs labels the user supplies (`labels=`); the runner says which split it used.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medtune.settings import BUNDLED_DATA_DIR


@dataclass(frozen=True)
class OfficialSplit:
    dataset: str
    split: str
    description: str
    size: int | None = None
    ids_file: str | None = None  # relative to the bundled data/ folder: one id per line, '#' comments

    def expected_ids(self) -> set[str] | None:
        if not self.ids_file:
            return None
        lines = (BUNDLED_DATA_DIR / self.ids_file).read_text(encoding="utf-8").splitlines()
        return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


OFFICIAL_SPLITS: dict[tuple[str, str], OfficialSplit] = {(s.dataset, s.split): s for s in (
    OfficialSplit("pubmedqa", "test", "PubMedQA PQA-L official test set: the 500 PMIDs of test_ground_truth.json",
                  500, "pubmedqa/official_test_pmids.txt"),
    OfficialSplit("medqa", "test", "MedQA-USMLE (US) 4-option official test set", 1273),
    OfficialSplit("scifact", "dev", "SciFact official dev set (claims)", 300),
    OfficialSplit("covid_fake_news", "test", "CONSTRAINT 2021 COVID-19 fake news official test set", 2140),
    OfficialSplit("healthver", "test", "HealthVer official test set", 1823),
    OfficialSplit("medhallu", "test", "MedHallu pqa_labeled items of the PubMedQA official test PMIDs (held out)"),
)}


def official_split(dataset: str, split: str) -> OfficialSplit | None:
    return OFFICIAL_SPLITS.get((dataset, split))


def check_official(dataset: str, split: str, ids: list[str]) -> dict[str, Any]:
    """Whether `ids` are the whole official split: its size, and its exact ids where they are pinned."""
    spec = official_split(dataset, split)
    if spec is None:
        return {"official": False, "note": f"{dataset}/{split} is not one of the pinned official evaluation splits"}
    problems = []
    if spec.size is not None and len(ids) != spec.size:
        problems.append(f"{len(ids)} items, the official split has {spec.size}")
    expected = spec.expected_ids()
    if expected is not None and set(ids) != expected:
        missing, extra = len(expected - set(ids)), len(set(ids) - expected)
        problems.append(f"ids differ from {spec.ids_file} ({missing} missing, {extra} not official)")
    return {"official": not problems, "description": spec.description, "expected_size": spec.size,
            "note": "; ".join(problems) or "matches the pinned official split"}


def fingerprint(items: list[dict[str, Any]]) -> str:
    """sha256 over the items in id order; the same items in any order give the same fingerprint."""
    digest = hashlib.sha256()
    for item in sorted(items, key=lambda x: str(x.get("id"))):
        digest.update(json.dumps(item, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))
        digest.update(b"\n")
    return "sha256:" + digest.hexdigest()


def items_fingerprint(examples: list[Any]) -> str:
    """Fingerprint of the inputs (id, text, text pair) — not the labels, so user-supplied labels compare."""
    return fingerprint([{"id": e.id, "text": e.text, "text_pair": e.text_pair} for e in examples])


def labels_fingerprint(ids: list[str], labels: list[str | None]) -> str:
    return fingerprint([{"id": i, "label": lbl} for i, lbl in zip(ids, labels)])


def official_ids_path(dataset: str, split: str) -> Path | None:
    spec = official_split(dataset, split)
    return BUNDLED_DATA_DIR / spec.ids_file if spec and spec.ids_file else None
