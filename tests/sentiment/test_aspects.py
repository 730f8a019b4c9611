"""The aspect taxonomy as data: validation, save/load round trip, lexicon matching and aspect cues."""

from __future__ import annotations

from pathlib import Path

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


def test_cues_are_aspect_specific_and_negation_flips_them() -> None:
    taxonomy = load_taxonomy()
    wait = CompiledAspect(taxonomy.get("wait_time"))
    side = CompiledAspect(taxonomy.get("side_effects"))
    assert wait.cue_score("I had to wait over six hours") < 0
    assert wait.cue_score("the wait was not long") > 0
    assert wait.cue_score("we were seen quickly") > 0
    assert side.cue_score("I had no side effects at all") > 0
    assert side.cue_score("terrible nausea every morning") < 0
