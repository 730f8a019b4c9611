"""The stance head: polarity features of a claim against an evidence sentence, and a head fitted on labelled
pairs that separates a paraphrase from its negation (real MiniLM embeddings, lexical base verifier)."""

from __future__ import annotations

from medtune.verify.stance import (
    BASE_FEATURES,
    FEATURES,
    RELATION_FEATURES,
    StanceVerifier,
    fit_stance,
    minilm_embed,
    pair_features,
    polarity_features,
    relation_features,
)

NAMES = BASE_FEATURES[-7:]  # the polarity features, in order


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
    # a hedged claim is not absolute; a number said in the passage's other sentence does not clash
    assert flags("High blood pressure usually doesn't cause any symptoms.", "High blood pressure usually has no "
                 "symptoms.") == set()
    assert "number_clash" not in {n for n, v in zip(NAMES, polarity_features(
        "Triglycerides below 150 are normal.", "Normal is less than 150 mg/dL.", "Normal is less than 150 mg/dL."))
        if v}


def test_negation_is_the_shared_list() -> None:
    """The verifier reads medtune.text's one negation list (issue 18.2): past-tense and pronoun negations
    count too, and words that merely start like one do not."""
    assert flags("The vaccine didn't protect anyone.", "The vaccine protects most people.") == {"negation_flip"}
    assert "negation_flip" in flags("Nothing helps a cold.", "Rest helps a cold.")
    assert "negation_flip" in flags("You shouldnt exercise with asthma.", "You should exercise with asthma.")
    assert flags("A notable share of people get migraines.", "A notable share of people get migraines.") == set()


def relations(claim: str, sentence: str) -> set[str]:
    return {name for name, v in zip(RELATION_FEATURES, relation_features(claim, sentence, [sentence])) if v}


def test_relation_changes_are_features() -> None:
    """Issue 14: a topical paraphrase with its relation changed — direction by a non-antonym, a comparison
    turned round, the wrong population — is visible to the head; a faithful paraphrase shows none of them."""
    assert "direction_clash" in relations("Blood thinners raise your chances of having a stroke.",
                                          "Blood thinners reduce the risk of stroke.")
    assert "direction_clash" in relations("The DASH diet raises blood pressure.",
                                          "The DASH eating plan can help lower blood pressure.")
    assert "direction_clash" in relations("Exercise weakens your bones.", "Regular exercise helps strengthen bones.")
    assert "comparison_swap" in relations("Men get migraines far more often than women.",
                                          "Migraines are three times more common in women than in men.")
    assert "population_swap" in relations("Only adults can get chickenpox.", "Chickenpox is common in children.")
    assert relations("Migraines are more common in women than in men.",
                     "Women are three times more likely than men to have migraines.") == set()
    assert relations("Blood thinners lower stroke risk.", "Blood thinners reduce the risk of stroke.") == set()


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
    old_head = StanceVerifier(base, fit_stance(x, labels, c=1.0, names=BASE_FEATURES))  # a head of the older columns
    assert old_head.predict([("Flu can kill babies.", "The flu can be deadly for newborn babies.")]).shape == (1, 3)
    verifier = StanceVerifier(base, fit_stance(x, labels, c=1.0))
    probs = verifier.predict([("Babies can die from the flu.", "The flu can be serious or even deadly for newborn babies."),
                              ("The flu is never serious for babies.", "The flu can be serious or even deadly for newborn babies.")])
    assert probs[0].argmax() == 0 and probs[1][1] > probs[0][1]
    assert verifier.name.startswith("stance(")


def test_relation_distortions_turn_a_sentence_round() -> None:
    import random

    from medtune.verify.stance_train import flip_direction, swap_comparison, swap_population

    rng = random.Random(0)
    flipped = flip_direction("Aspirin reduces the risk of a heart attack.", rng)
    assert flipped and "reduces" not in flipped and relations(flipped, "Aspirin reduces the risk of a heart attack.")
    assert swap_comparison("Migraines are more common in women than in men.") == \
        "Migraines are more common in men than in women."
    assert swap_population("Children should not take aspirin.") == "adults should not take aspirin."
    assert swap_population("Migraines are more common in women than in men.") is None  # both groups already there
    assert flip_direction("The sky is blue.") is None


def test_dev_claim_pairs_never_read_the_test_half(tmp_path) -> None:
    import json

    from medtune.verify.stance_train import CLAIMS_FILE, claims_dev_pairs

    rows = [json.loads(line) for line in CLAIMS_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    quote_passage = {r["id"]: r["evidence"]["quote"] for r in rows}
    results = tmp_path / "results.jsonl"
    picked = [next(r for r in rows if r["split"] == s and r["label"] == "true") for s in ("dev", "test")]
    results.write_text("".join(json.dumps({
        "id": r["id"], "sentences": [{"text": r["claim"], "role": "core"}],
        "evidence": [{"sentence": 0, "passage": quote_passage[r["id"]]}]}) + "\n" for r in picked))
    pairs = claims_dev_pairs(results)
    assert [p["claim"] for p in pairs] == [picked[0]["claim"]] and pairs[0]["label"] == "supported"


def test_dev_claim_pairs_of_several_sets_read_dev_halves_only_and_group_by_topic(tmp_path) -> None:
    """pool7-style training sets and the other sets' dev halves give pairs; an all-test set (fresh7) gives none,
    and no claim set's MedQuAD page is ever a generated distortion."""
    import json

    from medtune.verify import claimsets
    from medtune.verify.stance_train import benchmark_exclusions, claims_dev_pairs, parse_dev_results

    sources = []
    picked = {}
    for path in (claimsets.FRESH6, claimsets.INDEPENDENT, claimsets.FRESH7):
        rows = claimsets.load_claim_set(path)
        chosen = [r for r in rows if r["label"] == "false"][:4]
        picked[path] = chosen
        results = tmp_path / f"{claimsets.set_name(path)}.jsonl"
        results.write_text("".join(json.dumps({
            "id": r["id"], "sentences": [{"text": r["claim"], "role": "core"}],
            "evidence": [{"sentence": 0, "passage": r["evidence"]["quote"]}]}) + "\n" for r in chosen))
        sources.append(parse_dev_results(f"{path}={results}"))
    pairs = claims_dev_pairs(sources)
    expected = [r for path in (claimsets.FRESH6, claimsets.INDEPENDENT) for r in picked[path] if r["split"] == "dev"]
    assert expected, "the picked rows hold no dev claim: pick more"
    assert [p["claim"] for p in pairs] == [r["claim"] for r in expected]
    assert {p["label"] for p in pairs} == {"refuted"}
    assert all(p["group"] == claimsets.topic_group(r) for p, r in zip(pairs, expected))
    assert parse_dev_results("x.jsonl")[0].name == "claims.jsonl"
    ids, topics = benchmark_exclusions()
    for path in (claimsets.OWN, claimsets.INDEPENDENT, claimsets.FRESH6, claimsets.FRESH7):
        for r in claimsets.load_claim_set(path):
            assert r["evidence"]["medquad_id"] in ids and r["evidence"]["focus"].lower() in topics
