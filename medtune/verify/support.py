"""The one support scorer: "is this sentence supported by these passages?" for the chat, the checker and the
evaluation alike.

A sentence is judged by medtune.verify's stance verifier and its one calibration (`verify_sentences`,
calibration.json: Platt-scaled trust, the label supported / contradicted / conflicting / not_enough_info),
with one rule in front of it: **a sentence copied from a passage is entailed by that passage**. An extractive
chat answer quotes its sources; the stance head, reading every retrieved passage, sometimes calls such a quote
"contradicted" or "conflicting" because *another* passage speaks of a different fact (12 of 150 quoted chat
answers red, docs/CHATBOT.md). A quote is therefore judged against the passage it came from alone, as an
entailment (P(supported) = 1), and never sent to the model.

"Copied" (lower-cased words and numbers, punctuation ignored, after the caller's `normalize`, e.g. the chat's
plain-word lexicon) means either
- every word trigram of the sentence occurs in one passage. The cut is exact on purpose: on medtune.verify's
  train + validation pairs (7,547) the trigram share reaches 1.0 for 1,654 pairs, 1,647 of them supported
  (99.6 %); any lower cut admits the one-word perturbations (0.95: 28 not supported, 0.9: 175);
- or the sentence is two runs of the passage's words, in the passage's order, each at least `MIN_RUN` words,
  with at least `MIN_GAP` words skipped between them and no negation among those: an FDA label's lead-in
  joined to one of its bullets ("Ask a doctor … if you are" + "taking aspirin …", skipping "under a doctor's
  care …"), which the extractive answer does. Deleting a single word ("not", a digit) is not such a skip:
  on the same pairs, two-run matches with a one-word gap admit a refuted copy (a changed number), with
  `MIN_GAP` = 2 none (for MIN_RUN 3, 4 or 5).
`python -m medtune.verify.support --pairs DIR` prints both tables.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from medtune.verify.trust import SentenceVerdict

QUOTE_N = 3  # word trigrams: a one-word change removes up to three of them
MIN_RUN, MIN_GAP = 4, 2  # a heading + bullet stitch: two runs of >= 4 words, >= 2 words skipped between them
ENTAILED = (1.0, 0.0, 0.0)  # [supported, refuted, not_enough_info] of a sentence copied from the passage

Normalize = Callable[[str], str]


def flat_words(text: str) -> list[str]:
    """Lower-case words and numbers: punctuation and spacing do not break a quote."""
    return re.findall(r"[a-z0-9]+", text.lower())


def word_ngrams(words: list[str], n: int = QUOTE_N) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def quoted_share(sentence: str, passage: str) -> float:
    """Share of the sentence's word trigrams found in the passage: 1.0 for a quote (also one stitched from a
    label's heading and its bullet when the join keeps the passage's words), lower for each changed word. A
    sentence under three words is quoted only when it occurs whole."""
    words, passage_words = flat_words(sentence), flat_words(passage)
    grams = word_ngrams(words)
    if not grams:
        return float(bool(words) and f" {' '.join(words)} " in f" {' '.join(passage_words)} ")
    return len(grams & word_ngrams(passage_words)) / len(grams)


def stitched(words: list[str], passage_words: list[str], min_run: int = MIN_RUN, min_gap: int = MIN_GAP) -> bool:
    """Whether `words` are two runs of `passage_words` in order (each >= min_run words) with >= min_gap words
    skipped between them, none of them a negation (see the module docstring)."""
    from medtune.text import NEGATION

    text = f" {' '.join(passage_words)} "
    word_at, pos = {}, 1  # character offset in `text` → word index
    for i, w in enumerate(passage_words):
        word_at[pos] = i
        pos += len(w) + 1
    for k in range(min_run, len(words) - min_run + 1):
        head, tail = f" {' '.join(words[:k])} ", f" {' '.join(words[k:])} "
        i = text.find(head)
        while i != -1:
            end = word_at[i + 1] + k
            j = text.find(tail, i + len(head) - 1)
            while j != -1:
                gap = passage_words[end:word_at[j + 1]]
                if len(gap) >= min_gap and not NEGATION.search(" ".join(gap)):
                    return True
                j = text.find(tail, j + 1)
            i = text.find(head, i + 1)
    return False


def is_copied(sentence: str, passage: str) -> bool:
    """A quote of the passage: every trigram in it, or a two-run stitch (heading + bullet) of it."""
    words, passage_words = flat_words(sentence), flat_words(passage)
    share = quoted_share(sentence, passage)
    if share >= 1.0:
        return True
    grams = word_ngrams(words)
    missing = round((1.0 - share) * len(grams))
    return 0 < missing <= QUOTE_N - 1 and stitched(words, passage_words)  # one join adds at most two trigrams


def quote_source(sentence: str, passages: list[str], normalize: Normalize | None = None) -> int | None:
    """Index of the first passage the sentence is copied from, else None."""
    norm = normalize or (lambda t: t)
    text = norm(sentence)
    for i, passage in enumerate(passages):
        if is_copied(text, norm(passage or "")):
            return i
    return None


def support_verdicts(sentences: list[str], evidence_texts: list[str],
                     normalize: Normalize | None = None) -> list[SentenceVerdict]:
    """Each sentence's verdict against the evidence texts: a quote is entailed by its own passage; the rest
    go to medtune.verify's verifier (`verify_sentences`, its calibration)."""
    from medtune.verify import verify_sentences
    from medtune.verify.model import load_verifier
    from medtune.verify.trust import calibration_for, judge_sentence

    sentences, evidence_texts = list(sentences), list(evidence_texts)
    verifier = load_verifier()
    cal = calibration_for(verifier)
    sources = [quote_source(s, evidence_texts, normalize) for s in sentences]
    rest = [i for i, src in enumerate(sources) if src is None]
    judged = verify_sentences([sentences[i] for i in rest], evidence_texts, verifier, cal) if rest else []
    out: list[SentenceVerdict] = []
    by_index = dict(zip(rest, judged))
    for i, (sentence, src) in enumerate(zip(sentences, sources)):
        out.append(by_index[i] if src is None else judge_sentence(sentence, [ENTAILED], cal, evidence_ids=[src]))
    return out


