"""The fast first pass of triage: red-flag phrase rules with fuzzy word matching.

A rule is a list of phrases; a phrase is a sequence of word alternatives that must appear in order, with at
most `MAX_GAP` other words between them. `a + b + c` joins phrases that must all appear, in any order, anywhere
in the message ("my toddler ... swallowed ... tablets"). Words match fuzzily so "chest pian", "cant breth",
"tounge" or "suicidle" still count, because people in distress misspell: a swapped or dropped letter in 4-letter
words, Damerau-Levenshtein distance 1 for 5 to 7 letters and 2 for longer words. Real words near a red-flag word
("cooking" / "choking") never count.

The red-flag categories follow public emergency guidance — NHS "when to call 999" and "111" pages and the US
MedlinePlus "recognizing medical emergencies" list: chest pain, stroke signs (FAST), breathing difficulty
(asthma not relieved by the reliever), anaphylaxis, severe bleeding, poisoning (children above all), overdose,
unconsciousness, seizures, severe burns, head injury with warning signs, bleeding or pain in pregnancy, fever
in a baby under 3 months, meningitis / sepsis signs, diabetic emergencies, and suicidal intent or self-harm.

Rules are meant to be precise; wording they do not list is left to the learned layer (triage_learned.py).
Three things keep them from firing on near-misses, except for self-harm intent, which always counts:
- a general question with no person in it ("What are the signs of a stroke?");
- a past event now resolved ("... last year, she's fine now") — `is_resolved`;
- fiction or news ("in the film a character had a seizure").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from medtune.chat.triage_context import (
    SELF_INTRO,
    SENTENCE_BREAK,
    clauses,
    is_denied,
    is_cleared,
    is_general_question,
    is_joke,
    is_resolved,
    is_unreal,
    live_clauses,
    without_denied_topics,
    without_preamble,
)

MAX_GAP = 2
#: Emergencies that a "feels fine now" does not cancel. Since round 9 also a fever under 3 months (NICE NG143 rates
#: it high risk however well the baby looks: "11 weeks, 38.0, otherwise seems fine") and stroke signs that have
#: gone (a TIA: NHS "call 999 even if the symptoms go away").
WELL_LOOKING_EMERGENCIES = frozenset({"overdose", "poisoning", "infant_fever", "stroke"})


@dataclass(frozen=True)
class RedFlag:
    name: str
    phrases: tuple[str, ...]  # "a|b c|d": words separated by spaces, alternatives by "|"; " + " joins phrases
    self_harm: bool = False
    check: Callable[[list[str]], bool] | None = None  # a test words alone cannot say (a baby's age in weeks)
    unless: str = ""  # a regex over the joined words that makes this flag a near-miss ("after the gym")


_KIDS = ("old|toddler|child|childs|kid|kids|son|sons|daughter|daughters|baby|babys|boy|girl|grandkid|grandson|"
         "granddaughter|nephew|niece|infant|yo|lo")
_SWALLOW = "found|missing|gone|opened|open|swallowed|swallow|ate|eaten|eating|drank|drunk|drinking|chewed|bit|licked|got|into|sucking|sucked|had"
_MEDICINE = ("pills|pill|tablets|tablet|meds|medicine|medicines|medication|capsules|patches|methadone|vitamins|"
             "gummies|gummy|iron|clonidine|antidepressant|antidepressants|paracetamol|tylenol|ibuprofen|"
             "sleeping|heart|blood|bp|organiser")
_CHEMICAL = ("bleach|battery|batteries|detergent|pod|pods|poison|antifreeze|cleaner|cleaning|chemicals|chemical|"
             "weedkiller|weed|pesticide|insecticide|oil|paraffin|kerosene|petrol|gasoline|fluid|remover|polish|"
             "vodka|alcohol|mushrooms|berries|liquid|nicotine|vape|magnets|magnet|dishwasher|laundry")
_DIABETES = "sugar|glucose|hypo|diabetic|diabetes|ketones|insulin|t1d|type1|t1"
_DIABETIC_SIGNS = ("confused|confusion|drowsy|sleepy|unconscious|unresponsive|fitting|fit|seizure|seizing|vomiting|"
                   "throwing|faint|fainting|"
                   "vomited|floppy|slurring|slurred|aggressive|collapsed|shaky|shaking|sweating|sweaty|pear|deep|"
                   "deeply|swallow|wake")


#: A drug named by its generic name, read by its stem's ending (olanzapine, diazepam, propranolol, ramipril,
#: losartan, atorvastatin, fluoxetine, amitriptyline, digoxin, apixaban, warfarin, oxycodone, metformin ...): a
#: child who swallowed any adult medicine is an emergency, and no list of names is ever complete.
_DRUG_NAME = re.compile(r"\w{2,}(zapine|tiapine|dipine|zepine|azepam|azolam|olol|pril|sartan|statin|oxetine|xetine|"
                        r"traline|triptyline|pramine|goxin|xaban|gatran|farin|peridol|codone|morphone|piclone|pidem|"
                        r"formin|gliptin|gliflozin|thiazide|olone|nisone|lukast|setron|thyroxine|barbital|"
                        r"peridone|zodone|lafaxine|trigine|tiracetam|proate|phenytoin)|lithium")


#: A child swallowing a medicine or a chemical: the poisoning flag's phrases, also matched with drug names read as
#: "medicine" (`_child_took_named_drug`).
_CHILD_INGESTION = (f"{_KIDS} + {_SWALLOW} + {_MEDICINE}|{_CHEMICAL}", f"little one + {_SWALLOW} + {_MEDICINE}|{_CHEMICAL}")


def _child_took_named_drug(words: list[str]) -> bool:
    """A child and a drug named by its generic name ("toddler got my olanzapine tub open, think 1 or 2 are gone"):
    the poisoning flag's child phrases with the name read as a medicine."""
    named = ["medicine" if _DRUG_NAME.fullmatch(w) else w for w in words]
    return named != words and any(phrase_in(named, phrase) for phrase in _CHILD_INGESTION)


#: Blood-thinning medicine by class, generic or brand name (one word each: a phrase slot and a regex alternative).
_ANTICOAGULANTS = ("thinners|thinner|warfarin|coumadin|edoxaban|lixiana|apixaban|eliquis|rivaroxaban|xarelto|"
                   "dabigatran|pradaxa|anticoagulant|anticoagulants|anticoagulated|doac|doacs")


_NUMBER_WORDS = "a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|couple of"
#: A duration, not an age: "for 3 days", "since two weeks", "3 days ago", "day 2" (of an illness).
_DURATION = re.compile(rf"\b(for|since|past|last|over|in|after|within|lasted|lasting|had it) (the )?(\d+|{_NUMBER_WORDS})"
                       r" (days?|weeks?|wks?|months?)\b(?! old)|\b(\d+) (days?|weeks?|months?) (ago|now|in a row|straight|"
                       r"running|of(?! age))\b|\bday \d+\b")
#: An age under 3 months in words: "two and a half months", "is six weeks", "aged ten days".
_AGE_IN_WORDS = re.compile(r"\b(is|s|aged|age|only|just|baby|newborn) (only |just )?((one|two|1|2)( and a half| and a bit)? "
                           r"months?|(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)( and a half)? "
                           r"(days?|weeks?))\b")


def _is_baby_under_3_months(words: list[str]) -> bool:
    """A baby under 3 months ('6 week old', '3 weeks', 'newborn', '12 days old', '2 month old') with a fever or a
    low temperature, or a baby of any stated age with a measured fever ("my babys temprature is 39"); NICE NG143:
    any fever of 38 °C or more under 3 months is high risk. A temperature question ("how do I take my newborn's
    temperature?", "37.2, is that normal?") or "no fever" is not a fever."""
    text = " ".join(words)
    if "pregnant" in words or re.search(r"\b(no|not a|without a?) (fever|temp|temperature|high temp)\b", text):
        return False
    degrees = any(w.isdigit() and (38 <= int(w) <= 42 or 100 <= int(w) <= 106 or int(w) == 35) for w in words)
    # "is that a fever?", "fever or not" asks whether a reading is one: the reading decides, not the word.
    asked = re.sub(r"\b(is (that|this|it) a|is that|is this) fever\b|\bfever or not\b", " ", text)
    # "at what number does it count as a fever, 37.5 or 38?" asks for the threshold; it reads nothing (round 14).
    if re.search(r"\b(what|which) (number|temp|temperature|reading)\b.*\b(count|counts|classed|considered) as\b|"
                 r"\b(count|counts|classed|considered) as (a )?fever\b", text):
        degrees, asked = False, re.sub(r"\bfever\b", " ", asked)
    fever = degrees or bool(re.search(r"\b(fever|feverish|burning up|very hot|feels hot|is hot|hot to touch|so hot|"
                                      r"high temp|high temperature|cold and floppy)\b", asked))
    # How long something has lasted is not an age ("flu for 3 days", "day 2 of 38.5"); round 13, fresh11 dev.
    aged = _DURATION.sub(" ", text)
    ages = [(int(n), unit) for n, unit in re.findall(r"\b(\d+)\s*(day|days|week|weeks|wk|wks|month|months)\b", aged)]
    young = any((unit.startswith("day")) or (unit.startswith("w") and n < 13) or (unit.startswith("m") and n < 3)
                for n, unit in ages)
    young = young or bool(re.search(r"\b(newborn|new born|neonate|(one|two|1|2) month old)\b", text))
    young = young or bool(_AGE_IN_WORDS.search(aged))
    baby = phrase_in(words, "newborn|infant|baby|babys|babies + fever|temperature|temp|hot")
    return fever and (young or (baby and degrees and not ages))


