"""Write claims.jsonl from groups.py: each claim with its label, its decisive MedQuAD passage and its split.

    MEDTUNE_DATA_DIR=../shared/data python data/eval/claims/build.py

The split is fixed once by a hash of the group's topic (sha256, first byte even → dev, odd → test), so the
true, false and misleading wordings of one fact always stay on one side.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from groups import GROUPS  # noqa: E402


def split_of(topic: str) -> str:
    return "dev" if hashlib.sha256(topic.encode()).digest()[0] % 2 == 0 else "test"


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def build(groups: list, out_name: str, split_of_group) -> list[dict]:
    """Write `out_name` (next to this file) from `groups` — (topic, quote, true, false, misleading) — with
    `split_of_group(group id, topic)` deciding each fact's side; fails if a quote is not in MedQuAD."""
    data_dir = Path(os.environ.get("MEDTUNE_DATA_DIR", HERE.parents[2].parent / "shared" / "data"))
    rows = [json.loads(line) for line in open(data_dir / "medquad" / "medquad.jsonl", encoding="utf-8")]
    out, missing = [], []
    for topic, quote, *claims in groups:
        doc = next((r for r in rows if r.get("answer") and norm(quote) in norm(r["answer"])), None)
        if doc is None:
            missing.append(topic)
            continue
        gid = re.sub(r"[^a-z0-9]+", "-", topic.lower()).strip("-")
        for label, claim in zip(("true", "false", "misleading"), claims):
            out.append({"id": f"{gid}-{label}", "group": gid, "topic": topic, "label": label, "claim": claim,
                        "split": split_of_group(gid, topic),
                        "evidence": {"quote": quote, "medquad_id": doc["id"], "focus": doc["focus"],
                                     "url": doc["url"], "source": doc["source_name"]}})
    if missing:
        raise SystemExit(f"quotes not found in MedQuAD for: {missing}")
    if len({r["id"] for r in out}) != len(out):
        raise SystemExit("duplicate group ids")
    with open(HERE / out_name, "w", encoding="utf-8") as fh:
        for row in out:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    dev = sum(r["split"] == "dev" for r in out)
    print(f"{len(out)} claims ({len(groups)} groups): dev {dev}, test {len(out) - dev}")
    return out


def main() -> None:
    build(GROUPS, "claims.jsonl", lambda gid, topic: split_of(topic))


if __name__ == "__main__":
    main()
