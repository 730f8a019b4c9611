"""Safety triage: emergency red flags are recognised before anything else and answered at once.

A rule is a list of phrases; a phrase is a sequence of word alternatives that must appear in order, with at
most `MAX_GAP` other words between them. Words match fuzzily so "chest pian", "cant breth", "tounge" or
"suicidle" still count, because people in distress misspell: a swapped or dropped letter in 4-letter words,
Damerau-Levenshtein distance 1 for 5 letters and 2 for longer words. Real words near a red-flag word
("cooking" / "choking") never count. The red-flag list follows the NHS 111 / MedlinePlus "when to call 911"
lists: chest pain, stroke signs (FAST), trouble breathing, anaphylaxis, severe bleeding, overdose or
poisoning, loss of consciousness, seizures, fever in a young baby, and suicidal thoughts or self-harm
(crisis-line wording).

Informational questions ("What are the signs of a stroke?") are not emergencies: a general question with no
person in it ("I", "my", "he", "my baby" …) is answered normally. Self-harm phrases name a person ("kill
myself", "I want to die"), so they are never mistaken for general questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_GAP = 2

EMERGENCY_NUMBERS = "911 in the US and Canada, 999 in the UK, 112 in the EU, 000 in Australia"


@dataclass(frozen=True)
class RedFlag:
    name: str
    phrases: tuple[str, ...]  # "a|b c|d": words separated by spaces, alternatives by "|"
    advice: str
    self_harm: bool = False


RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag("self_harm", (
        "kill|killing myself", "end|ending|take|taking my|own life", "suicidal", "commit|committing suicide",
        "suicide thoughts|thinking|plan|plans|attempt", "want|wanna|going|ready to die",
        "want|wanting|going|thinking|urge|urges to hurt|harm|cut|burn myself",
        "keep|been|started cutting|hurting|harming|burning myself", "harm|harming myself", "self harm|harming",
        "selfharm", "no reason to live", "better off dead", "dont want to live|be|wake", "overdose|od on purpose",
    ), "", self_harm=True),
    RedFlag("chest_pain", (
        "chest pain|pains|pressure|tightness|tight|hurts|hurting|ache|aching|crushing|squeezing",
        "pain|pressure|tightness in my|his|her|the chest", "crushing|squeezing pain", "having heart attack",
    ), "Chest pain can be a heart attack. Do not drive yourself to hospital."),
    RedFlag("stroke", (
        "face drooping|droopy|droops|drooped|numb", "drooping|droopy face|mouth|eyelid|smile",
        "slurred|slurring speech|words|talking", "cant|cannot speak|talk|move", "sudden weakness|numbness",
        "one side weak|numb|paralyzed", "weak|numb|paralyzed on one side", "having stroke",
        "worst headache", "sudden confusion", "sudden vision loss",
    ), "These can be signs of a stroke. Note the time the symptoms started: treatment works best early."),
    RedFlag("breathing", (
        "cant|cannot|unable|not|hardly|barely|struggling breathe|breath|breathing",
        "difficulty|trouble|hard|struggling breathing|breathe|breath", "short|shortness of breath",
        "gasping|choking", "lips|face turning|turned|going blue", "blue lips",
    ), "Sit upright and stay with someone while you wait for help."),
    RedFlag("anaphylaxis", (
        "throat|tongue|lips|face swelling|swollen|closing|tight", "swelling|swollen throat|tongue|lips|face",
        "anaphylaxis|anaphylactic", "severe|bad|serious allergic reaction", "having allergic reaction",
    ), "This can be a severe allergic reaction (anaphylaxis). Use an adrenaline (epinephrine) auto-injector "
       "now if you have one."),
    RedFlag("bleeding", (
        "bleeding|blood wont|doesnt|not|cant stop|stopping", "severe|heavy|uncontrolled|uncontrollable bleeding",
        "vomiting|coughing|spitting blood", "throwing up blood", "bleeding heavily|badly",
    ), "Press firmly on the wound with a clean cloth and keep pressing until help arrives."),
    RedFlag("overdose", (
        "overdose|overdosed|overdosing", "took|taken|swallowed|ate|had too|to many|much pills|pill|tablets|medicine|doses",
        "too|to many pills|tablets", "poisoned|poisoning", "drank|swallowed|ate bleach|poison|antifreeze|detergent",
    ), "For a poisoning or overdose you can also call Poison Control (1-800-222-1222 in the US), but if the "
       "person is unconscious, fitting or not breathing, call emergency services first."),
    RedFlag("unconscious", (
        "unconscious|unresponsive|collapsed", "passed out", "wont|cant|not|isnt wake|waking",
        "seizure|seizures|seizing|convulsing|convulsions|fitting",
    ), "Lay the person on their side and do not put anything in their mouth."),
    RedFlag("infant_fever", (
        "newborn|infant|baby|babys|babies fever|temperature|temp|hot", "fever|temperature|temp newborn|infant|baby",
        "week|weeks|month|months old fever|temperature|temp|hot",
    ), "A fever in a baby under 3 months old always needs urgent medical care."),
)

# A person in the question makes it about someone now, not a general question.
_PERSONAL = re.compile(
    r"\b(i|im|ive|id|me|my|myself|mine|we|our|us|he|she|his|her|him|they|them|their|hes|shes|"
    r"son|daughter|baby|child|kid|husband|wife|partner|mom|mum|dad|mother|father|friend|grandma|grandpa)\b"
)
_GENERAL = re.compile(r"^(what|which|how|why|when|who|is|are|can|does|do)\b")


@dataclass
class TriageResult:
    emergency: bool = False
    self_harm: bool = False
    flags: list[str] = field(default_factory=list)
    message: str = ""


def normalize(text: str) -> list[str]:
    """Lower-case words with apostrophes dropped ("can't" -> "cant"), digits kept."""
    text = re.sub(r"[’']", "", text.lower())
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
    "breadth", "sizing", "chested", "mouths",
})


def word_matches(word: str, target: str) -> bool:
    if word == target:
        return True
    if word in NOT_TYPOS or len(target) <= 3 or word[:1] != target[:1]:
        # The first letter must agree: people rarely misspell it, and it keeps "pain" from matching "rain".
        return False
    if len(target) == 4:  # short words: only a swapped pair ("pian") or a dropped letter ("kil"); "more" is not "move"
        swapped = len(word) == 4 and sorted(word) == sorted(target) and _distance(word, target, 1) == 1
        dropped = len(word) == 3 and any(target[:i] + target[i + 1:] == word for i in range(4))
        return swapped or dropped
    limit = 1 if len(target) == 5 else 2
    return _distance(word, target, limit) <= limit


def _phrase_in(words: list[str], phrase: str) -> bool:
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


def is_general_question(words: list[str]) -> bool:
    joined = " ".join(words)
    return bool(_GENERAL.match(joined)) and not _PERSONAL.search(joined)


def triage(question: str) -> TriageResult:
    """Red flags in `question`; `message` is the answer to give at once when `emergency` is true."""
    words = normalize(question)
    general = is_general_question(words)
    flags = [flag for flag in RED_FLAGS
             if not general and any(_phrase_in(words, p) for p in flag.phrases)]
    if not flags:
        return TriageResult()
    self_harm = any(f.self_harm for f in flags)
    return TriageResult(True, self_harm, [f.name for f in flags], emergency_message(flags))


def emergency_message(flags: list[RedFlag]) -> str:
    lines: list[str] = []
    if any(f.self_harm for f in flags):
        lines += [
            "I'm really sorry you're going through this. You don't have to face it alone, and help is "
            "available right now.",
            "If you might act on these thoughts or are in danger, call emergency services now "
            f"({EMERGENCY_NUMBERS}) or go to the nearest emergency department.",
            "In the US, call or text 988 (Suicide & Crisis Lifeline) any time, day or night; in the UK and "
            "Ireland, call Samaritans on 116 123; elsewhere, findahelpline.com lists free crisis lines.",
            "If you can, tell someone you trust how you are feeling and stay with them.",
        ]
    if any(not f.self_harm for f in flags):
        lines += [
            "This could be a medical emergency. Call emergency services now "
            f"({EMERGENCY_NUMBERS}) or go to the nearest emergency department. Do not wait for an online answer.",
        ]
        lines += [f.advice for f in flags if f.advice]
    return "\n\n".join(lines)