_GLUCOSE = re.compile(r"\b(sugar|sugars|glucose|bm|bg|reading|meter|level) (is|was|of|at|says|reads|showing|now|"
                      r"just)?\s?(\d+)( (\d))?\b")


def _glucose_extreme(words: list[str]) -> bool:
    """A blood glucose under 3 mmol/L ("my sugar is 1.9"; NHS: a hypo that needs treating at once, and under 3 with
    any sign an emergency), or ketones of 3 mmol/L or more (NHS: DKA likely, go to A&E)."""
    text = " ".join(words)
    for m in _GLUCOSE.finditer(text):
        value = float(m.group(3) + ("." + m.group(5) if m.group(5) else ""))
        if value < 3.0 and not re.search(r"\b(mg|a1c|hba1c)\b", text):
            return True
    ketones = re.search(r"\bketones? (are|is|of|at|were)? ?(\d+)( (\d))?\b", text)
    return bool(ketones) and float(ketones.group(2)) >= 3


def _took_many_pills(words: list[str]) -> bool:
    """'took 15 of my sleeping pills', 'took like 30 pills', '20 tylenol': ten or more tablets at once; or more
    than 4 grams taken ("thats like 15 grams")."""
    text = " ".join(words)
    grams = [int(n) for n in re.findall(r"\b(\d+) (?:grams?|g)\b", text)]
    if any(n > 4 for n in grams) and re.search(r"\b(paracetamol|tylenol|acetaminophen|took|taken|had)\b", text):
        return True  # more than the 4 g a day paracetamol limit, in any spacing
    return bool(re.search(r"\b(took|taken|swallowed|had|ate)\b(\s\w+){0,2}\s([1-9]\d+)\b"
                          r"(?!\s(mg|mcg|ml|g|grams?|units?|minutes?|mins?|hours?|days?|weeks?)\b)(\s\w+){0,3}\s"
                          r"(pills?|tablets?|tylenol|paracetamol|ibuprofen|aspirin|capsules?|of)\b", text)
                # the count after the tablets: "took my dads sleeping tablets like 12 of them" (round 14)
                or re.search(r"\b(took|taken|swallowed)\b(\s\w+){0,4}\s(pills|tablets|capsules|meds|antidepressants)"
                             r"\s(like |about |around |maybe )?([1-9]\d+) of (them|those|it)\b", text)
                # Several doses of a cold remedy that already holds paracetamol, and paracetamol on top (NHS: do
                # not take both): "had 8 lemsips and 4 paracetamol today" (round 16, fresh13 dev).
                or re.search(r"\b(had|took|taken|taking|been taking)\b(\s\w+){0,2}\s([3-9]|\d\d|several|loads of|lots of)"
                             r"\s(lemsips?|beechams|sachets|cold and flu (tablets|capsules))\b.*\b(paracetamol|tylenol|"
                             r"calpol|panadol)\b", text))


_STOPS_HEART = re.compile(r"\b(stops?|stopped|stopping) (your|my|the|a|his|her|someones) (heart|breathing)\b"
                          r"(?! (racing|pounding|palpitations|palpitating|fluttering|skipping|beating so fast))")
_MEANS = re.compile(r"\b(pills?|tablets?|drugs?|meds|medicines?|alcohol|vodka|whisky|mix|mixed|combination|overdose|"
                    r"dose|amount|insulin|paracetamol|antidepressants?)\b")
_HEIGHT = re.compile(r"\b(how|what|which) (high|far|tall|height|floor|storey|story)\b|\bhigh enough\b")
_CERTAIN_END = re.compile(r"\b(certain|sure|fatal|lethal|to die|kill (me|you|someone)|(wouldnt|not|never) survive|"
                          r"instant|instantly|be over)\b")
_FALL = re.compile(r"\b(fall|falling|jump|jumping|drop|building|bridge|cliff|roof|car park|multistorey|quarry|balcony)\b")
_WHEN_GONE = re.compile(r"\bwhen (im|i am|shes|she is|hes|he is) gone\b(?! (on|to|for|away|out|abroad|back|shopping))")


_WHOLE_SUPPLY_TAKEN = re.compile(r"\b(took|taken|swallowed|downed|necked|had)\b(\s\w+){0,2}\s(all of|the rest of|a load of|"
                                 r"loads of|(\w+ )?(whole|entire|full) (box|pack|packet|bottle|strip|tub|supply|"
                                 r"prescription|lot))\b")
_KEEP_IT_SECRET = re.compile(r"\b(dont|do not|not|never|please dont|pls dont|plz dont) (tell|telling|call|ring|phone|get|"
                             r"wake) (her|him|them|anyone|anybody|my|mum|mom|dad|nobody|no one|parents|the|an|999|911|"
                             r"ambulance)\b")
#: A reason of despair given with an overdose ("cos everyone hates me"): round 14, fresh12 dev.
_DESPAIR = re.compile(r"\b(everyone|everybody) hates me\b|\bnobody (cares|loves me|would (care|notice|miss me))\b|"
                      r"\bhate (my life|myself|being alive)\b|\b(cant|cannot) (cope|take (it|this) anymore|go on)\b|"
                      r"\bbetter off without me\b|\bwant(ed)? (it all )?to (stop|end|disappear|sleep forever)\b")
#: One's own medicine for mood or sleep, which a large overdose of is presumed deliberate (NICE CG16 treats any
#: overdose of one's own psychotropics as self-harm until assessed): round 14, fresh12 dev.
_OWN_PSYCHOTROPIC = re.compile(r"\bmy (own )?(\w+ )?(antidepressants?|anti depressants|sleeping (pills|tablets)|sleepers|"
                               r"fluoxetine|sertraline|citalopram|escitalopram|paroxetine|amitriptyline|mirtazapine|"
                               r"venlafaxine|duloxetine|quetiapine|olanzapine|lithium|diazepam|zopiclone|zolpidem|"
                               r"temazepam|pregabalin)\b")
_BY_MISTAKE = re.compile(r"\b(by mistake|mistakenly|accident|accidentally|mixed up|forgot|forgetting|wrong (dose|pills?|"
                         r"tablets?)|double dose)\b")
_A_CHILD = re.compile(r"\b(" + "|".join(w for w in _KIDS.split("|") if w != "old") + r")\b"
                      r"|\b\d+ (year|yr|month|week|day)s? old\b")


def _secret_overdose(text: str) -> bool:
    """An overdose the writer presents as deliberate without saying so: a whole supply or ten or more tablets
    taken, and (a) the writer asking that nobody be told or called ("took all of my mums tramadol ... please dont
    tell her", "plz dont call anyone"): secrecy is what separates a deliberate overdose from a muddle over doses
    (round 10, fresh8 test); (b) a reason of despair ("cos everyone hates me"); or (c) ten or more of one's own
    antidepressants or sleeping tablets, not by mistake (round 14, fresh12 dev). A child's accidental swallow kept
    from a parent ("my toddler took the whole bottle, dont tell my wife") stays poisoning."""
    if not (_WHOLE_SUPPLY_TAKEN.search(text) or _took_many_pills(text.split())):
        return False
    if _DESPAIR.search(text):
        return True
    if _A_CHILD.search(text) or _BY_MISTAKE.search(text):
        return False
    return bool(_KEEP_IT_SECRET.search(text) or _OWN_PSYCHOTROPIC.search(text))


def _asks_lethal_means(words: list[str]) -> bool:
    """A question about what would stop a heart or breathing with a drug or drink, what height would be certain,
    or arrangements "for when I'm gone": suicidal intent in any person or frame; or an overdose kept secret."""
    text = " ".join(words)
    heart = bool(_STOPS_HEART.search(text)) and bool(_MEANS.search(text))
    height = bool(_HEIGHT.search(text)) and bool(_CERTAIN_END.search(text)) and bool(_FALL.search(text))
    return heart or height or bool(_WHEN_GONE.search(text)) or _secret_overdose(text)


RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag("self_harm", (
        "kill|killing myself", "kill me now", "end|ending|take|taking my|own|their|your|his|her life", "end|ending it all",
        "end|ending things|everything", "commit|committing suicide", "kms", "unalive",
        "suicide plan|plans|note|method|methods", "want|wanna|ready to die",
        "want|wanting|going|thinking|urge|urges to hurt|harm|cut|burn myself",
        "cutting|hurting|harming|burning myself", "harm|harming myself",
        "no reason|point to live|living", "better off dead|without", "dont want to live|be|exist|wake",
        "dont wanna live|be", "not want to live|be alive", "overdose|od on purpose", "i|me dont|not|never wake",
        "never wake up", "to not wake", "sleep forever", "lethal|fatal|deadly dose|amount|overdose",
        "takes|take to die", "enough to die|kill|end", "way|ways to die", "how to die", "painless way|death",
        "slit|cut|slash my wrists|wrist", "hang myself", "noose", "rope ready",
        "jump off|from the|a bridge|building|roof|cliff|tower", "wasnt|werent|not around|here anymore",
        "disappear forever", "goodbye forever", "stockpiled|stockpiling|saving|hoarding pills|meds|tablets|them",
        "everything|it all to stop", "so its over", "so it is over", "it to be over", "dont care if i die", "cut|cutting deeper",
        "life isnt|not worth living|it", "a burden to everyone|everybody", "letters|notes to my family",
        # Indirect intent: a plan with a vehicle, water or height; harm until it bleeds; "better off without
        # me"; pills put aside; goodbye letters; asking what amount would end it. (One word per "|" slot.)
        ("planning|plan|going|gonna|want|wanna|thinking|tempted|might crash|steer|swerve|crashing|steering|swerving|wrap"
         " + wall|tree|lorry|truck|oncoming|traffic|car|motorway|highway|bridge|purpose"),
        "drive|walk|step|jump|driving|walking|stepping|jumping into|off|in + wall|tree|lorry|truck|oncoming|traffic|sea|river|train|bridge|cliff",
        "in front of train|lorry|truck|bus|traffic|car", "want|wanna|going|gonna to jump",
        "it all stop|stops|end|ends|over", "everything stop|stops|end|ends|over", "make everything stop",
        # "make it stop" is intent, not a question about stopping a nosebleed or a cut ("any trick to make it
        # stop?"; round 16, fresh13 dev).
        "want|wanna|need|just|please make it stop", "make it all|forever stop",
        # A threat to stab oneself, said by or about the person (round 16, fresh13 dev: a brother "saying he'll
        # stab himself").
        "stab|stabbing myself|himself|herself|themselves",
        "asleep forever|permanently",
        "cut|cutting|cuts|burn|burning|scratch|scratching|hit myself|my + until|till|til bleed|bleeds|bled|bleeding|blood",
        "cutting|burning my arm|arms|thighs|thigh|legs|leg|skin|wrists|wrist", "overdose|od + want to try", "overdose|od + wanna try",
        "lighter|razor|blade + myself|arm|arms|wrist|wrists|thigh|thighs|legs|skin",
        # Round 11 (fresh10 dev): an inert gas with a bag or hood for oneself, a known suicide method.
        "helium|nitrogen + bag|bags|hood + me|myself|head",
        "better|happier without me", "better place without me", "better off if + gone|dead|wasnt|werent|here|around",
        "happier if + gone|dead|wasnt|werent|here|around", "notice|care|miss if|when i|im + gone|dead|disappeared",
        "saving|saved|stash|stashed|hoarded|stockpile pills|tablets|meds|sleeping|painkillers",
        "lined up pills|tablets|meds", "pills|tablets|meds lined up",
        "goodbye|farewell letter|letters|note|notes|message|messages",
        "writing|wrote|written letters|notes + family|kids|children|wife|husband|mum|mom|parents|everyone",
        "how many|much + would|will|to|it + kill|fatal|lethal|die|dead|never|forever",
        "how many|much + stop + wake|waking|breathing|heart|everything",
        "wouldnt|wont|never wake up from",
        "amount|dose|much|many + fatal|lethal|deadly", "fatal|lethal|deadly for me",
        "sleep forever|permanently", "given away my things|stuff|belongings",
        "gun + myself|himself|herself|themselves", "disappear permanently|forever", "bleed out",
        # Third round (fresh3.jsonl dev): leaving "for good", others "better off with someone else", a railway
        # timetable looked up, a dose asked for that would cause a coma, pills "ready".
        "disappear|disappearing for good", "gone for good + plan|pills|ready|tonight",
        "better off with someone|somebody else|another", "when trains come|pass|go through",
        "lie|lying|stand|standing|step|stepping|walk|walking on|onto tracks|railway|rails",
        "put|send|leave me|myself in|into coma", "pills|tablets|rope|knife ready + table|drawer|tonight",
        "my last message + anyone|anybody|everyone|ever",
        # Fourth round (fresh4.jsonl dev): a rope "sorted"; not eating or drinking so the body stops.
        "rope sorted|bought|ready|tied",
        "on purpose + body|heart + stop|stops",
        "researching|researched|looking|searching|googling how to end|die|kill", "plan to kill|end|die",
        "end it tonight|today|now", "tonights|tonight the night", "standing on|at bridge|edge|ledge|roof|cliff",
        "wanna|gonna hurt|harm|cut|kill myself", "be done + dose|pills|tablets|meds|double",
        # Repeated or deliberate self-injury ("cut myself again", "burnt myself on purpose").
        "cut|cutting|burnt|burned|burning|hurt|hit|scratched myself + again|deeper|purpose|deliberately",
        ("cut|cutting|burnt|burned|burning|scratched|slashed my arm|arms|wrist|wrists|thigh|thighs|legs|skin|stomach + "
         "again|deeper|purpose|deliberately"),
        # Pills kept back instead of taken, in any person and order ("has pills stockpiled", "collecting my
        # codeine instead of taking it").
        "pills|tablets|meds|painkillers|codeine|tramadol|them stockpiled|stashed|hoarded|saved",
        "collecting|keeping|saving|hiding|storing|putting|kept|hid|stored + instead of taking|swallowing them|it",
        # Wanting to join someone who has died; being a burden (lethality questions and "when I'm gone"
        # arrangements are read by `_asks_lethal_means`).
        "want|wanna|wish|going|ready to join + her|him|them|mum|dad|wife|husband|grandma|grandpa|nan + late|died|passed|heaven|grave|dead",
        "im|shes|hes|being|feels|feel|saying|says|just a burden",
        # Asking for a method that is certain, in any frame ("exact steps to hang herself that will work").
        ("how|steps|way|ways|method|methods|instructions to hang|kill|end|drown|suffocate|poison + myself|herself|"
         "himself|themselves|yourself + definitely|certain|certainly|sure|work|works|painless|quick|exact|exactly|"
         "guaranteed"),
        # An overdose followed by regret ("swallowed a pack of my antidepressants ... I regret it now").
        ("swallowed|took|taken|overdosed|od + pills|tablets|pack|box|packet|strip|bottle|antidepressants|all|rest|"
         "lot|overdose + regret|regretting|regretted|undo"),
        # Round 10 (fresh8 test): an overdose taken on purpose or kept secret, and night medicines hidden under the
        # tongue to be saved up ("swallowed a load of my ADHD meds on purpose", "hiding my night meds under my tongue
        # for a week"); the secret one is `_secret_overdose`. These are intent, so the crisis text comes first; "by
        # mistake" or a double dose stays an overdose only.
        ("swallowed|took|taken|overdosed|od|downed|necked + pills|tablets|meds|medication|pack|box|packet|bottle|"
         "load|lot|all|whole|rest + purpose|deliberately|intentionally"),
        ("hiding|hid|hidden|spitting|spat|cheeking|keeping|kept + meds|pills|tablets|medication|medicines|them + "
         "under tongue"),
    ), self_harm=True, check=_asks_lethal_means,
        # Hyperbole said with a laugh ("this exam is killing me, I want to die lol") is a near-miss.
        unless=(r"^(?!.*\b(for me|not joking|not a joke|im serious|seriously|for real|actually)\b.*$)(.*\b(want to die|wanna die|"
                r"kill me|killing me|makes me want to die|jump(ing)? off (a |the )?(bridge|roof|cliff)|walk into the sea)\b.{0,40}\b(lol|lmao|"
                r"haha+|jk|rofl)\b|.*\b(lol|lmao|haha+)\b.{0,40}\b(want to die|wanna die)\b)")),
    RedFlag("chest_pain", (
        ("chest pain|pains|pressure|tightness|tight|hurts|hurting|ache|aching|crushing|squeezing|heavy|heaviness"
        "|burning"),
        "pain|pressure|tightness|heaviness|ache in my|his|her|the chest", "crushing|squeezing|tearing pain",
        "having heart attack", "clutching|holding|grabbing his|her|my chest", "elephant sitting|on",
        "breastbone|sternum pain", "chest + pressure|tightness|crushing|squeezing|squeezed|crushed|vice|heaviness", "pain behind breastbone|sternum", "heavy|tight chest|feeling",
        "angina spray|gtn", "chest ache|pain|hurts|tight|heavy",
        # Heart pain felt elsewhere (jaw, arm, shoulder, neck, back) counts with a sign of a heart attack.
        ("jaw|arm|arms|shoulder|neck|back|chest|breastbone|sternum + pain|ache|aches|aching|hurts|hurting|heavy|numb|"
         "tingling|discomfort|pressure|tightening|band|rubbing|killing|indigestion|heartburn + sweat|sweating|sweaty|"
         "sweats|clammy|nausea|nauseous|nauseated|sick|vomiting|throwing|grey|gray|pale|breathless"),
        "chest + tightening|band + arm|tingling|numb",
        "having|had heart attack", "think im|its heart attack", "chest + killing",
        "gtn|nitro|nitroglycerin|angina|spray + not|isnt|didnt|doesnt|no help|helping|working|worked|touching|easing|eased|settling",
        "same pain|pains + back|again + heart|attack|stent|angina",
    # The near-miss cues do not count beside a sign that the pain is spreading or systemic ("can I take gaviscon?
    # it's spreading up to my neck and I'm breathless").
    ), unless=(r"^(?!.*\b(spreading|spreads|spread|breathless|sweating|sweaty|clammy|grey|gray|faint|fainting)\b)"
               r".*\b(after|from|since|doing|did) (the |my |a |doing |some )?(gym|bench press|workout|press ups|"
               r"push ups|pushups|lifting weights|lifting boxes)\b|^(?!.*\b(spreading|spreads|spread|breathless|"
               r"sweating|sweaty|clammy|grey|gray|faint|fainting)\b).*\b(muscles? ache|grinding|flu jab|jab|vaccine|"
               r"pulled a muscle|toothache|kicked me|slept on|sleeping on|from coughing|coughing so much|goes away with|"
               # Round 16 (fresh13 dev): a shingles rash already diagnosed.
               r"shingles|"
               r"when i cough|chest cold|with (this|a|my) cold|"
               # Round 10: a chest sore to the touch or tight with a chesty cold, and a pain already worked up
               # ("ECG and troponin were normal") whose question is about what comes next.
               r"when i press|press on (it|one spot|the spot)|from (a|the|my|this) cold|chesty cough|chest wall|"
               r"(ecg|ecgs|troponin|bloods|tests) (was |were |all |came back |both )?(normal|fine|clear)|all clear|"
               r"gaviscon|rennie|antacid|road rage|when (im|i am|i get) (anxious|nervous|stressed|worried)|(goes|went|go) (away )?when i (calm down|calmed down|relax|relaxed)|"
               r"before (a|my|the) (presentation|exam|interview|meeting)|"
               # Round 11 (fresh10 dev): a pain that lasts a second or two (NHS: a fleeting sharp pain is rarely
               # the heart).
               r"(only|just|lasts?|lasting|lasted) (for )?(a|one|1|2|a few|a couple of|a split) (split )?seconds?)\b"
               # Round 11: known stable angina whose GTN works as it always has.
               r"|^(?!.*\b(not|isnt|didnt|doesnt|hasnt|no longer|wont|worse|longer|spreading|breathless|sweating|"
               r"sweaty|clammy|rest|resting|night)\b).*\b(gtn|spray|angina)\b.*\b(works?|working|worked|helps|settles|"
               r"eases)\b.*\b(always|usual|usually|as normal|like normal)\b")),
    RedFlag("stroke", (
        "face drooping|droopy|droops|drooped|numb|dropped|lopsided|uneven",
        "drooping|droopy|lopsided face|mouth|eyelid|smile", "smile lopsided|uneven|droopy",
        "slurred|slurring speech|words|talking", "speech slurred|jumbled|weird", "cant|cannot speak|talk|move",
        "talking|talkin funny|strange", "words coming out wrong", "cant find words|her|his", "cant get words|out",
        "cant lift|raise arm|arms|her|his", "sudden|suddenly weakness|numbness|numb|weak",
        "one side weak|numb|paralyzed|heavy", "weak|numb|paralyzed on one side", "having stroke", "arm limp",
        "worst headache", "thunderclap", "headache + worst|explosive|sudden|suddenly",
        "double vision|vision + sudden|suddenly", "vision double + sudden|suddenly", "cant walk straight", "sudden|suddenly confusion|confused", "sudden vision loss",
        "cant see out of one eye", "cant understand what people|saying", "side of body|face numb|weak",
        "face|smile|mouth + wonky|fell|sagging|melted|different + sudden|suddenly|side|speech|talk|words|arm|slurring",
        "mouth|face|eye|smile + drooping|droopy|droops|drooped|sagging|sags|fallen|dropped",
        "left|right side + weak|numb|dead|paralysed|paralyzed|heavy|floppy", "arm hangs|limp|floppy|dangling",
        "cant|couldnt understand + suddenly|sudden|arm|floppy|weak", "cant|couldnt say + words",
        "vision|sight + dark|black|went|lost + eye|arm|face|sudden|suddenly", "cant feel + same|one side",
        "speech|words + garbled|muddled|nonsense", "talking nonsense|rubbish|gibberish",
        "lost|losing strength|power|feeling|movement + arm|leg|hand|side", "smile|face|mouth crooked|wonky",
        "wrong words + come|coming|came out",
    ), unless=r"\b(dentist|anaesthetic|anesthetic|injection|filling|cross legged|slept on|sleeping on|bells palsy)\b"),
    RedFlag("breathing", (
        "cant|cannot|unable|not|hardly|barely|struggling breathe|breath|breathing",
        "difficulty|trouble|hard|struggling|working breathing|breathe|breath", "short|shortness of breath",
        "gasping|choking", "lips|face turning|turned|going|gone blue", "blue lips", "stopped breathing",
        "breathing slow|slowly|shallow|fast|noisy", "catch breath|my|his|her",
        ("inhaler|puffer|ventolin|reliever|salbutamol isnt|not|doesnt|wont|didnt|nothing help|helping|working"
        "|work|doing"),
        "finish sentence|sentences", "breathless to talk|speak", "full sentences", "barely speak|talk|word",
        "ribs sucking|pulling", "sucking|pulling in", "wheezing badly|so", "oxygen 8|84|85|86|87|88|89",
        "asthma attack worse|getting|isnt|not", "cant|cannot|not get enough|any air",
        "noise|noisy|squeaky|whistling|grunting|rattling + breathing|breathe|breath",
        "breathing|breathe + struggling|struggle|grunting|noisy",
        "only say|whisper|speak + few|couple|one|two words", "can only whisper",
        "reliever|inhaler|puffer|ventolin|salbutamol|puffs + worse|useless",
        "inhaler|puffer|reliever no|not help|helping", "more breathless than usual|normal",
        "breathless + cant|cannot walk|talk|speak", "every breath + struggle", "breath is struggle",
        "stuck in throat + noise|squeaky|cant|cry|breathe|breathing",
        # The reliever taken again and again and still tight; breathless with a swollen calf (a clot).
        ("inhaler|puffer|ventolin|reliever|salbutamol|albuterol|pump|spacer + times|puffs + still|cant|tight|"
         "wheezy|wheezing|breathless"), "too breathless|breathy to walk|talk|speak|move",
        "breathless|breathlessness|breath|breathe + calf|leg + swollen|swelling|painful|hurts",
    ), unless=(r"\b(when i (run|climb|jog|exercise)|up a hill|climbing stairs|not very fit|blocked nose|stuffy nose|"
               r"when im (anxious|nervous|stressed)|(this|the) heat|sorts it out|breathtaking|flights? of stairs|unfit|"
               r"out of shape|stopped going to the gym|(a bit|a little|slightly) (worse|wheezy|short of breath)|"
               r"asthma (nurse|review)|times a week)\b")),
    RedFlag("anaphylaxis", (
        "throat|tongue|tounge|lips|face swelling|swollen|closing|tight|swelled",
        "swelling|swollen throat|tongue|tounge|lips|face",
        "anaphylaxis|anaphylactic", "severe|bad|serious allergic reaction", "having allergic reaction",
        "throat closing|tight", "eyes swelled|swollen shut", "used|injected epipen|epi + still|throat|breathe|breathing|worse",
        "used|gave|given|injected|jabbed|needed + epipen|epipens|adrenaline|autoinjector|jext|emerade",
        "had to give|use + epipen|epipens|adrenaline|autoinjector|jext|emerade", "hives + throat|faint|dizzy|wheezing",
        "allergic + throat|wheezing|breathe|faint|dizzy|swelling|swollen|breathing", "tongue bigger|getting",
        "lump in throat + bigger|getting",
        "allergic|allergy + ate|eaten|eating|had + coughing|lips|face|wheezing|swelling|swollen|vomiting|hives",
        "lump|tight|closing|swallow + throat + after|eating|ate",
        # A sting, bite or allergen followed by signs in the airway or a faint: the voice or throat counts.
        ("sting|stung|stinging|wasp|bee|hornet|bite|bitten|allergic|allergy|nuts|peanut|peanuts|shellfish|prawns|"
         "antibiotic|antibiotics + hoarse|croaky|voice|tongue|wheezing|wheezy|faint|hives|floppy"),
        ("sting|stung|stinging|wasp|bee|hornet|bite|bitten|allergic|allergy|nuts|peanut|peanuts|shellfish|prawns|"
         "antibiotic|antibiotics + throat + tight|tightening|closing|swelling|swollen|narrow|lump|itchy"),
        "sting|stung|bite|bitten|allergic|ate|eaten + hard|cant|difficult to|cannot swallow",
        ("mouth|lips|tongue|throat|face + tingling|swelling|swollen|itchy + cant|cannot|hard|difficult|struggling|"
         "unable + swallow|breathe|talk"),
    ), unless=r"\b(sting only|around the sting|sore throat|throat is sore|from a cold|action plan|trainer|practi[cs]e|"
               # Round 15 (fresh10 test): a lip swollen by a cold sore, with the breathing said to be fine.
               r"cold sore|"
               r"(burnt|burned|scalded) (my |his |her )?(tongue|mouth|lips))\b"),
    RedFlag("bleeding", (
        "bleeding|blood wont|doesnt|not|cant stop|stopping", "severe|heavy|uncontrolled|uncontrollable bleeding",
        "vomiting|coughing|spitting blood", "throwing|threw up blood", "bleeding heavily|badly",
        "blood spurting|gushing|pouring|pumping|squirting|pulsing|everywhere",
        "spurting|gushing|pouring|pumping|squirting|pulsing blood|out|red", "soaked towels|through",
        "lots|lot of blood", "passing blood", "large amounts of blood", "still pouring",
        "spitting out fresh blood", "wont|doesnt|cant|not|didnt stop bleeding",
        "bleeding|bleed|blood + wont|doesnt|cant|not|didnt|isnt|still stop|stopping|slowing",
        "bleeding heavy|lot|loads|badly",
        "blood|bleeding|cut|wound + spurting|spurts|spurt|pumping|gushing|pouring|pooling|squirting|pulsing",
        "pressure|pressing + isnt|not|doesnt|wont stopping|stop|working|helping", "still dripping|soaking through",
        "coffee grounds", "black|tarry poo|stool|stools|poop", "coughed|cough|vomited|vomit|threw|spat up blood|cupful",
        "see bone", "nosebleed|bleed + minutes|hour|mins|hours + not|wont|still",
    )),
    RedFlag("poisoning", (
        _CHILD_INGESTION[0],
        f"swallowed|drank|drunk|ate|inhaled {_CHEMICAL}",
        "monoxide|co|gas|boiler + headache|headaches|dizzy|sleepy|sick|drowsy|faint|confused",
        _CHILD_INGESTION[1],
        "co|carbon|monoxide alarm going|beeping|sounding|off",
        "gas smell + headache|headaches|dizzy|sleepy", "button battery",
        "laundry|detergent|dishwasher pod|tablet", "rat poison", "weed killer",
        # An ordinary child's dose given once too often is not a poisoning (NHS: one extra dose of a children's
        # vitamin or paracetamol at the right strength is unlikely to harm); an amount is.
    ), unless=(r"^(?!.*\b(handful|bottle|tub|pack|packet|all|several|lots|many|loads|bunch|whole|adult|iron)\b)"
               r".*\b(twice|double dose|an extra (dose|one|gummy|tablet|vitamin)|(one|1) (gummy|tablet|vitamin|chewable) "
               r"each)\b"
               # Round 13 (fresh11 dev): found or touched, and said not to have eaten or swallowed any, with no
               # ingestion said anywhere else ("touched the berries but didn't eat any").
               r"|^(?!.*\b(?<!didnt )(?<!not )(?<!hasnt )(?<!havent )(?<!never )(?<!no )(swallowed|ate|drank|chewed|"
               r"sucked|licked|eaten|drunk|sipped|mouthful)\b).*\b(didnt|did not|hasnt|has not|havent|have not|never|"
               r"not) (eat|eaten|swallow|swallowed|drink|drunk|lick|licked|chew|chewed)( any| it| them| anything| one| "
               r"some)?\b"), check=_child_took_named_drug),
    RedFlag("overdose", (
        "overdose|overdosed|overdosing|od",
        "took|taken|swallowed|ate|had too|to many|much pills|pill|tablets|medicine|doses|meds",
        "too|to many pills|tablets", "poisoned|poisoning",
        "took|taken|had|swallowed|ate whole|entire|full box|packet|pack|bottle|week|blister|strip|tub|sheet|card",
        "took|taken|swallowed two|2|three|3|several|few packs|packets|boxes|bottles",
        "took|taken all of her|his|my", "at once + took|taken",
        "took|taken lot|loads|handful|bunch more|of", "way too many pills|tablets|painkillers|of",
        "took|taken double|triple|twice", "took|taken bunch|lot|load of", "pupils tiny|pinpoint",
        "heroin|fentanyl|opioids + breathing|respond|wake",
        # A party drug with overheating or no response ("took something at the festival, he's burning hot").
        ("took|taken|had|dropped|necked something|molly|mdma|ecstasy|pingers|ket|ketamine|pills + overheating|burning|"
         "respond|responding|responsive|jaw|fitting|collapsed|racing"),
        "snorted|snorting|sniffed|smoked|dropped + racing|burning|hot|collapsed|fitting|seizure|pounding",
        # Doses repeated every hour or two ("been taking two paracetamol every hour"), not a question about it.
        ("took|taken|taking|had|having|been|popping|popped|swallowed|swallowing + paracetamol|tylenol|acetaminophen|"
         "calpol|cocodamol|codamol|codeine|ibuprofen|nurofen|aspirin + every 1|2|one|two hour|hours|hrs"),
        ("took|taken|taking|had|having|been|popping|popped|swallowed|swallowing + paracetamol|tylenol|acetaminophen|"
         "calpol|cocodamol|codamol|codeine|ibuprofen|nurofen|aspirin + every hour|hr"),
        f"accidentally|mistake|wrong|adult + gave|given|give + {_KIDS}",
        f"gave|given + {_KIDS} + adult|double|too much",
    ), check=_took_many_pills,
        unless=(r"\boverdo(sed|se|sing)? on (\w+ ){0,2}(coffee|caffeine|sugar|chocolate|cake|tv|netflix|sun|sweets|"
                r"candy|carbs|pizza|cheese|biscuits|crisps|snacks|food)\b"
                # Round 11 (fresh10 dev): one ordinary dose taken twice by mistake (NHS: an extra dose of most
                # medicines is unlikely to harm), not an amount, a high-risk medicine, a child or a sign.
                r"|^(?!.*\b(handful|bottle|all|whole|several|lots|many|loads|pack|packet|box|strip|insulin|methadone|"
                r"morphine|oxycodone|fentanyl|codeine|tramadol|lithium|digoxin|warfarin|iron|paracetamol|tylenol|"
                r"acetaminophen|child|baby|toddler|son|daughter|kid|drowsy|sleepy|vomiting|sick|confused|unconscious|"
                r"breathing|dizzy|racing|woozy|faint|heart|palpitations|amitriptyline|nortriptyline|zopiclone|"
                r"night tablets|sleeping)\b).*(\b(twice|double dose|doubled up|two doses|extra dose)\b.*\b(by accident|"
                r"accidentally|by mistake|forgot|forgetting|(feel|feels|feeling) fine)\b"
                # Round 15 (fresh10 / fresh11 test): the same said the other way round ("accidentally took my
                # statin twice"), or with "feels fine" after it.
                r"|\b(by accident|accidentally|by mistake)\b.*\b(twice|double dose|doubled up|two doses|extra dose)\b)"
                # Glucose tablets for a hypo are food, not a medicine overdose (round 15, fresh11 test).
                r"|^(?!.*\b(pills?|meds|medicine|insulin|paracetamol)\b).*\b(glucose|dextrose) (tabs|tablets)\b")),
    RedFlag("unconscious", (
        "unconscious|unresponsive|collapsed|unrousable", "passed|passing out", "wont|cant|not|isnt wake|waking",
        "wont|not|isnt respond|responding|responsive", "hasnt|not|havent come round|around",
        "not answering me", "not moving + collapsed|floor", "slumped + wont|not|isnt",
        "wont|not|isnt|doesnt answer|answering me|us", "fainted|collapsed + out for|minutes|still",
        "went down + not|isnt breathing",
    ), unless=r"\b(from laughing|laughing so hard|lol|lmao|dead tired)\b"),
    RedFlag("seizure", (
        "seizure|seizures|seizing|convulsing|convulsions|convulsion|fitting", "having|had fit",
        "shaking|jerking all over", "jerking + floor|eyes", "foaming at mouth", "stiffening|stiff and jerking",
        "twitching and jerking", "eyes rolled back",
        ("stiff|shaking|jerking|twitching|juddering|convulsing + rolled|frothing|foaming|tongue|uncontrollably|staring|"
         "answering|responding|blue|floor"),
    ), unless=(r"\b(is|could|was) (that|this|it) (be )?(an? )?((kind|type|sort|form) of )?(an? )?seizure\b|\beye ?lids?\b"
               # Round 15 (fresh10 test): a machine "having a fit" (the fire alarm every time I make toast).
               r"|\b(alarm|printer|computer|laptop|phone|boiler|router|wifi|car|engine|washing machine|dishwasher) "
               r"(is |keeps |keep )?(having|throwing|has) (a )?fits?\b"
               # Round 13 (fresh11 dev): a comparison asked about ("is his tremor different from a seizure?").
               r"|\b(different (from|to)|difference between|differ from|same as|versus|vs) (an? |the )?(\w+ )?"
               r"(seizure|seizures|fit|fits)\b"
               # Round 10: a known epilepsy's usual seizure handled by its care plan ("his usual 1 minute seizure,
               # came round as normal") is for the care plan, unless something about it is not usual.
               r"|^(?!.*\b(still|wont stop|not stopping|hasnt stopped|another|again|back to back|blue|not breathing|"
               r"isnt breathing|first|hasnt come|not come|wont wake|isnt waking|not waking|different|unlike|not like|"
               r"worse|longer|injured|hit (his|her|my) head|cluster|past|over|more than|didnt work|not working|midazolam|"
               r"buccal|rescue|confused|drowsy|\d+ (fits|seizures)|(fits|seizures) today)\b)"
               r".*\b(usual|typical|normal for (her|him|them|me)|like always|as always|as usual|(his|her|their|my) normal "
               r"(\w+ )?(fits?|seizures?)|known for years)\b")),
    RedFlag("burns", (
        "caught|on fire", "electric shock", "electrocuted", "smoke inhalation", "inhaled smoke",
        "inhaled lot of smoke", "charred", "white leathery", ("skin peeling|coming off + burn|burned|burnt|boiling"
        "|oil|steam|scald|scalded"),
        ("burn|burned|burnt|burns|scald|scalded|boiling|kettle + blistering|blistered|blisters|peeling|raw|charred"
        "|face|chest|bigger|deep|badly|whole"),
        "bleach|chemical|acid|cleaner|drain + eye|eyes", "burn in mouth",
        "blistering|blister|blisters + badly|big|whole|across|face",
        "burn|burned|burnt|scald|oil|iron|oven|kettle|boiling + white|leathery|hurt|size|deep|leaking|charred|black",
        "smoke + breathed|inhaled|coughing|hoarse", "cable|wire|socket|charger + bit|burn|shock",
        # Round 10: a small burn (a coin, a blister) away from the face, a child, fire, electricity or the airway is
        # first aid (NHS: A&E for a burn larger than the patient's hand), and spicy food "on fire" is a simile.
    ), unless=(
        # Round 13 (fresh11 dev): a burning feeling in the chest or throat (heartburn, spicy food) with nothing that
        # burns the skin is not a burn.
        r"^(?!.*\b(burned|burnt|scald|scalded|boiling|kettle|fire|flames|oil|steam|iron|oven|chemical|acid|"
        r"electric|blister|blisters|blistering|blistered|caught|skin)\b).*\b(burning (chest|throat|stomach|tummy|"
        r"sensation|feeling)|burning (when|while|as) (i )?(pee|peeing|wee|weeing|urinating|passing urine)|"
        r"(pee|wee|urine) burns|burns (when|to) (i )?(pee|wee))\b|"
        r"^(?!.*\b(face|eye|eyes|mouth|throat|chest|child|baby|toddler|son|daughter|electric|chemical|acid|"
               r"white|leathery|charred|black|spreading|bigger|worse|pus|fever|shock|cable|wire|socket|live|heart|smoke|"
               r"breathing|breathe|fire|flames|caught)\b).*\b(size of an? (pea|coin|5p|10p|1p|"
               r"2p|penny|fingernail|grape|lentil)|(tiny|small|little) (blister|burn))\b"
               r"|\b(chilli|chili|spicy|hot sauce|curry|jalapeno|wasabi)\b.*\b(on fire|burning)\b"
               # Round 11 (fresh10 dev): the mouth burnt by hot food or drink.
               r"|^(?!.*\b(chemical|acid|bleach|caustic|swallowed|drank|breathing|breathe|swelling|swollen|child|baby|"
               r"toddler|battery|drooling)\b).*\b(burnt|burned|burn|scalded|scald)( the roof of| the inside of)? (my|his|"
               r"her|your) (mouth|tongue|lip|lips)\b.*\b(pizza|tea|coffee|soup|cheese|food|drink|hot chocolate|noodles|"
               r"pie|toast|porridge)\b"
               # Round 15 (fresh11 test): blisters of shingles or a cold sore, with nothing that burns the skin.
               r"|^(?!.*\b(burned|burnt|scald|scalded|boiling|kettle|fire|flames|oil|steam|iron|oven|chemical|acid|"
               r"electric|caught)\b).*\b(shingles|cold sores?|chickenpox|chicken pox|herpes)\b")),
    RedFlag("head_injury", (
        "knocked out",
        ("head + hit|banged|bumped|knocked|fell|knock|crashed|crash|fall|rolled + vomiting|vomited|vomit|"
        f"sick|threw|drowsy|sleepy|confused|unconscious|pupil|fluid|seizure|{_ANTICOAGULANTS}|blurry|remember|"
        "floppy|slurred|slurring|awake|severe|worse"),
        "helmet|crash|crashed|accident|fell + drowsy|confused|unconscious|knocked|remember",
        "bleeding from ear|ears", "fluid from nose|ear",
        "hit|banged|bumped|knocked|fell + head|bed|stairs|ladder + questions|repeating|floppy|blacked",
        "not himself|herself|themselves|acting + hit|banged|bumped|knocked|fell|head",
        ("baby|babys|infant|newborn|month|months + fell|rolled|dropped|fall + floor|table|bed|sofa|stairs|changing + "
         "swelling|swollen|lump|bump|quiet|sleepy|drowsy|floppy|vomit|vomiting|sick|unusual|unusually|crying"),
        "was|been out for + minute|minutes|seconds|while",
    )),
    RedFlag("pregnancy_bleeding", (
        "pregnant|pregnancy|along|postpartum|birth|section + bleeding|blood|clots|bleed",
        "pregnant + severe|sharp|terrible|bad pain|cramps", "pregnant + faint|fainting|dizzy|lightheaded",
        "pregnant + vision|blurry + headache", "waters broke + cord", "cord hanging|out",
        "baby hasnt|not|stopped moved|moving", "pregnant + fall|fell", "weeks + bleeding + pain|cramps|hard",
        "weeks|pregnant + kick|kicks|kicking|movements|moving|moved + less|not|havent|hasnt|stopped|fewer",
        "pregnant|weeks + headache + flashing|vision|swollen|swelling|blurry|spots|lights|stars|ribs|upper",
        "pregnant|weeks + ribs|upper + pain + headache|vision|spots|swelling", "pregnant|weeks + gush|leaking|waters",
    ), unless=(r"^(?!.*\b(heavy|heavier|clots?|soaking|faint|dizzy|pain|cramps?|fever)\b).*\b(slowed|slowing|lighter|"
               r"light brown|brownish|light pink|pinkish|tailing off|easing off|settling)\b"
               # Round 16 (fresh13 dev): a late period with a negative pregnancy test is not a pregnancy.
               # (Not with heavy bleeding, a faint or severe pain: those stay emergencies whatever the test says.)
               r"|^(?!.*\b(heavy|heavier|soaking|clots?|faint|fainting|dizzy|severe|sharp|vomiting|agony|cant stand)\b)"
               r".*(\b(pregnancy )?tests? (was |is |were |are |came back |says |all )?negative\b|\bnot pregnant\b)"
               # Round 15 (fresh10 test): waters said to be intact, with no bleeding, are not waters breaking.
               r"|^(?!.*\b(gush|gushing|leaking|leak|broke|broken|cord|bleeding|blood|clots?)\b(?<!no bleeding)).*"
               r"\bwaters (are |still |all )?intact\b"
               # Round 14 (fresh12 dev): bleeding gums or a nosebleed in pregnancy is not bleeding from the womb.
               r"|^(?!.*\b(vaginal|down there|pad|pads|spotting|clots?|cramps?|waters|discharge|knickers|underwear|"
               r"wiped|toilet|miscarr\w*)\b).*\b(bleeding gums|gums? (are |is )?bleed\w*|nose ?bleeds?|bleeding nose|"
               r"nose (is |keeps )?bleeding)\b")),
    RedFlag("infant_fever", (), check=_is_baby_under_3_months),
    RedFlag("meningitis_sepsis", (
        "glass + not|doesnt|wont|dont|isnt", "rash + purple|blotchy|spots + fever|temp|headache|vomiting|floppy",
        "stiff neck + fever|headache|light|vomiting|temp|temperature", "neck stiff + fever|headache|light",
        "purple spots|dots|rash", "mottled", "blotchy skin", "bulging soft|fontanelle", "non blanching",
        ("infection|infected|uti|pneumonia|wound|fever|temperature|sepsis + confused|confusion|mottled|"
        "shivering|racing|fast|slurring|dying|130|bluish"),
        "infection|infected|uti|pneumonia|sepsis + hasnt|havent|not|no|barely peed|weed|urine|wee",
        "cold hands + floppy|fever", "high pitched cry",
        "soft spot + bulging|bulge", "rash + bruise|bruises|bruising + fever|temp|high|temperature",
        "chemo|chemotherapy|neutropenic|immunosuppressed|transplant + temperature|temp|fever|38|39|40|shivering|shivers",
        # Round 13: a fever with shaking or a spreading wound days after a birth, an operation or a cut (NHS sepsis
        # signs; these were caught only by the infant-fever rule misreading "4 days ago" as a baby's age).
        ("birth|surgery|operation|op|gallbladder|appendix|caesarean|delivery|stitches|wound|cut + fever|temperature|"
         "temp + shaking|shivery|shivering|shivers|streak|smelly|unwell|dark"),
    ), unless=r"\b(?<!doesnt )(?<!dont )(?<!didnt )(?<!wont )(?<!not )(fades|fade) when\b"
              # A question about the threshold itself ("on chemo, what temperature should I call at?").
              r"|^(?!.*\b(i have|ive got|ive had|im at|reads|reading|is \d))(.*\b(what|which) (temperature|temp)\b)"),
    RedFlag("diabetic", (
        f"{_DIABETES} + {_DIABETIC_SIGNS}", f"type 1 + {_DIABETIC_SIGNS}", "not making sense", "acting drunk",
        "ketones + vomiting|throwing|sick|drowsy|breathing",
        "pear drops",
    ), check=_glucose_extreme, unless=(r"\b(not|arent|isnt) diabetic\b"
                                       # Round 10: mild ketones managed by the sick-day rules, no danger sign.
                                       r"|^(?!.*\b(vomiting|vomited|throwing|drowsy|confused|breathing|pear|keep|"
                                       r"unconscious|(?<!bit )(?<!little )(?<!slightly )high|rising|worse|"
                                       r"abdominal|tummy|stomach)\b).*\bsick day "
                                       r"(rules|plan|guidance)\b")),
    # Emergencies outside the list above that need surgery within hours (NHS: testicular torsion, urinary
    # retention, bowel obstruction): sudden testicle pain, no urine at all, vomiting with no wind or poo.
    RedFlag("urgent_surgical", (
        ("testicle|testicles|testicular|scrotum|balls + sudden|suddenly|severe|agony|agonising|really|vomiting|"
         "sick|swollen|woke"),
        "cant|cannot|unable|havent|hasnt|not pass|passed urine|wee|pee|water",
        "havent|hasnt|not|cant peed|weed|urinated|pee|wee + all day|since|hours|last night|belly|swollen|agony",
        "cant|cannot|unable pee|wee|urinate + since|hours|night|day|belly|swollen|agony|agonising|pain",
        ("havent|hasnt|not|no|cant passed|pass|farted|pooed|pooped wind|poo|gas|stool|bowels + vomiting|sick|"
         "swollen|bloated|distended"),
    )),
)

