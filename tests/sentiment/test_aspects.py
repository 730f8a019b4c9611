"""The aspect taxonomy as data: validation, save/load round trip, lexicon matching and aspect cues."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from medtune.errors import ConfigError
from medtune.sentiment.aspects import (
    CompiledAspect,
    load_taxonomy,
    parse_taxonomy,
    save_taxonomy,
    term_pattern,
    user_taxonomy_path,
)

REQUIRED = {"staff", "wait_time", "communication", "cost", "cleanliness", "effectiveness", "side_effects",
            "facilities", "appointment_access"}


def test_default_taxonomy_has_the_healthcare_aspects() -> None:
    taxonomy = load_taxonomy()
    assert REQUIRED <= set(taxonomy.names)
    for aspect in taxonomy.aspects:
        assert aspect.description and aspect.lexicon and aspect.label


def test_save_then_load_round_trips_and_becomes_the_default(tmp_path: Path) -> None:
    taxonomy = load_taxonomy()
    taxonomy.aspects[0].lexicon.append("matron*")
    for path in (tmp_path / "aspects.yaml", tmp_path / "aspects.json"):
        save_taxonomy(taxonomy, path)
        assert load_taxonomy(path) == taxonomy
    saved = save_taxonomy(taxonomy)  # the analyst's copy under MEDTUNE_HOME
    assert saved == user_taxonomy_path()
    assert "matron*" in load_taxonomy().get("staff").lexicon


@pytest.mark.parametrize("text, expected", [
    ("aspects: []", "aspects"),
    ("aspects:\n  - name: Staff!\n    description: about the staff members", "aspect 'Staff!' field name"),
    ("aspects:\n  - name: food\n    description: short", "aspect 'food' field description"),
    ("aspects:\n  - name: food\n    description: the food in the hospital\n    colour: red", "colour"),
    ("aspects:\n  - {name: food, description: the food in the hospital}\n"
     "  - {name: food, description: the food in the hospital}", "repeated: ['food']"),
    ("aspects: [unclosed", "not valid YAML"),
])
def test_invalid_taxonomies_are_config_errors_naming_the_field(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_taxonomy(text, source="edited.yaml")
    assert "edited.yaml" in str(err.value) and expected in str(err.value)


def test_term_pattern_matches_whole_words_and_prefixes() -> None:
    pattern = term_pattern(["nurse*", "dr", "front desk", "$"])
    assert [m.group(0) for m in pattern.finditer("Nurses and the Front  desk; Dr Li; drug; $20")] == \
        ["Nurses", "Front  desk", "Dr", "$"]
    assert not pattern.search("the drive was long")
    # a term inside a word is no hit; one that does not start with a letter ("$") may follow one
    assert [m.group(0) for m in pattern.finditer("undr nursery US$5")] == ["nursery", "$"]
    assert CompiledAspect(load_taxonomy().get("staff")).names_aspect("The nurses were kind")
    assert not CompiledAspect(load_taxonomy().get("staff")).names_aspect("The parking was far")


def test_cues_are_aspect_specific_and_negation_flips_them() -> None:
    taxonomy = load_taxonomy()
    wait = CompiledAspect(taxonomy.get("wait_time"))
    side = CompiledAspect(taxonomy.get("side_effects"))
    assert wait.cue_score("I had to wait over six hours") < 0
    assert wait.cue_score("the wait was not long") > 0
    assert wait.cue_score("we were seen quickly") > 0
    assert side.cue_score("I had no side effects at all") > 0
    assert side.cue_score("terrible nausea every morning") < 0


class CountingEncoder:
    """The real MiniLM encoder, counting the texts it is asked to encode."""

    def __init__(self, encoder: Any) -> None:
        self.encoder, self.texts = encoder, 0

    def encode(self, texts: list[str]) -> Any:
        self.texts += len(texts)
        return self.encoder.encode(texts)


def test_prototypes_are_encoded_once_per_taxonomy(encoder: Any) -> None:
    from medtune.sentiment.aspects import AspectDetector

    counting = CountingEncoder(encoder)
    taxonomy = load_taxonomy()
    first = AspectDetector(taxonomy, counting)
    n = counting.texts
    assert n == sum(len(a.prototypes) for a in taxonomy.aspects)
    second = AspectDetector(load_taxonomy(), counting)  # an equal taxonomy: cached
    assert counting.texts == n and (second._proto == first._proto).all()
    taxonomy.aspects = taxonomy.aspects[:3]  # an edit: encoded again
    AspectDetector(taxonomy, counting)
    assert counting.texts > n


def test_encoder_encodes_a_repeated_text_once_and_keeps_order(encoder: Any) -> None:
    import numpy as np

    texts = ["the nurses were kind", "the wait was long", "the nurses were kind"]
    out = encoder.encode(texts)
    assert out.shape == (3, encoder.dim)
    assert np.allclose(out[0], out[2]) and not np.allclose(out[0], out[1])
    assert np.allclose(out[1], encoder.encode(["the wait was long"])[0], atol=1e-5)
