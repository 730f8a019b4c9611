"""Rebuild the word lists `medtune.data.phi` reads (run once, offline; the outputs are committed).

    python medtune/data/phi_lexicon/build.py --census DIR --data ../shared/data

- first_names.txt / surnames.txt: US Census 1990 name frequency files (public domain; the copies shipped in
  the MIT-licensed PyPI package `names` 0.3.0: dist.female.first, dist.male.first, dist.all.last), first names
  with frequency >= 0.002 % and the 6,000 most frequent surnames, lower-cased.
- common_words.txt: words that everyday and medical English uses as ordinary lower-case words: alphabetic
  words seen >= 5 times in the MedQuAD answers, DrugLib and drug-review texts and COVID dialogues of the shared
  data, lower-case in at least half of their non-sentence-initial uses. "will", "grace", "metformin" and
  "normal" are common words; "john" and "boston" (mostly capitalised) are not. phi uses it to keep a lower-case
  word after a weak cue ("i'm worried", "my husband will") from being taken for a name or a town.
- drugs.txt: drug names (every word of the DrugLib and drug-review drug names and the FDA labels' generic and
  brand names), lower-cased: "Thanks Trintellix!" and "This is Dilaudid" thank and name a drug, not a person.
Only words are kept, never the texts they came from.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
_WORD = re.compile(r"[A-Za-z][a-z]+|[A-Z]+\b")
_SENTENCE_END = re.compile(r"[.!?:\n]\s*$")


def census(path: Path, min_pct: float = 0.0, top: int | None = None) -> list[str]:
    names = []
    for line in path.read_text().splitlines():
        name, pct = line.split()[:2]
        if float(pct) >= min_pct:
            names.append(name.lower())
    return names[:top] if top else names


def corpus_texts(data: Path):
    for line in (data / "medquad" / "medquad.jsonl").open():
        yield json.loads(line).get("answer") or ""
    for name in ("druglib/train.jsonl", "druglib/dev.jsonl"):
        for line in (data / name).open():
            row = json.loads(line)
            yield " ".join(row.get(k) or "" for k in ("benefits_review", "side_effects_review", "comments_review"))
    for line in (data / "drug_reviews_explabox" / "train.jsonl").open():
        yield json.loads(line).get("review") or ""
    for line in (data / "covid_dialogue_en" / "dialogues.jsonl").open():
        yield " ".join(t.get("text") or "" for t in json.loads(line).get("turns", []))


def common_words(data: Path, min_count: int = 5) -> list[str]:
    lower, upper = Counter(), Counter()
    for text in corpus_texts(data):
        for m in _WORD.finditer(text):
            word = m.group()
            if m.start() == 0 or _SENTENCE_END.search(text[max(0, m.start() - 3):m.start()]):
                continue  # sentence-initial capitals say nothing
            (lower if word.islower() else upper)[word.lower()] += 1
    return sorted(w for w, n in lower.items() if n >= min_count and n >= upper[w] and len(w) > 1)


def drug_words(data: Path) -> list[str]:
    names = set()
    for line in (data / "druglib" / "train.jsonl").open():
        names.add(json.loads(line).get("drug") or "")
    for line in (data / "drug_reviews_explabox" / "train.jsonl").open():
        names.add(json.loads(line).get("drugName") or "")
    for line in (data / "dailymed_labels" / "labels.jsonl").open():
        row = json.loads(line)
        names.update([row.get("drug_name") or "", *row.get("generic_names", []), *row.get("brand_names", [])])
    words = {w.lower() for name in names for w in re.findall(r"[A-Za-z]{4,}", name)}
    return sorted(words)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--census", type=Path, required=True, help="folder with dist.*.first and dist.all.last")
    ap.add_argument("--data", type=Path, required=True, help="the shared data folder")
    args = ap.parse_args()
    first = sorted(set(census(args.census / "dist.female.first", 0.002) + census(args.census / "dist.male.first", 0.002)))
    last = sorted(set(census(args.census / "dist.all.last", top=6000)))
    (HERE / "first_names.txt").write_text("\n".join(first) + "\n")
    (HERE / "surnames.txt").write_text("\n".join(last) + "\n")
    (HERE / "common_words.txt").write_text("\n".join(common_words(args.data)) + "\n")
    (HERE / "drugs.txt").write_text("\n".join(drug_words(args.data)) + "\n")


if __name__ == "__main__":
    main()
