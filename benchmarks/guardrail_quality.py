"""How well the dose-change output guardrail separates advice to change a medicine from text a patient
chatbot may say (data/eval/guardrails/sentences.jsonl).

    python benchmarks/guardrail_quality.py                 # the held-out test half (report this)
    python benchmarks/guardrail_quality.py --split dev -v  # the half the rule was written against, with errors
    python benchmarks/guardrail_quality.py --corpus        # also: what it removes from real, unlabelled text

Each sentence goes through `guardrails.check_output([sentence])`, the same call the chat pipeline makes on
every answer sentence whatever its source. A sentence counts as removed when the output no longer holds it
(replaced by the dose rule, or cut by another rule). Prints recall on the advice sentences (label "remove"),
per form (imperative, 2nd/3rd/1st person, passive, hedged) and the false-removal rate on the sentences that
must stay (label "keep": FDA label safety wording, deferrals to a clinician, label dosing information,
warnings about consequences, advice that is not about a medicine), per kind. `--corpus` splits the FDA label
sections, 3,000 MedQuAD answers (seeded shuffle) and the doctors' turns of the COVID dialogues of the shared
data (MEDTUNE_DATA_DIR) into sentences and prints every one the dose rule removes, to be read.
"""

from __future__ import annotations

import argparse
import json
import os
import random
from collections import Counter
from pathlib import Path

from medtune.chat.guardrails import check_output, is_dose_instruction
from medtune.chat.text import split_sentences

ROOT = Path(__file__).resolve().parents[1]
ITEMS = ROOT / "data" / "eval" / "guardrails" / "sentences.jsonl"


def removed(sentence: str) -> bool:
    return sentence not in check_output([sentence]).sentences


def report(rows: list[dict], label: str, title: str, verbose: bool) -> None:
    hits, total = Counter(), Counter()
    for row in (r for r in rows if r["label"] == label):
        total[row["form"]] += 1
        got = removed(row["sentence"])
        hits[row["form"]] += got
        wrong = got != (label == "remove")
        if verbose and wrong:
            print(f"  {'MISSED' if label == 'remove' else 'REMOVED'} {row['id']}: {row['sentence']}")
    print(f"{title}: {sum(hits.values())}/{sum(total.values())} ({sum(hits.values()) / max(1, sum(total.values())):.1%})")
    for form in sorted(total):
        print(f"  {form:<18} {hits[form]}/{total[form]}")


def corpus() -> None:
    data = Path(os.environ.get("MEDTUNE_DATA_DIR", ROOT.parent / "shared" / "data"))
    sentences: list[tuple[str, str]] = []
    for line in (data / "dailymed_labels" / "labels.jsonl").open():
        for text in json.loads(line)["sections"].values():
            sentences += [("label", s) for s in split_sentences(text)]
    rows = [json.loads(line) for line in (data / "medquad" / "medquad.jsonl").open()]
    random.Random(0).shuffle(rows)
    for row in rows[:3000]:
        sentences += [("medquad", s) for s in split_sentences(row["answer"] or "")]
    for line in (data / "covid_dialogue_en" / "dialogues.jsonl").open():
        for turn in json.loads(line)["turns"]:
            if turn["speaker"] != "patient":
                sentences += [("dialogue", s) for s in split_sentences(turn["text"])]
    hits = [(source, s) for source, s in sentences if is_dose_instruction(s)]
    print(f"\nunlabelled text: {len(sentences)} sentences, {len(hits)} removed by the dose rule "
          f"{dict(Counter(source for source, _ in hits))}")
    for source, sentence in hits:
        print(f"  {source}: {sentence[:160]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("dev", "test", "holdout2", "all"), default="test")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every missed and wrongly removed sentence")
    ap.add_argument("--corpus", action="store_true", help="also list removals from unlabelled label/MedQuAD text")
    args = ap.parse_args()
    rows = [json.loads(line) for line in ITEMS.open()]
    rows = [r for r in rows if args.split == "all" or r["split"] == args.split]
    print(f"{ITEMS.relative_to(ROOT)}, split {args.split}: {sum(r['label'] == 'remove' for r in rows)} advice "
          f"sentences, {sum(r['label'] == 'keep' for r in rows)} that must stay")
    report(rows, "remove", "recall (advice removed)", args.verbose)
    report(rows, "keep", "false removal (kept sentences removed)", args.verbose)
    if args.corpus:
        corpus()


if __name__ == "__main__":
    main()
