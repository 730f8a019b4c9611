"""Build the labelled relevance set: `python data/eval/relevance/build.py` (deterministic; ~1 min on 2 cores).

Writes, beside this file:
- written.jsonl: the hand-written questions of written_source.tsv with their split;
- medquad_pairs.jsonl: MedQuAD (question, passage, relevant?) pairs. For each sampled question: its own answer
  (relevant), the same topic's answer to another question type (not relevant), and the answer to the same
  question type on the nearest other topic by MiniLM similarity of the topic names (not relevant).

Splits are decided once by a hash of the item's group — the MedQuAD topic (focus) or the written family — so
no question, and no topic, is on both sides; negatives are drawn from topics of the same split.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PER_SPLIT = 300  # MedQuAD questions per split (3 pairs each)
SEED = 13


def split_of(group: str) -> str:
    return "dev" if hashlib.sha256(group.encode()).digest()[0] % 2 == 0 else "test"


def norm_focus(focus: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", focus.lower()).strip()


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def written() -> list[dict]:
    rows = []
    for n, line in enumerate((HERE / "written_source.tsv").read_text(encoding="utf-8").splitlines()):
        if not line.strip() or line.startswith("#"):
            continue
        group, kind, expect, question = line.split("\t")
        rows.append({"id": f"w{n:03d}", "group": group, "split": split_of(group), "kind": kind, "expect": expect,
                     "question": question})
    return rows


def medquad_pairs() -> list[dict]:
    import numpy as np

    from medtune.chat.scoring import encode
    from medtune.kb.sources import medquad_pairs as pairs

    docs = [(q, d) for q, d in pairs() if d.text.strip() and q]
    by_focus: dict[str, list[tuple[str, object]]] = defaultdict(list)
    for q, d in docs:
        by_focus[norm_focus(d.meta["focus"])].append((q, d))
    foci = sorted(by_focus)
    vecs = encode(foci)
    rng = random.Random(SEED)
    rows = []
    for split in ("dev", "test"):
        side = [f for f in foci if split_of(f) == split]
        index = {f: i for i, f in enumerate(foci)}
        side_vecs = np.stack([vecs[index[f]] for f in side])
        candidates = [(q, d) for f in side for q, d in by_focus[f]
                      if len({x.meta["qtype"] for _, x in by_focus[f]}) > 1]
        rng.shuffle(candidates)
        taken = 0
        for question, doc in candidates:
            if taken == PER_SPLIT:
                break
            focus, qtype = norm_focus(doc.meta["focus"]), doc.meta["qtype"]
            other_type = [d for _, d in by_focus[focus] if d.meta["qtype"] != qtype]
            sims = side_vecs @ vecs[index[focus]]
            neighbour = None
            for j in np.argsort(-sims):
                f = side[int(j)]
                if f == focus or f in focus or focus in f:  # one name inside the other: may well be relevant
                    continue
                same_type = [d for _, d in by_focus[f] if d.meta["qtype"] == qtype]
                if same_type:
                    neighbour = same_type[0]
                    break
            if neighbour is None:
                continue
            group = f"medquad:{focus}"
            base = {"group": group, "split": split, "question": question, "qtype": qtype, "focus": doc.meta["focus"]}
            for kind, passage, label in (("own", doc, 1), ("other_qtype", rng.choice(other_type), 0),
                                         ("neighbour_topic", neighbour, 0)):
                rows.append({**base, "id": f"{doc.doc_id}#{kind}", "kind": kind, "passage_id": passage.doc_id,
                             "passage_focus": passage.meta["focus"], "passage_qtype": passage.meta["qtype"],
                             "relevant": label})
            taken += 1
    return rows


def main() -> None:
    rows = written()
    write_jsonl(HERE / "written.jsonl", rows)
    pairs = medquad_pairs()
    write_jsonl(HERE / "medquad_pairs.jsonl", pairs)
    for split in ("dev", "test"):
        print(f"{split}: {sum(r['split'] == split for r in rows)} written, "
              f"{sum(r['split'] == split for r in pairs)} MedQuAD pairs "
              f"({sum(r['split'] == split and r['relevant'] for r in pairs)} relevant)")


if __name__ == "__main__":
    main()
