"""The fast first pass of triage: red-flag phrase rules with fuzzy word matching.

A rule is a list of phrases; a phrase is a sequence of word alternatives that must appear in order, with at
most `MAX_GAP` other words between them. `a + b + c` joins phrases that must all appear, in any order, anywhere
in the message ("my toddler ... swallowed ... tablets"). Words match fuzzily so "chest pian", "cant breth",
"tounge" or "suicidle" still count, because people in distress misspell: a swapped or dropped letter in 4-letter
words, Damerau-Levenshtein distance 1 for 5 letters and 2 for longer words. Real words near a red-flag word
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

MAX_GAP = 2


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
_DIABETES = "sugar|glucose|hypo|diabetic|diabetes|ketones|insulin|t1d|type1"
_DIABETIC_SIGNS = ("confused|confusion|drowsy|sleepy|unconscious|unresponsive|fitting|fit|seizure|seizing|vomiting|"
                   "vomited|floppy|slurring|slurred|aggressive|collapsed|shaky|shaking|sweating|sweaty|pear|deep|"
                   "deeply|swallow|wake")


def _is_baby_under_3_months(words: list[str]) -> bool:
    """'6 week old', '3 weeks', 'newborn', '12 days old', '2 month old' (under 13 weeks) with a fever or a low
    temperature; NICE NG143: any fever of 38 °C or more under 3 months is high risk."""
    text = " ".join(words)
    ages = [(int(n), unit) for n, unit in re.findall(r"\b(\d+)\s*(day|days|week|weeks|wk|wks|month|months)\b", text)]
    young = any((unit.startswith("day")) or (unit.startswith("w") and n < 13) or (unit.startswith("m") and n < 3)
                for n, unit in ages)
    young = young or bool(re.search(r"\b(newborn|new born|neonate|(one|two|1|2) month old)\b", text))
    if not young or "pregnant" in words:
        return False
    fever = re.search(r"\b(fever|feverish|temp|temperature|hot|burning up|high temperature)\b", text)
    degrees = any(w.isdigit() and (38 <= int(w) <= 42 or 100 <= int(w) <= 106 or int(w) == 35) for w in words)
    return bool(fever or degrees)


def _took_many_pills(words: list[str]) -> bool:
    """'took 15 of my sleeping pills', 'took like 30 pills', '20 tylenol': ten or more tablets at once."""
    text = " ".join(words)
    return bool(re.search(r"\b(took|taken|take|swallowed|had|ate)\b(\s\w+){0,2}\s([1-9]\d+)\b(\s\w+){0,3}\s"
                          r"(pills?|tablets?|tylenol|paracetamol|ibuprofen|aspirin|capsules?|of)\b", text))


RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag("self_harm", (
        "kill|killing myself", "kill me now", "end|ending|take|taking my|own|their|your life", "end|ending it all",
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
    ), self_harm=True),
    RedFlag("chest_pain", (
        ("chest pain|pains|pressure|tightness|tight|hurts|hurting|ache|aching|crushing|squeezing|heavy|heaviness"
        "|burning"),
        "pain|pressure|tightness|heaviness|ache in my|his|her|the chest", "crushing|squeezing|tearing pain",
        "having heart attack", "clutching|holding|grabbing his|her|my chest", "elephant sitting|on",
        "breastbone|sternum pain", "chest + pressure|tightness|crushing|squeezing|squeezed|crushed|vice|heaviness", "pain behind breastbone|sternum", "heavy|tight chest|feeling",
        "angina spray|gtn", "chest ache|pain|hurts|tight|heavy",
    ), unless=r"\b(gym|bench press|workout|press ups|push ups|pushups|lifting weights|muscles? ache)\b"),
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
    )),
    RedFlag("breathing", (
        "cant|cannot|unable|not|hardly|barely|struggling breathe|breath|breathing",
        "difficulty|trouble|hard|struggling|working breathing|breathe|breath", "short|shortness of breath",
        "gasping|choking", "lips|face turning|turned|going|gone blue", "blue lips", "stopped breathing",
        "breathing slow|slowly|shallow|fast|noisy", "catch breath|my|his|her",
        ("inhaler|puffer|ventolin|reliever|salbutamol isnt|not|doesnt|wont|didnt|nothing help|helping|working"
        "|work|doing"),
        "finish sentence|sentences", "breathless to talk|speak", "full sentences", "barely speak|talk|word",
        "ribs sucking|pulling", "sucking|pulling in", "wheezing badly|so", "oxygen 8|84|85|86|87|88|89",
        "asthma attack worse|getting|isnt|not",
    ), unless=r"\b(when i (run|climb|jog|exercise)|up a hill|climbing stairs|not very fit|blocked nose|stuffy nose)\b"),
    RedFlag("anaphylaxis", (
        "throat|tongue|lips|face swelling|swollen|closing|tight|swelled", "swelling|swollen throat|tongue|lips|face",
        "anaphylaxis|anaphylactic", "severe|bad|serious allergic reaction", "having allergic reaction",
        "throat closing|tight", "eyes swelled|swollen shut", "used|injected epipen|epi + still|throat|breathe|breathing|worse", "hives + throat|faint|dizzy|wheezing",
        "allergic + throat|wheezing|breathe|faint|dizzy|swelling|swollen|breathing", "tongue bigger|getting",
        "lump in throat + bigger|getting",
    )),
    RedFlag("bleeding", (
        "bleeding|blood wont|doesnt|not|cant stop|stopping", "severe|heavy|uncontrolled|uncontrollable bleeding",
        "vomiting|coughing|spitting blood", "throwing|threw up blood", "bleeding heavily|badly",
        "blood spurting|gushing|pouring|pumping|squirting|pulsing|everywhere",
        "spurting|gushing|pouring|pumping|squirting|pulsing blood|out|red", "soaked towels|through",
        "lots|lot of blood", "passing blood", "large amounts of blood", "still pouring",
        "spitting out fresh blood", "wont|doesnt|cant|not|didnt stop bleeding",
    )),
    RedFlag("poisoning", (
        f"{_KIDS} + {_SWALLOW} + {_MEDICINE}|{_CHEMICAL}",
        f"swallowed|drank|drunk|ate|inhaled {_CHEMICAL}",
        "carbon monoxide", "gas smell + headache|headaches|dizzy|sleepy", "co alarm", "button battery",
        "laundry|detergent|dishwasher pod|tablet", "rat poison", "weed killer",
    )),
    RedFlag("overdose", (
        "overdose|overdosed|overdosing|od",
        "took|taken|swallowed|ate|had too|to many|much pills|pill|tablets|medicine|doses|meds",
        "too|to many pills|tablets", "poisoned|poisoning",
        "took|taken whole|entire box|packet|bottle|week", "took|taken all of her|his|my", "at once + took|taken",
        "took|taken double|triple|twice", "took|taken bunch|lot|load of", "pupils tiny|pinpoint",
        "heroin|fentanyl|opioids + breathing|respond|wake",
    ), check=_took_many_pills),
    RedFlag("unconscious", (
        "unconscious|unresponsive|collapsed|unrousable", "passed|passing out", "wont|cant|not|isnt wake|waking",
        "wont|not|isnt respond|responding|responsive", "hasnt|not|havent come round|around",
        "not answering me", "not moving + collapsed|floor",
    )),
    RedFlag("seizure", (
        "seizure|seizures|seizing|convulsing|convulsions|convulsion|fitting", "having|had fit",
        "shaking|jerking all over", "jerking + floor|eyes", "foaming at mouth", "stiffening|stiff and jerking",
        "twitching and jerking", "eyes rolled back",
    ), unless=r"\b(is|could) (that|this|it) (be )?an? seizure\b"),
    RedFlag("burns", (
        "caught|on fire", "electric shock", "electrocuted", "smoke inhalation", "inhaled smoke",
        "inhaled lot of smoke", "charred", "white leathery", ("skin peeling|coming off + burn|burned|burnt|boiling"
        "|oil|steam|scald|scalded"),
        ("burn|burned|burnt|burns|scald|scalded|boiling|kettle + blistering|blistered|blisters|peeling|raw|charred"
        "|face|chest|bigger|deep|badly|whole"),
        "bleach|chemical|acid|cleaner|drain + eye|eyes", "burn in mouth",
    )),
    RedFlag("head_injury", (
        "knocked out",
        ("head + hit|banged|bumped|knocked|fell|knock|crashed|crash|fall|rolled + vomiting|vomited|vomit|"
        "sick|threw|drowsy|sleepy|confused|unconscious|pupil|fluid|seizure|thinners|warfarin|blurry|remember|"
        "floppy|slurred|slurring|awake|severe|worse"),
        "helmet|crash|crashed|accident|fell + drowsy|confused|unconscious|knocked|remember",
        "bleeding from ear|ears", "fluid from nose|ear",
    )),
    RedFlag("pregnancy_bleeding", (
        "pregnant|pregnancy|along|postpartum|birth|section + bleeding|blood|clots|bleed",
        "pregnant + severe|sharp|terrible|bad pain|cramps", "pregnant + faint|fainting|dizzy|lightheaded",
        "pregnant + vision|blurry + headache", "waters broke + cord", "cord hanging|out",
        "baby hasnt|not|stopped moved|moving", "pregnant + fall|fell", "weeks + bleeding + pain|cramps|hard",
    )),
    RedFlag("infant_fever", (
        "newborn|infant|baby|babys|babies fever|temperature|temp|hot",
        "fever|temperature|temp newborn|infant|baby",
    ), check=_is_baby_under_3_months),
    RedFlag("meningitis_sepsis", (
        "glass + not|doesnt|wont|dont|isnt", "rash + purple|blotchy|spots + fever|temp|headache|vomiting|floppy",
        "stiff neck + fever|headache|light|vomiting|temp|temperature", "neck stiff + fever|headache|light",
        "purple spots|dots|rash", "mottled", "blotchy skin", "bulging soft|fontanelle", "non blanching",
        ("infection|infected|uti|pneumonia|wound|fever|temperature|sepsis + confused|confusion|mottled|peed|urine|"
        "shivering|racing|fast|slurring|dying|130|bluish"),
        "cold hands + floppy|fever", "high pitched cry",
    )),
    RedFlag("diabetic", (
        f"{_DIABETES} + {_DIABETIC_SIGNS}", f"type 1 + {_DIABETIC_SIGNS}", "not making sense", "acting drunk",
        "pear drops",
    )),
)

_SELF_HARM = RED_FLAGS[0]
# Words that name the topic rather than an intent ("What is self-harm?"): they count like other red flags, so
# not in a general question, a resolved past ("I used to self-harm") or a story.
_SELF_HARM_MENTIONS = RedFlag("self_harm", (
    "suicidal", "suicide thoughts|thinking|attempt|attempts", "self harm|harming", "selfharm",
), self_harm=True)

# A person in the question makes it about someone now, not a general question.
_PERSONAL = re.compile(
    r"\b(i|im|ive|id|me|my|myself|mine|we|our|us|he|she|his|her|him|they|them|their|hes|shes|"
    r"son|daughter|baby|child|kid|husband|wife|partner|mom|mum|dad|mother|father|friend|grandma|grandpa)\b"
)
_GENERAL = re.compile(r"^(what|whats|which|how|why|when|who|is|are|can|does|do|should)\b")
# Resolved / past / not real: the red-flag words describe something over, or a story (checked on joined words).
_RESOLVED = re.compile(
    r"\b(fine now|ok now|okay now|better now|getting better|now gone|gone now|has stopped|stopped after|went away|"
    r"settled|came round straight away|seems fine|seems totally fine|is fine|was fine|feel fine|fine after|"
    r"is playing|playing normally|running around|feeding fine|feeding and smiling|is improving|recovered|"
    r"healed|healing|doing well|back to \d)\b")
_PAST = re.compile(r"\b(years? ago|last year|last month|months ago|as a teenager|used to|in the past|"
                   r"in (january|february|march|april|may|june|july|august|september|october|november|december))\b")
_NOW = re.compile(r"\b(right now|now|today|tonight|just|currently|still|suddenly|again|keeps|minutes ago|"
                  r"mins ago|hour ago|hours ago|started)\b")
_STORY = re.compile(r"\b(movie|film|show|tv|book|novel|episode|documentary|article|news|character|game of thrones|"
                    r"for my exam|pharmacology exam|my essay|school project)\b")


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
    "cooking", "coking", "chocking", "docking", "breed", "breeding", "bread", "pair", "paid", "pail", "rain",
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
})


def word_matches(word: str, target: str) -> bool:
    if word == target:
        return True
    if word in NOT_TYPOS or len(target) <= 3 or word[:1] != target[:1] or word.isdigit():
        # The first letter must agree: people rarely misspell it, and it keeps "pain" from matching "rain".
        return False
    if len(target) == 4:  # short words: only a swapped pair ("pian") or a dropped letter ("kil"); "more" is not "move"
        swapped = len(word) == 4 and sorted(word) == sorted(target) and _distance(word, target, 1) == 1
        dropped = len(word) == 3 and any(target[:i] + target[i + 1:] == word for i in range(4))
        return swapped or dropped
    limit = 1 if len(target) == 5 else 2
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


def phrase_in(words: list[str], phrase: str) -> bool:
    return all(_sequence_in(words, part) for part in phrase.split(" + "))


def flag_fires(flag: RedFlag, words: list[str]) -> bool:
    if flag.unless and re.search(flag.unless, " ".join(words)):
        return False
    return any(phrase_in(words, p) for p in flag.phrases) or (flag.check is not None and flag.check(words))


def is_general_question(words: list[str]) -> bool:
    joined = " ".join(words)
    return bool(_GENERAL.match(joined)) and not _PERSONAL.search(joined)


def is_not_current(words: list[str]) -> bool:
    """A story, a resolved event, or a past one with nothing happening now."""
    joined = " ".join(words)
    if _STORY.search(joined) or _RESOLVED.search(joined):
        return True
    return bool(_PAST.search(joined)) and not _NOW.search(joined)


def rule_flags(question: str) -> list[RedFlag]:
    """The red flags whose rules fire on `question`, self-harm first."""
    words = normalize(question)
    intent = flag_fires(_SELF_HARM, words)
    if is_general_question(words) or is_not_current(words):
        return [_SELF_HARM] if intent else []
    mention = not intent and flag_fires(_SELF_HARM_MENTIONS, words)
    return ([_SELF_HARM] if intent or mention else []) + [f for f in RED_FLAGS[1:] if flag_fires(f, words)]


def explain(question: str) -> list[tuple[str, str]]:
    """(flag, phrase) pairs that fire on `question`, vetoes ignored: what a rule author needs to see."""
    words = normalize(question)
    return [(f.name, p) for f in (*RED_FLAGS, _SELF_HARM_MENTIONS) for p in f.phrases if phrase_in(words, p)]
