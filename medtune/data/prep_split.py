"""Split roles, seeded stratified group splitting, and the leakage check between splits.

Official splits are kept as they are: a labelled train stays train, a labelled dev/val becomes validation,
a labelled test stays test. Only the roles that are missing are carved, from the training pool, stratified by
label and grouped so that rows sharing a claim or question never land in two splits.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from itertools import combinations
from typing import Any

from medtune.data.prep_dedup import Row

SPLITS = ("train", "validation", "test")
ROLE_OF_SPLIT = {"train": "train", "dev": "validation", "val": "validation", "validation": "validation",
                 "test": "test"}


def assign_roles(split_names: list[str], respect_official: bool) -> dict[str, str]:
    """Role of each labelled source split. Without a labelled train split everything becomes the pool:
    an official dev set alone (HealthVer) must also feed training."""
    if not respect_official:
        return {s: "pool" for s in split_names}
    roles = {s: ROLE_OF_SPLIT.get(s, "pool") for s in split_names}
    if "train" not in roles.values():
        return {s: "pool" for s in split_names}
    return roles


def _group_label(rows: list[Row]) -> str:
    labels = Counter(str(r.label) for r in rows)
    return labels.most_common(1)[0][0]


def stratified_group_split(rows: list[Row], fractions: dict[str, float], seed: int) -> dict[str, list[Row]]:
    """Carve each role in `fractions` (share of `rows`) out of `rows`, the rest is train.

    Groups (rows sharing a normalized claim/question) move as a whole; within each label stratum the groups
    are shuffled with `seed` and dealt out until each role reaches its share of the stratum.
    """
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        groups[row.group].append(row)
    strata: dict[str, list[list[Row]]] = defaultdict(list)
    for key in sorted(groups):  # sorted first: the shuffle below is then reproducible across runs
        strata[_group_label(groups[key])].append(groups[key])
    rng = random.Random(seed)
    out: dict[str, list[Row]] = {role: [] for role in (*fractions, "train")}
    for label in sorted(strata):
        stratum = strata[label]
        rng.shuffle(stratum)
        total = sum(len(g) for g in stratum)
        targets = {role: round(frac * total) for role, frac in fractions.items()}
        filled = dict.fromkeys(fractions, 0)
        for group in stratum:
            role = next((r for r in fractions if filled[r] < targets[r]), "train")
            if role != "train":
                filled[role] += len(group)
            out[role].extend(group)
    return out


def make_splits(rows: list[Row], fractions: dict[str, float], seed: int) -> tuple[dict[str, list[Row]], dict[str, str]]:
    """Final train/validation/test rows and, per split, where it came from."""
    by_role: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_role[row.role].append(row)
    missing = {role: fractions[role] for role in ("validation", "test") if not by_role.get(role)}
    origin = {role: "official" for role in ("validation", "test") if role not in missing}
    pool = by_role.get("train", []) + by_role.get("pool", [])
    pool_name = "the official train split" if by_role.get("train") else "all labelled rows"
    carved = stratified_group_split(pool, missing, seed) if missing else {"train": pool}
    splits = {"train": carved["train"]}
    origin["train"] = "official" if by_role.get("train") and not missing else (
        f"{pool_name}, less what was carved out" if missing else pool_name)
    for role in ("validation", "test"):
        if role in missing:
            splits[role] = carved.get(role, [])
            origin[role] = f"carved from {pool_name} ({fractions[role]:.0%}, seeded, stratified by label, grouped by text)"
        else:
            splits[role] = by_role[role]
    for role, members in splits.items():
        for row in members:
            row.role = role
    return splits, origin


def _split_rank(role: str, official: str) -> tuple[int, int]:
    """Which copy of a leaked group stays: official splits before carved ones, test before validation."""
    return (0 if official == "official" else 1, {"test": 0, "validation": 1, "train": 2}[role])


def leakage(splits: dict[str, list[Row]]) -> dict[str, dict[str, int]]:
    """Per pair of splits, how many groups (normalized claim/question) and identities appear in both."""
    out = {}
    for a, b in combinations(SPLITS, 2):
        ga, gb = {r.group for r in splits[a]}, {r.group for r in splits[b]}
        ka, kb = {r.key for r in splits[a]}, {r.key for r in splits[b]}
        out[f"{a}|{b}"] = {"shared_texts": len(ga & gb), "shared_rows": len(ka & kb)}
    return out


def resolve_leakage(splits: dict[str, list[Row]], origin: dict[str, str]) -> list[dict[str, Any]]:
    """Drop every row whose group also appears in a higher-ranked split; returns what was dropped."""
    owner: dict[str, str] = {}
    for role in sorted(SPLITS, key=lambda r: _split_rank(r, origin.get(r, ""))):
        for row in splits[role]:
            owner.setdefault(row.group, role)
    dropped = []
    for role in SPLITS:
        kept = []
        for row in splits[role]:
            if owner[row.group] == role:
                kept.append(row)
            else:
                dropped.append({"id": row.uid, "split": role, "also_in": owner[row.group]})
        splits[role] = kept
    return dropped


def label_counts(rows: list[Row]) -> dict[str, int]:
    return dict(sorted(Counter(str(r.label) for r in rows if r.label is not None).items()))