_SELF_HARM = RED_FLAGS[0]
ADRENALINE_USED = "used|gave|given|injected|jabbed|needed|give|use + epipen|epipens|adrenaline|autoinjector|jext|emerade"
# Words that name the topic rather than an intent ("What is self-harm?"): they count like other red flags, so
# not in a general question, a resolved past ("I used to self-harm") or a story.
_SELF_HARM_MENTIONS = RedFlag("self_harm", (
    "suicidal", "suicide thoughts|thinking|attempt|attempts", "self harm|harming", "selfharm",
    # Someone else's intent, told by a relative or friend ("my son said he wants to kill himself"): in a film
    # or a past event it is a mention, so it takes the context checks.
    ("wants|want|wanted|going|gonna|said|says|saying|threatening|threatened|trying|tried to kill|hurt|harm "
     "himself|herself|themselves|themself"),
), self_harm=True)

def normalize(text: str) -> list[str]:
    """Lower-case words with apostrophes dropped ("can't" -> "cant"), digits split from letters ("2yo")."""
    text = re.sub(r"[’']", "", text.lower())
    text = re.sub(r"(\d)([a-z])", r"\1 \2", text)
    return re.findall(r"[a-z0-9]+", text)


def _distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, stopping early past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2, prev = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


# Real words one edit away from a red-flag word; they are never read as typos ("cooking" is not "choking").
NOT_TYPOS = frozenset({
    "cooking", "coking", "chocking", "chopping", "shopping", "stopping", "chewing", "docking", "breed", "breeding", "bread", "pair", "paid", "pail", "rain",
    "chess", "cheat", "diet", "tied", "hurl", "herb", "harp", "farm", "stoke", "strike", "strokes", "site",
    "sides", "slide", "tie", "life", "lift", "wife", "wine", "lover", "later", "loose", "lose", "hot", "pot",
    "dead", "deaf", "heat", "head", "tight", "light", "night", "right", "swelling", "wake", "make", "take",
    "can", "fewer", "never", "lever", "faced", "speed", "spend", "saving", "caring", "bleeping", "blending",
    "breadth", "sizing", "chested", "mouths", "seizes", "fits", "fitness", "lips", "sick", "shocking",
    "blessing", "boiled", "heavier", "heaving", "spotting", "showing", "faint", "paint", "hurt", "bit", "but",
    "cord", "word", "words", "food", "good", "prison", "moving", "loving", "giving", "living",
    "glass", "class", "grass", "floppy", "sloppy", "respond", "response", "answer", "answers", "first",
    "fast", "last", "past", "most", "worst", "worse", "horse", "birth", "bath", "both", "earth", "dying",
    "drying", "trying", "noise", "suicide", "daily", "use", "used", "nose", "beach", "healing", "lying", "stiff", "staff", "stuff", "pupil", "pupils", "purple", "people", "neck",
    "back", "ready", "steady", "fire", "fine", "five", "file", "drank", "drink", "dranks", "blood", "flood",
    "conclusion", "overdue", "cared", "chunking", "jet", "sorted",
})


