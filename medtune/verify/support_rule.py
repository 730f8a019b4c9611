"""The evidence behind a claim judged true, in figures a green rule can read (issue 14, green round 4).

Green promises "the sources support this claim". The claim trust model ranks claims judged true, but on real
everyday claims its values never cleared a 95 % cut (docs/VERIFY.md). A support rule reads the evidence
directly instead: per core, from its decisive passage —
- `support` / `max_refute`: the verifier's P(supported) there, and the strongest P(refuted) over all of the
  core's passages (any passage that reads it as refuted is a reason for doubt);
- `coverage`: the share of the core's terms the passage holds (`evidence.term_coverage`, synonyms standing in);
- `sim`: MiniLM similarity of the core and the passage's closest sentence (a paraphrase stays close);
- `mismatch`: any polarity or relation change against that sentence (negation, opposite word, absolute vs
  hedge, number, cure, effect direction, swapped comparison, wrong population: `stance.polarity_features`,
  `stance.relation_features`), or an absolute the passage does not share ("osteoarthritis *only ever* affects
  the knees", "flu is *never* dangerous": a universal the source does not state is not supported by it; a claim
  that hedges itself is exempt, as in the stance head), or a **wrong attribute**: a term of a kind the
  calibration claims swap (`claimcal.ENTITY_KINDS`: bacterial / viral / fungal, heart / liver, ...) that the
  passage lacks while it names another of that kind ("athlete's foot is a bacterial infection" against "caused
  by a fungus");
- `agree`: how many distinct documents among the core's passages the verifier reads as supporting it.
A claim's figures are its weakest part's — cores *and* conclusions, since green promises the whole claim ("your
body needs some sodium, so eating lots of salt is healthy" must not pass on its first half): min support /
coverage / sim / agree, max refutation, any mismatch.
"""

from __future__ import annotations

import re
from typing import Any


# Germ kinds by stem, so "bacterial" meets "bacteria" and "fungal" meets "fungus".
_GERMS = (r"bacteri(?:a|al|um)", r"vir(?:us|uses|al)", r"fung(?:us|i|al)", r"parasit(?:e|es|ic)")


def wrong_attribute(part: str, passage: str) -> bool:
    """Whether the part names a term of a kind (`claimcal.ENTITY_KINDS`, germs by stem) that the passage lacks
    while the passage names another term of the same kind."""
    from medtune.verify.claimcal import ENTITY_KINDS

    kinds = [list(_GERMS)] + [[rf"{re.escape(t.rstrip('s'))}s?" for t in kind] for kind in ENTITY_KINDS[2:]]
    for kind in kinds:
        in_part = {k for k in kind if re.search(rf"\b{k}\b", part, re.I)}
        in_passage = {k for k in kind if re.search(rf"\b{k}\b", passage, re.I)}
        if in_part and not in_part & in_passage and in_passage - in_part:
            return True
    return False


def _closest(core: str, passage: str, embed: Any) -> tuple[float, str, list[str]]:
    """(similarity, closest sentence, candidate sentences) — the stance head's choice of sentence."""
    import numpy as np

    from medtune.verify.evidence import expanded_words
    from medtune.verify.pairs import content_words
    from medtune.verify.stance import _candidates

    group = _candidates(core, passage)
    vectors = np.asarray(embed([core, *group]), dtype="float32")
    sims = vectors[1:] @ vectors[0]
    want = expanded_words(core)
    overlaps = [len(want & content_words(s)) / max(1, len(content_words(core))) for s in group]
    best = int(np.argmax(sims + 0.5 * np.asarray(overlaps)))
    return float(sims[best]), group[best], group


def core_figures(core: str, items: list[dict], decisive: dict | None, support: float, coverage: float,
                 embed: Any = None) -> dict[str, Any]:
    """The figures of one core (module docstring) from its evidence items (dicts with passage, support,
    contradiction, stance, url, title) and its decisive item."""
    from medtune.verify.stance import ABSOLUTES, HEDGES, minilm_embed, polarity_features, relation_features

    if decisive is None:
        return {"support": 0.0, "coverage": 0.0, "sim": 0.0, "mismatch": True, "agree": 0, "max_refute": 1.0,
                "passage": ""}
    sim, sentence, group = _closest(core, decisive["passage"], embed or minilm_embed)
    polarity = polarity_features(core, sentence, passage=decisive["passage"])
    relation = relation_features(core, sentence, group)
    # polarity[5:] say whether each side is negated (not a mismatch by itself); the rest are mismatches.
    passage_words = set(re.findall(r"[a-z']+", decisive["passage"].lower()))
    absolutes = {m.group(0).lower() for m in ABSOLUTES.finditer(core)} if not HEDGES.search(core) else set()
    unshared = any(not set(a.split()) <= passage_words for a in absolutes)
    mismatch = any(polarity[:5]) or any(relation) or unshared or wrong_attribute(core, decisive["passage"])
    docs = {e.get("url") or e.get("title") or e["passage"][:80] for e in items if e.get("stance") == "supports"}
    return {"support": float(support), "coverage": float(coverage), "sim": sim, "mismatch": bool(mismatch),
            "agree": len(docs), "max_refute": max((float(e["contradiction"]) for e in items), default=0.0),
            "passage": decisive["passage"]}


def claim_evidence_figures(result: dict, embed: Any = None) -> dict[str, Any]:
    """The weakest part's figures of a check result (`CheckResult.to_dict()`), with its verdict."""
    sentences, evidence = result["sentences"], result["evidence"]
    figures = []
    for i in range(len(sentences)):
        s = sentences[i]
        items = [e for e in evidence if e["sentence"] == i]
        decisive = evidence[s["evidence"][0]] if s["evidence"] else None
        figures.append(core_figures(s["text"], items, decisive, s["support"], s.get("coverage", 0.0), embed))
    if not figures:
        return {"verdict": result["verdict"], "support": 0.0, "coverage": 0.0, "sim": 0.0, "mismatch": True,
                "agree": 0, "max_refute": 1.0, "passage": ""}
    weakest = min(figures, key=lambda f: f["support"])
    return {"verdict": result["verdict"], "support": min(f["support"] for f in figures),
            "coverage": min(f["coverage"] for f in figures), "sim": min(f["sim"] for f in figures),
            "mismatch": any(f["mismatch"] for f in figures), "agree": min(f["agree"] for f in figures),
            "max_refute": max(f["max_refute"] for f in figures), "passage": weakest["passage"]}


def passes(figures: dict[str, Any], rule: dict[str, Any]) -> bool:
    """Whether a claim's figures meet a support rule's minimums (a verdict other than true never does)."""
    return (figures["verdict"] == "true" and figures["support"] >= rule["support"]
            and figures["coverage"] >= rule["coverage"] and figures["sim"] >= rule["sim"]
            and figures["agree"] >= rule["agree"] and figures["max_refute"] <= rule["max_refute"]
            and not figures["mismatch"])