def support_scores(sentences: list[str], evidence_texts: list[str], normalize: Normalize | None = None) -> list[float]:
    """The calibrated trust (P(supported)) of each sentence, in [0, 1]."""
    return [v.trust for v in support_verdicts(sentences, evidence_texts, normalize)]


def faithfulness_scores(answers: list[str], evidence: list[str]) -> list[float]:
    """P(supported) of each answer by its evidence: its weakest sentence's trust (NaN for an empty answer) —
    medtune.verify.faithfulness_scores with the quote rule, so the evaluation judges an answer as the chat does."""
    from medtune.verify.sentences import split_sentences

    scores = []
    for answer, ev in zip(answers, evidence):
        sentences = split_sentences(answer or "")
        scores.append(min(v.trust for v in support_verdicts(sentences, [ev or ""])) if sentences else float("nan"))
    return scores


def quote_table(pairs_dir: Path, cuts: tuple[float, ...] = (1.0, 0.95, 0.9, 0.85, 0.8)) -> list[dict[str, Any]]:
    """Per trigram-share cut, on the train + validation pairs: pairs at or above it, and how many are not
    supported (the evidence for the exact cut)."""
    from medtune.verify.pairs import FILES, read_pairs

    pairs = [p for name in ("train", "validation") if (pairs_dir / FILES[name]).is_file()
             for p in read_pairs(pairs_dir / FILES[name])]
    shares = [(quoted_share(p.claim, p.evidence), p.label == "supported") for p in pairs]
    rows = []
    for cut in cuts:
        picked = [ok for share, ok in shares if share >= cut]
        rows.append({"rule": f"trigram share >= {cut:.2f}", "pairs": len(picked), "supported": sum(picked),
                     "not_supported": len(picked) - sum(picked), "of": len(pairs)})
    near = [(flat_words(p.claim), flat_words(p.evidence), ok) for p, (share, ok) in zip(pairs, shares) if share < 1.0]
    for gap in (1, MIN_GAP, MIN_GAP + 1):
        picked = [ok for words, passage_words, ok in near if stitched(words, passage_words, MIN_RUN, gap)]
        rows.append({"rule": f"two runs >= {MIN_RUN} words, gap >= {gap}", "pairs": len(picked),
                     "supported": sum(picked), "not_supported": len(picked) - sum(picked), "of": len(pairs)})
    return rows


def main(argv: list[str] | None = None) -> int:
    from medtune.settings import get_settings

    parser = argparse.ArgumentParser(prog="python -m medtune.verify.support",
                                     description="How often a copied sentence is supported, per quote rule.")
    parser.add_argument("--pairs", type=Path, default=get_settings().home / "verify" / "pairs",
                        help="folder of medtune.verify pairs (default MEDTUNE_HOME/verify/pairs)")
    args = parser.parse_args(argv)
    rows = quote_table(args.pairs)
    if not rows or not rows[0]["of"]:
        print(f"no train / validation pairs in {args.pairs}: run `python -m medtune.verify pairs` first")
        return 1
    print(f"{rows[0]['of']} train + validation pairs in {args.pairs}")
    for r in rows:
        precision = r["supported"] / r["pairs"] if r["pairs"] else float("nan")
        print(f"{r['rule']}: {r['pairs']} pairs, {r['not_supported']} not supported "
              f"(precision {precision:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
