"""The hand-written everyday claim sets (data/eval/claims, data/eval/independent): one reader for all of them.

Each row is a claim with its gold label (true / false / misleading), its fact group, its split and the MedQuAD
passage that decides it. Only a set's **dev** rows may be fitted on; a `test` row is read by the benchmarks'
reporting runs only. The independent set has its own fields and is given claims.jsonl's here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "data" / "eval"
OWN = DATA / "claims" / "claims.jsonl"
INDEPENDENT = DATA / "independent" / "claims.jsonl"
FRESH6 = DATA / "claims" / "fresh6.jsonl"
FRESH7 = DATA / "claims" / "fresh7.jsonl"
POOL7 = DATA / "claims" / "pool7.jsonl"
#: Every set whose pages and topics no generated training pair may come from: the held-out sets, and the
#: training pool too (its claims are fitted on through their own retrieved passages, not through distortions).
ALL_SETS = (OWN, INDEPENDENT, FRESH6, FRESH7, POOL7)


def set_name(path: Path) -> str:
    """A short name for a claim set: "own" (claims.jsonl), "indep" (the independent set), else the file's stem."""
    return {OWN: "own", INDEPENDENT: "indep"}.get(Path(path).resolve(), Path(path).stem)


def load_claim_set(path: Path, split: str = "all") -> list[dict[str, Any]]:
    """The claims of one split ("dev", "test" or "all"); the independent set's rows get claims.jsonl's fields
    (group = its MedQuAD focus, evidence = its quote and page), so every set reads the same way."""
    from medtune.io import iter_jsonl

    rows = list(iter_jsonl(path, skip_partial=False))  # file lines, not str.splitlines(): claims hold U+2028
    for r in rows:
        if "group" not in r:  # data/eval/independent/claims.jsonl
            r["group"] = "indep:" + str(r["medquad_focus"]).lower()
            r["evidence"] = {"quote": r.get("evidence_quote", ""), "medquad_id": r.get("medquad_id", ""),
                             "focus": r.get("medquad_focus", ""), "url": r.get("url", "")}
    return [r for r in rows if split == "all" or r["split"] == split]


def topic_group(row: dict[str, Any]) -> str:
    """A claim's cross-validation group: the MedQuAD topic of its deciding passage, so a topic that two sets
    share (own and independent dev both have osteoporosis) is never on both sides of a fold."""
    return "topic:" + str(row["evidence"]["focus"]).lower()


def excluded_pages() -> tuple[set[str], set[str]]:
    """MedQuAD ids and topics (focus, lower case) of every claim set present: never a generated training pair."""
    ids, topics = set(), set()
    for path in ALL_SETS:
        if path.is_file():
            for r in load_claim_set(path):
                ids.add(str(r["evidence"]["medquad_id"]))
                topics.add(str(r["evidence"]["focus"]).lower())
    return ids, topics
