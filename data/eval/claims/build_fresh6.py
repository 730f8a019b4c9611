"""Write fresh6.jsonl from fresh6_groups.py (same fields as claims.jsonl).

    MEDTUNE_DATA_DIR=../shared/data python data/eval/claims/build_fresh6.py

Split once, by group: `test` if int(sha256("claims-fresh6:" + group)[:8], 16) is odd, else `dev`, so the three
wordings of one fact stay on one side. Fails if a quote is not found verbatim (up to whitespace) in MedQuAD.
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
from fresh6_groups import GROUPS  # noqa: E402


def split_of(group: str) -> str:
    return "test" if int(hashlib.sha256(("claims-fresh6:" + group).encode()).hexdigest()[:8], 16) % 2 else "dev"


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def main() -> None:
    data_dir = Path(os.environ.get("MEDTUNE_DATA_DIR", HERE.parents[2].parent / "shared" / "data"))
    rows = [json.loads(line) for line in open(data_dir / "medquad" / "medquad.jsonl", encoding="utf-8")]
    out, missing = [], []
    for topic, quote, *claims in GROUPS:
        doc = next((r for r in rows if r.get("answer") and norm(quote) in norm(r["answer"])), None)
        if doc is None:
            missing.append(topic)
            continue
        gid = re.sub(r"[^a-z0-9]+", "-", topic.lower()).strip("-")
        for label, claim in zip(("true", "false", "misleading"), claims):
            out.append({"id": f"{gid}-{label}", "group": gid, "topic": topic, "label": label, "claim": claim,
                        "split": split_of(gid),
                        "evidence": {"quote": quote, "medquad_id": doc["id"], "focus": doc["focus"],
                                     "url": doc["url"], "source": doc["source_name"]}})
    if missing:
        raise SystemExit(f"quotes not found in MedQuAD for: {missing}")
    if len({r["id"] for r in out}) != len(out):
        raise SystemExit("duplicate group ids")
    with open(HERE / "fresh6.jsonl", "w", encoding="utf-8") as fh:
        for row in out:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    dev = [r for r in out if r["split"] == "dev"]
    print(f"{len(out)} claims ({len(GROUPS)} groups): dev {len(dev)} ({len(dev) // 3} groups), "
          f"test {len(out) - len(dev)} ({(len(out) - len(dev)) // 3} groups)")


if __name__ == "__main__":
    main()
