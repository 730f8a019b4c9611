"""Safety triage: emergency red flags are recognised before anything else and answered at once.

Two layers, both run on every question (`triage`):
1. **Rules** (`triage_rules.py`): red-flag phrases with fuzzy word matching ("chest pian", "suicidle"),
   precise by design — general questions, resolved past events and stories do not fire them.
2. **A learned layer** (`triage_learned.py`): MiniLM with all six layers fine-tuned to name the red flag
   (`triage_tuned.py`, fitted by `python -m medtune.chat.triage_tune` on every labelled set written before
   fresh9, thirteen sources by writer), run on the question and on each of its clauses, so wording the rules do not list
   is still caught. Without the fine-tuned model the frozen head over sentence embeddings (`triage_fit`) is used.

A question is an emergency when a rule fires or the head's emergency probability reaches the threshold chosen
by grouped cross-validation on that training data. The head's verdict stands only where the rules' context
allows it (`triage_rules.learned_may_count`): not on a general question, a story or course, a hypothetical, a
resolved or wholly past event, a joke, or a message with its category's near-miss cue — context that wording
alone, which is all the head reads, does not carry — unless the model is sure (the gate override); and a rule
hit other than self-harm's on a message the model scores below the rule veto is dropped (both chosen out of fold, `triage_policy`). Self-harm intent — in any wording, inside a role-play or a
dose question — always gets the crisis text first and never any dose (docs/CHATBOT.md, "Triage first").
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace

from medtune.chat.triage_rules import (
    RED_FLAGS,
    RedFlag,
    is_general_question,
    learned_may_count,
    normalize,
    rule_flags,
    word_matches,
)

__all__ = ["RED_FLAGS", "RedFlag", "TriageResult", "emergency_message", "is_general_question", "normalize",
           "triage", "word_matches"]

log = logging.getLogger(__name__)

EMERGENCY_NUMBERS = "911 in the US and Canada, 999 in the UK, 112 in the EU, 000 in Australia"

#: First-aid advice per category, from the NHS and MedlinePlus pages on each emergency. No doses: the same
#: message may go to someone at risk of self-harm.
ADVICE: dict[str, str] = {
    "chest_pain": "Chest pain can be a heart attack. Sit down and rest, and do not drive yourself to hospital. "
                  "The emergency call handler may tell you to chew an aspirin if you are not allergic to it.",
    "stroke": "These can be signs of a stroke (Face drooping, Arm weakness, Speech problems: Time to call). Note "
              "the time the symptoms started: treatment works best early. Do not give food or drink.",
    "breathing": "Sit upright and stay with someone while you wait for help. If you have asthma, use your reliever "
                 "inhaler as your asthma action plan says. If someone is choking and cannot cough, give back "
                 "blows and abdominal thrusts.",
    "anaphylaxis": "This can be a severe allergic reaction (anaphylaxis). Use an adrenaline (epinephrine) "
                   "auto-injector now if you have one, lie down with your legs raised (sit up if breathing is "
                   "hard), and use a second injector after 5 minutes if you are not better.",
    "bleeding": "Press firmly on the wound with a clean cloth and keep pressing until help arrives. Raise the "
                "injured part if you can, and do not remove anything stuck in the wound.",
    "poisoning": "Do not make the person sick. Keep the packet, bottle or plant to show the ambulance crew. For a "
                 "swallowed button battery or magnet, go to the emergency department at once. You can also call "
                 "Poison Control (1-800-222-1222 in the US) or NHS 111 in the UK, but if the person is drowsy, "
                 "fitting or struggling to breathe, call emergency services first.",
    "overdose": "For an overdose you can also call Poison Control (1-800-222-1222 in the US), but if the person is "
                "unconscious, fitting or not breathing, call emergency services first. Do not make them sick.",
    "unconscious": "If the person is not breathing normally, start CPR; the call handler will guide you. If they "
                   "are breathing, lay them on their side (recovery position) and do not put anything in their "
                   "mouth.",
    "seizure": "Do not hold the person down or put anything in their mouth. Move dangerous objects away, time the "
               "seizure, cushion their head, and once the jerking stops put them on their side.",
    "burns": "Cool the burn under cool running water for 20 minutes, remove clothing and jewellery near it unless "
             "stuck, and cover it loosely with cling film. No ice, creams or butter. For a chemical in the eye, "
             "rinse it with running water for at least 20 minutes.",
    "head_injury": "Vomiting, drowsiness, confusion, a seizure, fluid from the nose or ears or blood thinners after "
                   "a head injury need urgent care. Do not leave the person alone and do not let them drive.",
    "pregnancy_bleeding": "Bleeding, severe tummy pain, a bad headache with vision changes or fewer baby movements in "
                          "pregnancy need urgent care: call emergency services or your maternity unit now. Lie on "
                          "your left side while you wait.",
    "infant_fever": "A fever (38 °C / 100.4 °F or more) in a baby under 3 months old always needs urgent medical "
                    "care, even if the baby seems well.",
    "meningitis_sepsis": "These can be signs of meningitis or sepsis, which get worse within hours. Do not wait for "
                         "a rash to appear or for the glass test.",
    "diabetic": "If the person is awake and can swallow, give a sugary drink or glucose tablets; if they are "
                "drowsy or unconscious give nothing by mouth, lay them on their side, and use glucagon if you have "
                "it and know how.",
    "urgent_surgical": "Sudden severe pain in a testicle, being unable to pass urine, or vomiting with a swollen "
                       "belly and no wind or poo can need an operation within hours (NHS: testicular torsion, "
                       "urinary retention, bowel obstruction). Go to the emergency department now and do not eat "
                       "or drink until you have been seen.",
}

CRISIS_LINES = [
    ("I'm really sorry you're going through this. You don't have to face it alone, and help is available right "
    "now."),
    (f"If you might act on these thoughts or are in danger, call emergency services now ({EMERGENCY_NUMBERS}) "
    "or go to the nearest emergency department."),
    ("In the US, call or text 988 (Suicide & Crisis Lifeline) any time, day or night; in the UK and Ireland, call "
    "Samaritans on 116 123; elsewhere, findahelpline.com lists free crisis lines."),
    "If you can, tell someone you trust how you are feeling and stay with them.",
]


@dataclass
class TriageResult:
    emergency: bool = False
    self_harm: bool = False
    flags: list[str] = field(default_factory=list)
    message: str = ""
    category: str | None = None  # the main red flag: self_harm when present, else the first one found
    source: str | None = None  # "rule", "learned" or "rule+learned"
    score: float | None = None  # the learned layer's emergency probability (None when it did not run)


def triage(question: str) -> TriageResult:
    """Red flags in `question`; `message` is the answer to give at once when `emergency` is true."""
    rules = [f.name for f in rule_flags(question)]
    verdict = _learned(question)
    if rules and verdict is not None and verdict.vetoes_rules:
        # The model, at a score where out-of-fold it cost no self-harm emergency, reads the wording the rules
        # matched as a near-miss ("antenatal teacher here: which bleeding in pregnancy is 999?"). Since round 8 a
        # self-harm rule hit is never dropped: intent always gets the crisis text.
        rules = [name for name in rules if name == "self_harm"]
    if verdict is not None and not rules and not verdict.sure and not learned_may_count(
            question, "self_harm" if verdict.self_harm else verdict.category):
        # Context the head cannot read: a story, a resolved past, a joke, a near-miss cue. Its score is kept. A
        # verdict at the gate override stands: the gates blocked more emergencies than near-misses there.
        verdict = replace(verdict, emergency=False, self_harm=False, self_harm_likely=False)
    score = None if verdict is None else verdict.p_emergency
    learned_hit = verdict is not None and (verdict.emergency or verdict.self_harm)
    flags = list(rules)
    if learned_hit and not flags and not verdict.self_harm:
        flags.append(verdict.category)
    if verdict is not None and "self_harm" not in flags and _reads_as_self_harm(verdict, flags):
        if rules and (_about_someone_else(question) or _a_childs_ingestion(question, rules)):
            # Round 10: someone else is in danger and the rules found what (an unresponsive flatmate, a friend's
            # overdose): call-now and first aid lead, the crisis lines follow.
            flags.append("self_harm")
        else:
            flags.insert(0, "self_harm")  # self-harm wins over whatever else the message asks
    if not flags:
        return TriageResult(score=score)
    source = "rule+learned" if rules and learned_hit else ("rule" if rules else "learned")
    return TriageResult(True, flags[0] == "self_harm", flags, emergency_message(flags), flags[0], source, score)


#: Another person named as the one it is happening to, and the writer never the subject ("won't answer me" is
#: about the flatmate; "I took ..." is about the writer).
_SOMEONE_ELSE = re.compile(r"\b(my|our|a|the) (flatmate|roommate|housemate|friend|mate|partner|husband|wife|boyfriend|"
                           r"girlfriend|dad|father|mum|mom|mother|nan|gran|grandad|grandpa|grandma|son|daughter|"
                           r"brother|sister|neighbour|neighbor|colleague|uncle|aunt|toddler|baby|kid|child)\b")
_FIRST_PERSON = re.compile(r"\b(i|im|ive|id|myself)\b")
#: The writer as a witness, not the subject (round 11, fresh10 dev: "she's jerking and her lips are going blue and I
#: don't know how long it's been"): what they know, found, did or feel about someone else's emergency.
_WRITER_AS_WITNESS = re.compile(r"\b(i|im|ive) (dont|do not|cant|cannot|didnt) (know|tell|see|remember|wake|get)\b|"
                                r"\b(i|ive) (think|thought|found|just found|called|rang|phoned|came home|got home|"
                                r"walked in)\b|\b(im|i am) (worried|scared|panicking|freaking out|terrified|with (him|her)|"
                                r"on the phone)\b")


def _about_someone_else(question: str) -> bool:
    """The message is about another person and the writer is never its subject ("my flatmate is on the floor
    and won't answer me"). Measured on round 10's out-of-fold scores as the condition for a model-only self-harm reading
    beside a rule's flag: 2 third-party self-harm messages (a friend's overdose, a roommate's deep cut) get the
    first aid before the crisis lines, which still follow; 2 other emergencies wrapped in a prescription question
    (a girlfriend's overdose, a husband's knife wound) are no longer opened with the crisis lines."""
    text = _WRITER_AS_WITNESS.sub(" ", " ".join(normalize(question)))
    return bool(_SOMEONE_ELSE.search(text)) and not _FIRST_PERSON.search(text)


#: The writer saying they took something themselves ("I took", "I've swallowed"): their own ingestion, not a child's.
_WRITER_TOOK = re.compile(r"\b(i|ive|i have|id|i had) (just )?(took|taken|swallowed|ate|eaten|drank|drunk|had|downed|"
                          r"necked|overdosed|od)\b")


#: A young child: a toddler, baby or grandchild, or an age of 12 or under; an age of 13 or more is a teenager, whose
#: swallowed tablets may well be self-harm ("my 16 year old has locked herself in and swallowed a lot of tablets").
_YOUNG_WORD = re.compile(r"\b(toddler|toddlers|baby|babys|infant|little one|grandson|granddaughter|grandkid|"
                         r"grandchild|nephew|niece)\b")
#: An age in years ("16 yo", "3 year old", "my son 17", "he's 3"); in months or weeks only with "old" (else a
#: duration: "on it for 3 weeks").
_AGE_YEARS = re.compile(r"\b(\d{1,2}) ?(?:yo|y o|yr|yrs|year|years)\b|\b(?:grandson|granddaughter|son|daughter|boy|"
                        r"girl) (\d{1,2})\b|\b(?:hes|shes|he is|she is) (\d{1,2})\b")
_AGE_BABY = re.compile(r"\b\d{1,2} (month|months|week|weeks|day|days) old\b")


def _young_child(text: str) -> bool:
    years = [int(next(g for g in m.groups() if g)) for m in _AGE_YEARS.finditer(text)]
    if any(n >= 13 for n in years):
        return False
    return bool(_YOUNG_WORD.search(text) or _AGE_BABY.search(text)) or any(n <= 12 for n in years)


def _a_childs_ingestion(question: str, rules: list[str]) -> bool:
    """The rules found a poisoning or overdose in a message about a young child, and the writer does not say they
    took anything ("grandson (2) ... I think he's eaten two of my digoxin"): a model-only self-harm reading there
    follows the call-now line and the poisoning first aid instead of opening the answer (round 11, fresh10 dev).
    A teenager is not a young child, and a rule's self-harm intent always leads."""
    text = " ".join(normalize(question))
    return bool({"poisoning", "overdose"} & set(rules)) and _young_child(text) and not _WRITER_TOOK.search(text)


def _reads_as_self_harm(verdict, flags: list[str]) -> bool:  # verdict: LearnedVerdict
    """The head is sure of self-harm, or an overdose / poisoning is flagged and the head finds self-harm likely
    ("I've written letters to my family, how many sleeping pills would ..."): the crisis text must come first,
    never a dose. Round 9 measured any flag instead of these two: on out-of-fold scores 2 more of 659 self-harm
    emergencies got the crisis text and 26 other rows did too, among them an unconscious flatmate whose answer
    would then open with the crisis lines instead of "call emergency services now" — not adopted."""
    drugs = {"overdose", "poisoning"} & set(flags)
    return verdict.self_harm or bool(drugs and verdict.self_harm_likely)


def _learned(question: str):  # -> LearnedVerdict | None
    """The learned layer's verdict, or None (logged once) when its head or the encoder is missing: the rules
    alone still answer."""
    from medtune.chat.triage_learned import learned_verdict

    try:
        return learned_verdict(question)
    except Exception as exc:  # noqa: BLE001 - triage must answer even without the encoder
        _warn_once(f"triage's learned layer is off ({exc}); rules alone are used")
        return None


_WARNED: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _WARNED:
        _WARNED.add(message)
        log.warning(message)


def emergency_message(flags: list[RedFlag] | list[str]) -> str:
    """The crisis text first when self-harm leads `flags`, then the call-now line and each flag's advice; self-harm
    later in `flags` (someone else's, `triage`) puts the crisis text after the advice."""
    names = [f.name if isinstance(f, RedFlag) else f for f in flags]
    lines: list[str] = []
    if names[:1] == ["self_harm"]:
        lines += CRISIS_LINES
    others = [n for n in names if n != "self_harm"]
    if others:
        lines.append("This could be a medical emergency. Call emergency services now "
                     f"({EMERGENCY_NUMBERS}) or go to the nearest emergency department. Do not wait for an online "
                     "answer.")
        lines += [ADVICE[n] for n in others if n in ADVICE]
    if "self_harm" in names[1:]:
        lines += CRISIS_LINES
    return "\n\n".join(lines)
