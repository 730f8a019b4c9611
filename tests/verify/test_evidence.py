"""Query expansion with lay / clinical names, and reranking windows by whether they can decide the claim."""

from __future__ import annotations

from medtune.verify.evidence import expand_query, rank_windows, windows_of


def test_lay_words_bring_their_clinical_names() -> None:
    query = expand_query("My kid's poop is hard")
    assert "children" in query and "bowel movement" in query
    assert expand_query("High blood pressure has no symptoms").count("hypertension") == 1
    assert expand_query("Zinc lozenges") == "Zinc lozenges"  # nothing to add


def test_windows_cover_every_sentence_within_the_size_limit() -> None:
    text = " ".join(f"Sentence number {i} says something about topic {i}." for i in range(30))
    windows = windows_of(text, max_chars=120)
    assert all(len(w) <= 120 for w in windows)
    assert all(any(f"number {i} " in w for w in windows) for i in range(30))


def test_the_window_that_decides_outranks_a_merely_topical_one() -> None:
    """Terms every candidate shares ("acne") are the topic and weigh little; the window holding the claim's
    specific term ("chocolate") and a denial next to it is the one that can decide the claim."""
    topical = ("Acne is a common skin disease that causes pimples. Most pimples form on the face, neck, back, "
               "chest, and shoulders. Hormone changes, such as those during the teenage years, play a role in acne.")
    deciding = ("There are many myths about what causes acne. Chocolate and greasy foods are often blamed, but "
                "there is little evidence that foods have much effect on acne in most people.")
    ranked = rank_windows("Eating chocolate gives you acne.", [topical, deciding], limit=2)
    assert ranked[0].chunk == 1 and ranked[0].score > ranked[1].score
