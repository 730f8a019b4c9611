"""The stance head: polarity features of a claim against an evidence sentence, and a head fitted on labelled
pairs that separates a paraphrase from its negation (real MiniLM embeddings, lexical base verifier)."""

from __future__ import annotations

from medtune.verify.stance import FEATURES, StanceVerifier, fit_stance, minilm_embed, pair_features, polarity_features

NAMES = FEATURES[-7:]  # the polarity features, in order


def flags(claim: str, sentence: str) -> set[str]:
    return {name for name, value in zip(NAMES, polarity_features(claim, sentence)) if value and "negated" not in name}


def test_polarity_mismatches() -> None:
    source = "Eczema is not contagious."
    assert flags("You can't catch eczema from someone.", source) == set()
    assert flags("Eczema is contagious.", source) == {"negation_flip"}
    assert "opposite" in flags("Blood thinners raise the risk of stroke.", "Blood thinners lower the risk of stroke.")
    assert "absolute_vs_hedge" in flags("Kidney stones always need surgery.", "Most kidney stones pass on their own.")
    assert "number_clash" in flags("Eat at least 10 grams of sodium a day.", "Eat less than 2.4 grams of sodium a day.")
    assert "cure_vs_no_cure" in flags("Antibiotics cure the common cold.", "There is no cure for the common cold.")


def test_a_fitted_head_tells_a_paraphrase_from_its_negation() -> None:
    from medtune.verify.model import LexicalFallbackVerifier

    facts = [("High blood pressure usually has no symptoms.", "Hypertension often causes no symptoms at all."),
             ("Flu can be deadly for newborn babies.", "Influenza can kill newborns."),
             ("Folic acid before pregnancy prevents birth defects.", "Taking folic acid before pregnancy can stop "
              "birth defects."),
             ("Most kidney stones pass without a doctor's help.", "Kidney stones usually pass by themselves."),
             ("Eczema is not contagious.", "You cannot catch eczema from another person."),
             ("The MMR vaccine can prevent measles.", "Measles can be prevented by the MMR shot.")]
    other = "Cataracts are a clouding of the lens of the eye."
    pairs, labels = [], []
    for source, paraphrase in facts:
        pairs += [(paraphrase, source), (paraphrase, other)]
        labels += ["supported", "not_enough_info"]
    negations = ["Hypertension always causes obvious symptoms.", "Influenza is never dangerous for newborns.",
                 "Folic acid before pregnancy causes birth defects.", "Kidney stones never pass by themselves.",
                 "You can catch eczema from another person.", "The MMR shot does not prevent measles."]
    pairs += [(neg, source) for neg, (source, _) in zip(negations, facts)]
    labels += ["refuted"] * len(negations)
    base = LexicalFallbackVerifier()
    x = pair_features(pairs, base.predict(pairs), minilm_embed)
    assert x.shape == (len(pairs), len(FEATURES))
    verifier = StanceVerifier(base, fit_stance(x, labels, c=1.0))
    probs = verifier.predict([("Babies can die from the flu.", "The flu can be serious or even deadly for newborn babies."),
                              ("The flu is never serious for babies.", "The flu can be serious or even deadly for newborn babies.")])
    assert probs[0].argmax() == 0 and probs[1][1] > probs[0][1]
    assert verifier.name.startswith("stance(")