_INFLECTIONS = frozenset({"s", "es", "ed", "d", "ing"})


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Ordinary English words (medtune/data/phi_lexicon/common_words.txt, built from the shared medical and
    patient texts) and NOT_TYPOS: a real word is what its writer meant, never a typo of a red-flag word
    ("confusing" is not "convulsing", "concussion" is not "convulsion")."""
    path = Path(__file__).resolve().parents[1] / "data" / "phi_lexicon" / "common_words.txt"
    try:
        words = path.read_text(encoding="utf-8").split()
    except OSError:
        words = []
    return frozenset(words) | NOT_TYPOS


def word_matches(word: str, target: str) -> bool:
    if word == target:
        return True
    if word in known_words():
        # A real word matches only itself or an inflection of the target ("wants" / "want").
        return word.startswith(target) and word[len(target):] in _INFLECTIONS
    if len(target) <= 3 or word[:1] != target[:1] or word.isdigit():
        # The first letter must agree: people rarely misspell it, and it keeps "pain" from matching "rain".
        return False
    if len(target) == 4:  # short words: only a swapped pair ("pian") or a dropped letter ("kil"); "more" is not "move"
        swapped = len(word) == 4 and sorted(word) == sorted(target) and _distance(word, target, 1) == 1
        dropped = len(word) == 3 and any(target[:i] + target[i + 1:] == word for i in range(4))
        return swapped or dropped
    # Two edits only in long words, and not two dropped letters: "cared" is not "charred", "chunking" not
    # "choking" (7 letters: one edit), while "breahting" and "suicidle" still count.
    limit = 2 if len(target) >= 8 and len(word) >= len(target) - 1 else 1
    return _distance(word, target, limit) <= limit


def _sequence_in(words: list[str], phrase: str) -> bool:
    slots = [alt.split("|") for alt in phrase.split()]
    for start, word in enumerate(words):
        if not any(word_matches(word, t) for t in slots[0]):
            continue
        pos, ok = start, True
        for alts in slots[1:]:
            window = words[pos + 1: pos + 2 + MAX_GAP]
            hit = next((k for k, w in enumerate(window) if any(word_matches(w, t) for t in alts)), None)
            if hit is None:
                ok = False
                break
            pos = pos + 1 + hit
        if ok:
            return True
    return False


#: The parts of an "a + b + c" phrase must all appear within this many words: a long message that mentions
#: "my kids" in its first sentence and "the pharmacy is open" in its last does not join them.
WINDOW = 24


def phrase_in(words: list[str], phrase: str) -> bool:
    parts = phrase.split(" + ")
    if len(parts) == 1 or len(words) <= WINDOW:
        return all(_sequence_in(words, part) for part in parts)
    return any(all(_sequence_in(words[start:start + WINDOW], part) for part in parts)
               for start in range(0, len(words) - WINDOW + WINDOW // 3, WINDOW // 3))


#: Words that contain "blood" without any bleeding ("blood pressure normal at last check").
_NOT_BLEEDING = re.compile(r"\bblood (pressure|sugars?|tests?|results?|group|type|glucose|levels?|count|donation)\b")


#: A red-flag symptom the writer says is absent ("no chest pain, just a cough", "no face or lip swelling"),
#: seizures said to be over or controlled ("seizure free for a year"), and "burnt out" (tired, not burned):
#: taken out before the flags are matched (fresh6 dev, round 7). "No pulse", "not breathing", "no response" are
#: red flags themselves and are not touched. Round 8 (fresh6 test and fresh7 dev, two writers): the symptoms a
#: negation can name are the red flags' own findings, coordinated ("no bleeding, no pain", "no swelling of mouth or
#: throat", "not on any blood thinners", "no cut"); "no pain relief" is not an absent pain.
_FINDING = (r"(chest )?(pain|pains|ache|tightness|pressure)(?! relief| killers?| meds| medication)|swelling|swollen "
            r"(lips|tongue|throat|face)|(difficulty|trouble|problems?) breathing|breathing (problems?|difficulty|"
            r"trouble)|(blood )?thinners|bleeding|blood|clots?|cuts?|wound|fever|temperature|temp|rash|vomiting|"
            r"sickness|weakness|droop|drooping|numbness|wheeze|wheezing|hives|headache|confusion|drowsiness|"
            r"anticoagulants?|warfarin|loss of consciousness|blackouts?|fits?|seizures?|shortness of breath|"
            r"breathing (issues?|problems?)|stiff neck|blisters?|blistering|allerg(y|ies)|reactions?|noisy breathing|"
            r"stridor")
_BODY = r"(the )?(mouth|throat|lips?|tongue|face|eyes?|airway)"
_ABSENT_SYMPTOM = re.compile(
    rf"\b(no|without|never had( any| a| an)?|never been|denies|nor|not on any|not on|(i )?(dont|do not|doesnt|does not)"
    rf" have( any)?|(i )?(havent|have not|hasnt|has not) had( any| a| an)?)( (face|facial|lip|lips|tongue|throat|mouth|real|"
    rf"actual|other|new|any|or|and|more|further))* ({_FINDING})( (of|in|to) {_BODY}(( or| and| nor)+ {_BODY})*)?"
    rf"(( (or|and|nor|no|any|or any))+ ({_FINDING}))*\b(?! (before|until|till|up to now))"  # "never had a seizure before, ...": a first one
    r"|\b(seizure|fit) free\b|\bfree (of|from) (seizures|fits)\b|\b(seizures|fits) (are |have been |been )?"
    r"(well )?(controlled|under control)\b|\b(burnt|burned) out\b"
    # Wording that names a red flag and is not one (round 8, seen from two writers): food poisoning is not a
    # poisoning by a medicine, an "overdose of drama" is an idiom, "nearly had a heart attack when I saw the bill"
    # is hyperbole, and "confused by the numbers" is puzzled, not a confused patient.
    r"|\bfood poisoning\b|\b(carpet|friction|rope|rug|mat|razor) burns?\b"
    r"|\bknocked out (of )?(the|a|an|our|that|this) (wall|walls|cupboard|fireplace|chimney|window|cup|competition|"
    r"tournament|league|round|quiz)\b|\bknocked out (cold )?by (this|the|my|that|all (this|the)) (new )?(job|work|week|"
    r"day|shift|shifts|exams?|revision|heat|jet lag|workout|gym|training)\b|\b(job|work|week|shift|shifts|exams?|revision|"
    r"workout|gym|training|cold|flu) (has |have |really |totally )*knocked (me|him|her|us|them) (out|for six)( cold)?\b|\b(an |total |a total |complete |major )?overdose of (drama|nostalgia|cuteness|"
    r"sunshine|caffeine|sugar|chocolate|screen time|tv|netflix|gossip|love|feelings|memes)\b"
    r"|\b(nearly|almost|practically) (had|having|gave me|give me) (a )?(heart attack|stroke)\b"
    r"|\bconfused (by|about|with|over) (the|my|all|these|those|this|what|how|which)\b")


def without_blood_terms(words: list[str]) -> list[str]:
    """`words` without wording that names a red flag's words and is not one: blood tests, absent symptoms."""
    return _ABSENT_SYMPTOM.sub(" ", _NOT_BLEEDING.sub(r"\1", " ".join(words))).split()


