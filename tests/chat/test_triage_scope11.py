"""Issue 13.1, round 11 (rules read on fresh10's dev half only): a drug named by its generic name in a child's
ingestion, a head injury on a blood thinner that looks fine, a temperature read off now beside a leaflet, and
near-misses that no longer fire a rule — a fleeting chest pain, stable angina whose GTN works as always, the mouth
burnt by hot food, an ordinary dose taken twice by mistake, what a first-aid course taught, a faint that has been
fine since, someone else's attempt last year, "jet lag" read as an adrenaline pen, noisy breathing said to be
absent. Each near-miss has a partner with a real red flag that still fires (texts written for this test, in no
data set)."""

from __future__ import annotations

import pytest

from medtune.chat.triage_rules import rule_flags


def _names(text: str) -> list[str]:
    return [f.name for f in rule_flags(text)]


@pytest.mark.parametrize("text, flag", [
    ("my toddler chewed through the blister of grandads amlodipine, one missing, he's fine", "poisoning"),
    ("my 3 year old got into nan's bag and ate some of her quetiapine I think, she seems ok", "poisoning"),
    ("the kids found my husband's propranolol and two are gone, they're playing normally", "poisoning"),
    ("dad is on apixaban and fell down the stairs and hit his head, seems fine now, do we need to go in?", "head_injury"),
    ("Nan takes warfarin, bumped her head on a cupboard door, she says she's ok now", "head_injury"),
    ("my 7 week old is 38.4, the leaflet says a fever can happen after jabs, is that right?", "infant_fever"),
])
def test_red_flags_that_stay_red_when_the_person_looks_fine(text: str, flag: str) -> None:
    assert flag in _names(text)


@pytest.mark.parametrize("near_miss, emergency", [
    ("sharp pain in my chest when I stretched, lasted a second and went", "crushing pain in my chest for 20 minutes, sweating"),
    ("I have stable angina and my GTN spray helps within minutes like it always does, can I fly?",
     "my angina spray is not working this time and the pain is spreading to my jaw"),
    ("burnt my tongue on hot tea this morning and it still stings, normal?",
     "my son drank some drain cleaner and his mouth is burnt"),
    ("took my blood pressure tablet twice by accident this morning, is that ok?",
     "took my insulin twice by accident and I'm shaky and sweating"),
    ("on our first aid course they told us to tilt the head back for a nosebleed, is that still right?",
     "my dad's nose has been pouring blood for 40 minutes and won't stop"),
    ("fainted for a second in the queue at the bank, the staff checked me and I've been fine ever since",
     "my wife collapsed and is unconscious on the kitchen floor"),
    ("my sister tried to end her life last year and she's doing so much better, any tips for her birthday?",
     "my sister tried to end her life tonight, she took a lot of pills"),
    ("the doctor gave me 5 sleeping tablets for jet lag, how many nights can I take them?",
     "my daughter's lips are swelling after peanuts, I gave her the epipen"),
    ("my son has a croupy cough but no noisy breathing at rest and he's eating fine",
     "my son has noisy breathing at rest and is struggling to breathe"),
    ("overdosed on birthday cake again haha, how many calories is a slice?", "I overdosed on my sleeping pills"),
])
def test_near_misses_fire_no_rule_and_their_red_flag_partner_still_does(near_miss: str, emergency: str) -> None:
    assert _names(near_miss) == []
    assert _names(emergency)


def test_a_young_childs_ingestion_leads_with_the_call_now_line_and_first_aid() -> None:
    """The model reads self-harm into a grandparent's message about a 3-year-old who swallowed heart tablets; the
    answer must open with "call emergency services now" and the poisoning advice, not "I'm sorry you're going
    through this" (the crisis lines may follow)."""
    from medtune.chat.triage import triage

    result = triage("my granddaughter (3) got into my bag and I think she swallowed a couple of my digoxin, she "
                    "seems ok but I can't tell how many there were")
    assert result.emergency and result.flags[0] == "poisoning" and not result.self_harm
    assert result.message.startswith("This could be a medical emergency. Call emergency services now")


@pytest.mark.parametrize("text, rules, young", [
    ("my grandson, he's 3, found my metoprolol and 4 are missing", ["poisoning"], True),
    ("the baby got hold of my tablets", ["poisoning"], True),
    ("my 16 year old has swallowed a lot of tablets and locked the door", ["poisoning"], False),  # a teenager
    ("swallowed a packet of my dads tablets because im done, 16 yo", ["poisoning"], False),
    ("I took 30 of my sleeping pills and my toddler is asleep upstairs", ["overdose"], False),  # the writer took them
    ("my toddler is crying and won't settle", ["unconscious"], False),  # not an ingestion
])
def test_which_messages_are_a_young_childs_ingestion(text: str, rules: list[str], young: bool) -> None:
    from medtune.chat.triage import _a_childs_ingestion

    assert _a_childs_ingestion(text, rules) is young


@pytest.mark.parametrize("text, about_someone_else", [
    ("my housemate has just collapsed, she's shaking all over and her lips are blue and I don't know how long", True),
    ("I think my dad has taken all his tablets, he won't wake up", True),
    ("I came home and found my partner on the floor, not answering me", True),
    ("my friend says she wants to die and I think I do too", False),  # the writer speaks of themselves too
    ("my flatmate and I took a load of pills tonight", False),
])
def test_the_writer_as_witness_is_not_the_subject(text: str, about_someone_else: bool) -> None:
    """Round 11: "I don't know how long", "I think", "I found" make the writer a witness of someone else's
    emergency, so a model-only self-harm reading follows the first aid there (crisis lines after)."""
    from medtune.chat.triage import _about_someone_else, emergency_message

    assert _about_someone_else(text) is about_someone_else
    message = emergency_message(["seizure", "self_harm"])
    assert message.startswith("This could be a medical emergency") and "988" in message


def test_an_inert_gas_with_a_bag_for_oneself_is_self_harm_and_party_helium_is_not() -> None:
    assert _names("ordered a nitrogen cylinder online, got a hood for myself too, it arrives Thursday")[:1] == ["self_harm"]
    assert _names("is it cheaper to buy helium for the party balloons or hire a tank? also need 20 party bags") == []