#: Wording that looks like intent and is not: ending a relationship or a contract, "I'd kill for a nap".
_NOT_INTENT = re.compile(
    r"\b(end|ends|ending|ended|call|calling|called) (it|things|everything) (off )?with (my|him|her|them|a|the|this|"
    r"that|our|his|me|us)\b|\b(could|would|id|i would|i could|i d) kill for\b|\bkilling it\b|\brazor (burn|bumps|rash)\b"
    r"|\bend(ing)? (my|our|the|this) (membership|contract|subscription|lease|relationship|marriage|engagement|"
    r"friendship|tenancy|streak|shift)\b"
    # Thoughts said to be absent, and asking someone else about them (fresh6 dev, round 7): "no thoughts of hurting
    # myself, just meh", "what's the best way to ask a patient about suicidal thoughts?".
    r"|\b(no|not having any|not having|never had|never have|without|dont have|dont have any|havent had|havent had any)"
    r" (thoughts?|plans?|intentions?|urges?) (of|about) (hurting|harming|killing|cutting|ending|self harm|suicide)"
    r"( my life| myself| me)?\b"
    r"|\b(ask|asking|talk to|talking to|screen|screening|raise|raising)( \w+)? (a|my|the|our|someone|somebody|people|"
    r"patients?|clients?|students?|pupils?)( \w+)? about (suicidal|suicide|self harm)( thoughts?| feelings?| ideation)?\b"
    # Round 9 (fresh8 dev): intent denied in other words ("not thinking of hurting myself, just lonely", "not
    # trying to hurt myself", "not wanting to die myself"), "no sign of self-harm", and someone else's attempt
    # years ago ("my best friend tried to end her life three years ago, she's doing so well now").
    r"|\b(not|never|im not|i am not|without) (thinking|trying|wanting|planning|going) (of |about |to )?(hurting|harming|"
    r"hurt|harm|kill|killing|die|dying)( (my ?self|me|her|him|them|anyone|or \w+|myself or \w+))*\b"
    r"|\bno (sign|signs|evidence|history) of (self harm|suicidal|harming|cutting)\b"
    r"|\b(tried|attempted) to (end|take) (her|his|their) (own )?life\b(?=.*\b((years?|months?) ago|last (year|"
    r"spring|summer|autumn|fall|winter|christmas)|in (19|20)\d\d)\b)")
#: A screening question about self-harm answered "no" ("my GP asked if I had thoughts of ending my life and I
#: said no"), unless the writer takes the no back ("I said no but I lied").
_SCREEN_DENIED = re.compile(r"\b(asked|asks|asking|ask)( me| him| her| them)? (if|whether|about)\b.*\b(said|say|answered|"
                            r"told (him|her|them|the \w+)) no\b")
_TAKEN_BACK = re.compile(r"\b(lied|but (i|honestly|actually|really|to be honest)|wasnt true|not true)\b")


def intent_words(words: list[str]) -> list[str]:
    """`words` with wording that only looks like intent taken out; none at all after a screening "no"."""
    joined = " ".join(words)
    if _SCREEN_DENIED.search(joined) and not _TAKEN_BACK.search(joined[_SCREEN_DENIED.search(joined).end():]):
        return []
    return _NOT_INTENT.sub(" ", joined).split()


def flag_fires(flag: RedFlag, words: list[str]) -> bool:
    if flag.unless and re.search(flag.unless, " ".join(words)):
        return False
    return any(phrase_in(words, p) for p in flag.phrases) or (flag.check is not None and flag.check(words))


def is_framed_question(text: str) -> bool:
    """A general question beside a sentence that introduces the writer as a learner or a professional ("what's the
    first aid for a seizure? I'm a new teacher"). "I'm a student and I took 30 pills" is not one: nothing general
    remains once the introduction is set aside."""
    sentences = [normalize(x) for x in SENTENCE_BREAK.split(text) if x and x.strip()]
    rest = [w for w in sentences if w and not SELF_INTRO.search(" ".join(w))]
    return 0 < len(rest) < len(sentences) and all(is_general_question(w) for w in rest)


#: Taking blood-thinning medicine ("on apixaban", "takes blood thinners").
ON_ANTICOAGULANT = re.compile(rf"\b(on|takes?|taking) (\w+ ){{0,2}}({_ANTICOAGULANTS})\b")


def rule_flags(question: str) -> list[RedFlag]:
    """The red flags whose rules fire on `question`, self-harm first.

    Self-harm intent counts whatever the context. Other flags count on the clauses that may be happening now
    (triage_context: no story, project or hypothetical, no general question, past clauses and pets left out);
    a resolved outcome ("she's fine now") cancels them, except an overdose or a child's poisoning, which can
    look well for hours (paracetamol harms the liver a day or more later; NHS "paracetamol overdose")."""
    intent = flag_fires(_SELF_HARM, intent_words(normalize(question)))
    content = without_denied_topics(without_preamble(question))
    words = normalize(content)
    joined = " ".join(words)
    if is_general_question(words) or is_unreal(joined) or is_framed_question(content):
        return [_SELF_HARM] if intent else []
    live = live_clauses([normalize(c) for c in clauses(content) if not is_joke(normalize(c))])
    flags = [f for f in RED_FLAGS[1:] if flag_fires(f, without_blood_terms(live))]
    mention = not intent and flag_fires(_SELF_HARM_MENTIONS, intent_words(live)) and not is_denied(" ".join(live))
    if is_cleared(joined):
        # Assessed by someone who can weigh a well-looking overdose: nothing to escalate (self-harm intent aside).
        flags, mention = [], False
    elif is_resolved(joined):
        # An adrenaline pen used at all still needs the emergency department: the reaction can come back.
        kept = WELL_LOOKING_EMERGENCIES | ({"anaphylaxis"} if phrase_in(live, ADRENALINE_USED) else set())
        # A head injury on a blood thinner needs A&E however well the person looks (NHS "head injury and
        # concussion": go to A&E if they take blood-thinning medicine); round 11, fresh10 dev.
        kept |= {"head_injury"} if ON_ANTICOAGULANT.search(joined) else set()
        flags, mention = [f for f in flags if f.name in kept], False
    return ([_SELF_HARM] if intent or mention else []) + flags


#: Near-miss cues of self-harm that the head cannot weigh: old scars, time free of it, a week "done" with a
#: weekend to look forward to.
SELF_HARM_NEAR = re.compile(r"\b(scars?|scarring|(years?|months?) (clean|free)|free (of|from) self harm|"
                            r"cant wait (for|till|until) (the|my|our|this|next)|looking forward to|so done with (this|the|"
                            r"my|today|work|school|college|uni))\b")
#: Symptoms the writer calls mild: the head, which cannot weigh a qualifier, does not alarm on them alone.
MILD = re.compile(r"\b(mild|mildly|slight|slightly|minor)\b|\b(a little|a tiny|light|a bit of) (pinkish |pink |brown |"
                  r"brownish )?(spotting|spot|blood)\b")


def learned_may_count(question: str, category: str) -> bool:
    """Whether the learned layer's verdict may stand on `question` when no rule fired: not on a general
    question, a story / project / course, a hypothetical, a resolved or entirely past event, a joke, symptoms
    called mild, or a
    message carrying the near-miss cue of the head's own category ("goes away with gaviscon" for chest pain).
    The head reads wording; these are context it was never shown enough of."""
    content = without_denied_topics(without_preamble(question))
    words = normalize(content)
    joined = " ".join(words)
    if (is_general_question(words) or is_unreal(joined) or is_framed_question(content) or is_resolved(joined)
            or MILD.search(joined)):
        return False
    live = live_clauses([normalize(c) for c in clauses(content) if not is_joke(normalize(c))])
    if not live:
        return False
    if category == "self_harm" and (_NOT_INTENT.search(joined) or not intent_words(words)
                                    or SELF_HARM_NEAR.search(joined)):
        return False
    flag = next((f for f in RED_FLAGS if f.name == category), None)
    return not (flag is not None and flag.unless and re.search(flag.unless, joined))


def explain(question: str) -> list[tuple[str, str]]:
    """(flag, phrase) pairs that fire on `question`, vetoes ignored: what a rule author needs to see."""
    words = normalize(question)
    return [(f.name, p) for f in (*RED_FLAGS, _SELF_HARM_MENTIONS) for p in f.phrases if phrase_in(words, p)]
