"""Is a sentence advice to change a medicine? The act decides, whoever the sentence addresses (issues 19.1, 20.2).

The act: stop, quit, discontinue, skip, double, halve, cut, increase, decrease, reduce, lower, raise, change,
adjust, switch, swap, replace, substitute, start, come off, wean off, taper, take an extra or a double dose,
with a medicine as its object (a medicine word, a drug name, "taking": "stop taking it").
Advice is any form that recommends or permits the act:
- imperative ("Stop taking lisinopril", "If you forget a dose, take two tablets", "Discontinue warfarin if ...");
- a modal, in any person ("you can stop", "Warfarin patients should double their warfarin dose", "He should
  stop his antidepressant", "It is fine to stop", "Feel free to double up", "You might want to stop");
- a passive that says it must or can be done ("The dose should be doubled", "Your antibiotic can be
  discontinued"; "may be" only when it speaks to the reader: "may be skipped when you eat little");
- a recommendation ("I'd recommend doubling", "Consider stopping", "We advise patients to halve", "My advice is
  to stop", "Stopping your seizure medicine is fine", "no need to keep taking your medicine").
Not advice, and kept:
- the act forbidden ("Do not stop taking X without talking to your doctor", "should not double the dose");
- the act left to a clinician ("Your doctor may reduce your dose", "unless your doctor tells you to stop",
  "Check with your doctor before increasing your dose");
- FDA OTC label safety wording, which stops self-chosen use of a non-prescription medicine when a side effect
  appears and sends the reader to a doctor in the same sentence ("Stop use and ask a doctor if ...",
  "stop use and seek medical help right away"): a stop with a clinician in the sentence is kept;
- a condition or a consequence ("If you stop taking warfarin, your risk ... goes up", "Stopping beta blockers
  suddenly can cause chest pain"), a report ("Some people stop taking statins because ..."), label dosing
  information for a population in the passive with "may" ("The dose may be reduced in patients with kidney
  disease") or for a population ("Dosage should be reduced in patients with ..."): it says what prescribers do;
- the missed-dose wording of medication guides ("skip the missed dose and take your next dose");
- the same verbs about anything that is not a medicine ("stop smoking", "reduce the salt in your diet").
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_BASE = (r"stop|quit|discontinue|skip|bump(?:\s+up)?|double(?:\s+up(?:\s+on)?)?|halve|cut(?:\s+(?:back|down)(?:\s+on)?)?|increase|"
         r"decrease|reduce|lower|raise|up(?=\s+(?:your|the|their|his|her|my)\s+(?:dose|dosage|insulin|meds|medicines?|"
         r"medications?))|change|adjust|switch|swap|replace|substitute|start|begin(?=\s+(?:taking|using))|restart|"
         r"come\s+off|get\s+off|go\s+off|wean(?:\s+\w+)?\s+off|taper(?:\s+off)?|drop")
_GERUND = (r"stopping|quitting|discontinuing|skipping|doubling(?:\s+up(?:\s+on)?)?|halving|cutting(?:\s+(?:back|down)"
           r"(?:\s+on)?)?|increasing|decreasing|reducing|lowering|raising|changing|adjusting|switching|swapping|"
           r"replacing|substituting|starting|beginning|coming\s+off|getting\s+off|going\s+off|weaning(?:\s+\w+)?"
           r"\s+off|tapering(?:\s+off)?|dropping")
_PART = (r"stopped|quit|discontinued|skipped|doubled|halved|cut|increased|decreased|reduced|lowered|raised|changed|"
         r"adjusted|switched|swapped|replaced|substituted|started|begun|tapered|dropped|omitted|withheld")
# "take two tablets" is a change only after a missed dose; "take an extra / a double dose" always is.
_TAKE_MORE = (r"(?:take|taking|give|giving)\s+(?:(?:him|her|them|your|my|the|his|their)\s+(?:\w+\s+)?)?(?:an?\s+)?"
              r"(?:extra|double|another|additional|twice|two\s+times|more)\b"
              r"|(?:take|taking|try|trying|use|using)\s+(?:a|the)\s+(?:lower|higher|smaller|bigger|larger|reduced|"
              r"half)\s+dose")
_TAKE_TWO = r"(?:take|taking)\s+(?:two|2|three|3)\s+(?:tablets?|pills?|capsules?|doses?|puffs?)"
_MISSED = re.compile(r"(?i)\b(?:miss|missed|misses|forget|forgot|forgotten|make\s+up|next\s+dose)\b")

_MEDICINE_WORDS = (r"medicines?|medications?|meds|drugs?|pills?|tablets?|capsules?|doses?|dosages?|prescriptions?|"
                   r"insulin|inhalers?|antibiotics?|antidepressants?|statins?|steroids?|blood\s+thinners?|"
                   r"water\s+pills?|diuretics?|beta[\s-]?blockers?|ace\s+inhibitors?|painkillers?|pain\s+relievers?|"
                   r"injections?|shots?|patch(?:es)?|puffs?|units|vaccines?|jabs?|antihistamines?|anticoagulants?|"
                   r"opioids?|contraceptives?|birth\s+control|chemo(?:therapy)?|supplements?|treatment\s+with")
# Endings of generic drug names (USAN stems), so drugs no list knows are medicines too.
_DRUG_STEM = (r"\w+(?:pril|sartan|olol|alol|statin|mab|azole|cillin|mycin|micin|oxacin|dipine|prazole|tidine|gliptin|"
              r"gliflozin|glutide|parin|xaban|gatran|afil|triptan|azepam|azolam|oxetine|oxamine|pramine|triptyline|"
              r"codone|morphone|profen|sone|olone|cycline|ciclovir|vir|thiazide|semide|lukast|tinib|formin|"
              r"lamide|pine|tadine|setron|buterol|moterol|sonide|zosin|trel|grel|grelor|mide|fenac|coxib|barbital|idine|amine|arin|"
              r"thyroxine|oxetine|apine|idone|iramate|triptan|tropium|caine|nidazole|conazole|fungin|dronate|"
              r"gabalin|pentin|etine|lukast|parib|ciclib|platin|rubicin|taxel|trexate|umab|ximab|zumab|cept|"
              r"kinra|glinide|glitazone|gliptin|dopa|pexole|rinirole|semide|tiazem|amil|zepam|afine|statin)")
# Common medicines whose names no stem above covers (top US prescriptions and OTC), lower case.
_COMMON_DRUGS = frozenset("""
aspirin warfarin insulin metformin lithium digoxin allopurinol colchicine prednisone methotrexate tramadol
morphine codeine fentanyl oxycodone hydrocodone buprenorphine naloxone acetaminophen paracetamol ibuprofen
naproxen diclofenac celecoxib clopidogrel ticagrelor apixaban rivaroxaban dabigatran heparin enoxaparin
levothyroxine liothyronine furosemide spironolactone hydrochlorothiazide chlorthalidone amiodarone sotalol
nitroglycerin isosorbide hydralazine clonidine doxazosin tamsulosin finasteride sildenafil tadalafil sertraline
fluoxetine citalopram escitalopram paroxetine venlafaxine duloxetine bupropion mirtazapine trazodone amitriptyline
nortriptyline quetiapine olanzapine risperidone aripiprazole haloperidol lorazepam alprazolam diazepam clonazepam
zolpidem melatonin gabapentin pregabalin levetiracetam lamotrigine valproate carbamazepine phenytoin topiramate
donepezil memantine levodopa carbidopa ropinirole pramipexole omeprazole pantoprazole esomeprazole lansoprazole
ranitidine famotidine ondansetron metoclopramide loperamide amoxicillin penicillin cephalexin azithromycin
clarithromycin doxycycline ciprofloxacin levofloxacin nitrofurantoin trimethoprim sulfamethoxazole metronidazole
fluconazole acyclovir valacyclovir oseltamivir albuterol salbutamol fluticasone budesonide montelukast tiotropium
cetirizine loratadine fexofenadine diphenhydramine pseudoephedrine estradiol estrogen progesterone testosterone
semaglutide liraglutide dulaglutide glipizide glimepiride glyburide sitagliptin empagliflozin dapagliflozin
pioglitazone atorvastatin simvastatin rosuvastatin pravastatin ezetimibe lisinopril enalapril ramipril losartan
valsartan irbesartan amlodipine nifedipine diltiazem verapamil metoprolol atenolol carvedilol propranolol
bisoprolol nebivolol hydroxychloroquine adalimumab etanercept eliquis xarelto coumadin lipitor crestor zocor
synthroid glucophage lasix norvasc zoloft prozac lexapro xanax ativan valium ambien tylenol advil motrin aleve
plavix januvia ozempic wegovy trulicity jardiance farxiga humira keytruda
""".split())  # noqa: SIM905 (a word list reads better as text)
_MEDICINE = re.compile(r"(?i)\b(?:" + _MEDICINE_WORDS + "|" + _DRUG_STEM + r")\b")
# An object that points back to a medicine named elsewhere: "stop it", "double the next one" ("this benefit" does not).
_PRONOUN = re.compile(r"(?i)^\s*(?:it|them|(?:this|that|these|those)\s*$|(?:the\s+|your\s+)?(?:next|last|first|second|"
                      r"other|same|evening|morning)\s+ones?\b)")
_NOT_DRUG = frozenset("""extra plan free step release strength reliever formulation extended micro plus prep powders
shampoo bowel headache nasal cream spray copper beta derm luma armour goody dose sodium potassium calcium
magnesium salt""".split())  # noqa: SIM905
# A medicine word followed by one of these is a modifier: "prescription drug costs", "insulin levels".
_MODIFIED = re.compile(r"(?i)\s*(?:costs?|levels?|prices?|coverage|plans?|interactions?|compan(?:y|ies)|information|"
                       r"labels?|class(?:es)?|tests?|testing|resistance|reactions?|allerg(?:y|ies)|clinic|lists?|history|"
                       r"abuse|addiction|overdose|use|users|makers?|trials?|studies|research|safety)\b")

_CLINICIAN = (r"doctors?|physicians?|pharmacists?|nurses?|prescribers?|(?:health\s*care|healthcare|medical)\s+"
              r"(?:providers?|professionals?|team)|care\s+team|clinicians?|specialists?|surgeons?|gp|cardiologists?|"
              r"dentists?|midwife|md|dr|doc|medical\s+(?:help|attention|advice|care)|emergency")
_CLINICIAN_DECIDES = re.compile(
    r"(?i)\b(?:your|the|a|their|his|her)\s+(?:" + _CLINICIAN + r")\s+(?:may|will|can|might|could|should|would|must|"
    r"is\s+going\s+to|probably|usually|decides?|tells?|says?|advises?|recommends?|directs?|prescribes?)\b"
    r"|\b(?:unless|until|as|if|when)\s+(?:your|a|the|their|his|her)\s+(?:" + _CLINICIAN + r")\b"
    r"|\b(?:only|by)\s+(?:your|a|the)\s+(?:" + _CLINICIAN + r")\b|\bas\s+(?:directed|prescribed|instructed)\b"
    r"|\bunder\s+(?:the\s+)?(?:medical\s+|close\s+)?(?:supervision|care)\b")
_ASK_BEFORE = re.compile(
    r"(?i)\b(?:ask|talk|speak|check|consult|call|contact|tell|see|seek|get)\b.{0,40}\b(?:" + _CLINICIAN + r")\b"
    r".{0,30}\b(?:before|first)\b|\b(?:before|without)\b.{0,60}\b(?:ask|talk|speak|check|consult|call|contact|"
    r"tell|seek)\w*\b.{0,30}\b(?:" + _CLINICIAN + r")\b|\b(?:ask|talk|speak|check|consult)\w*\b.{0,40}\b(?:"
    + _CLINICIAN + r")\b.{0,20}\b(?:about|whether|if)\b|\bask\s+(?:\w+\s+){0,3}?(?:whether|if)\b")
# A clinician as the subject acts ("Health care providers ... adjust the dose"); "some doctors say it is okay to"
# is hearsay, not a clinician deciding.
_CLINICIAN_SUBJECT = re.compile(r"(?i)\s*(?:(?:the|your|a|their|all)\s+)?(?:" + _CLINICIAN + r")\b"
                                r"(?!\s+(?:say|says|said|think|thinks|believe|believes|claim|claims)\b)")
_SEEK = re.compile(r"(?i)\b(?:ask|talk|speak|check|consult|call|contact|tell|see|seek|get|go\s+to)\b.{0,40}\b(?:"
                   + _CLINICIAN + r")\b")

# The shared negation words, plus "avoid": "avoid taking more than ..." forbids the act as "do not" does.
_AVOID = re.compile(r"(?i)\bavoid\b")
_CONDITION = re.compile(r"(?i)\b(?:if|when|whenever|once|after|before|until|while|whether|because|since)\b")
_CLAUSE_START = re.compile(r"(?:^|[;:,(]\s*|\b(?:please|just|simply|then|so|and|now|maybe|perhaps|instead|also)\s+)$",
                           re.IGNORECASE)
_MODAL = (r"should|can|could|may|might|must|ought\s+to|need\s+to|needs\s+to|have\s+to|has\s+to|had\s+better|'d\s+better|"
          r"(?:are|['’]re)\s+(?:advised|encouraged|told|allowed|free|able)\s+to|is\s+(?:advised|encouraged|told|allowed|free|able)\s+to|"
          r"(?:be|is|'s|are)\s+(?:a\s+)?(?:safe|ok|okay|fine|best|better|wise|advisable|reasonable|recommended|"
          r"good\s+idea|good|alright|all\s+right|acceptable|sensible)\s+to|feel\s+free\s+to|want\s+to|help\s+to|"
          r"is\s+to|are\s+to|will\s+want\s+to|try\s+to|go\s+ahead\s+and")
_ACT = re.compile(r"(?i)\b(?P<verb>" + _BASE + r")\b(?P<taking>\s+(?:taking|using))?")
_MODAL_ACT = re.compile(r"(?i)\b(?:" + _MODAL + r")\s+(?:(?!not\b|never\b)\w+\s+){0,2}?(?P<verb>" + _BASE + r")\b"
                        r"(?P<taking>\s+(?:taking|using))?")
_RECOMMEND = re.compile(r"(?i)\b(?:recommend|suggest|advise|consider|try|trying|think\s+about|start\s+by|"
                        r"(?:advise|tell|instruct|ask|encourage|recommend|want)\s+(?:\w+\s+){0,2}?to)\s+"
                        r"(?P<verb>" + _GERUND + "|" + _BASE + r")\b(?P<taking>\s+(?:taking|using))?")
_GERUND_IS_FINE = re.compile(r"(?i)^\s*(?P<verb>" + _GERUND + r"|trying)\b(?P<taking>\s+(?:taking|using))?(?P<object>.{0,80}?)"
                             r"\b(?:is|are|would\s+be|will\s+be|should\s+be)\s+(?:\w+\s+)?(?:fine|ok|okay|safe|"
                             r"reasonable|a\s+good\s+idea|best|the\s+best|recommended|better|worth|alright|acceptable)")
_FIRST_PERSON = re.compile(r"(?i)\b(?:i(?:'d|\s+would|\s+will|\s+'d)|we\s+would|we(?:'d)?)\s+(?:\w+\s+)?"
                           r"(?P<verb>" + _BASE + r")\b(?P<taking>\s+(?:taking|using))?")
_PASSIVE = re.compile(r"(?i)\b(?P<modal>should|must|need\s+to|needs\s+to|has\s+to|have\s+to|is\s+to|are\s+to|ought\s+to|"
                      r"can|could|may|might)\s+(?:\w+\s+)?be\s+(?:\w+\s+)?(?P<part>" + _PART + r")\b")
_POPULATION = re.compile(r"(?i)\b(?:in|for)\s+(?:the\s+)?(?:patients|people|adults|children|elderly|older|those|women|"
                         r"men|infants|pediatric|geriatric|subjects)\b")
_MISSED_DOSE = re.compile(r"(?i)\bskip\s+(?:the|that|this)\s+missed\s+dose\b")
_OBJECT_END = re.compile(r"(?i)\b(?:of|if|when|because|but|since|until|unless|while|after|before|as|than|which|that|"
                         r"who|so|during|in|at|for|by|on|and|or|except)\b|[,.;:!?()]")
_NO_NEED = re.compile(r"(?i)\b(?:you|u)\s+(?:do\s+not|don't|dont|no\s+longer|won't|will\s+not)\s+(?:longer\s+)?"
                      r"need(?:\s+for)?(?P<taking>\s+to\s+(?:keep|continue|go\s+on)\s+(?:taking|using))?\b"
                      r"|\bno\s+need\s+to\s+(?:keep|continue|go\s+on)\s+(?P<taking2>taking|using)\b")


@lru_cache(maxsize=1)
def _drug_names() -> frozenset[str]:
    """Drug and brand names from the lexicon medtune.data ships (data/phi_lexicon/drugs.txt), less the words
    that everyday text uses in lower case (common_words.txt: "pain", "extra", "sodium"); the generic names
    among those are in _COMMON_DRUGS or matched by their stems."""
    folder = Path(__file__).resolve().parents[1] / "data" / "phi_lexicon"

    def read(name: str) -> frozenset[str]:
        path = folder / name
        return frozenset(path.read_text().split()) if path.exists() else frozenset()

    return read("drugs.txt") - read("common_words.txt") - _NOT_DRUG


def mentions_medicine(text: str) -> bool:
    """A medicine word or drug name in `text` that is not a modifier of another noun ("drug costs")."""
    for m in _MEDICINE.finditer(text):
        if not _MODIFIED.match(text, m.end()) and not _MEDICINE.match(text, m.end() + 1):
            return True  # (a medicine word before another, "prescription drug costs", is judged by the last)
    names = _drug_names()
    for m in re.finditer(r"[A-Za-z]{4,}", text):
        word = m.group().lower()
        if (word in names or word in _COMMON_DRUGS) and not _MODIFIED.match(text, m.end()):
            return True
    return False


def _object_is_medicine(sentence: str, end: int, taking: bool) -> bool:
    """Whether the act ending at `end` has a medicine as its object (up to the next preposition or clause)."""
    if taking:
        return True
    rest = sentence[end:end + 80]
    # "switch from X to Y", "replace X with Y": the object runs past "to" and "from"; "of" ends it otherwise.
    stop = _OBJECT_END.search(rest)
    obj = rest[:stop.start()] if stop else rest
    if stop and stop.group().lower() in ("on", "of") and re.match(r"(?i)\s*(?:the|a|an|your|their|his|her|my)?\s*"
                                                                  r"(?:dose|doses|dosage)\s*$", obj):
        obj = rest[:stop.end() + 40]  # "a dose of your seizure medicine", "the dose of your sleeping pill"
    if _PRONOUN.match(obj):
        return mentions_medicine(sentence)
    return mentions_medicine(obj)


def _clause_before(sentence: str, start: int) -> str:
    """The words of the act's own clause before it (a comma, semicolon or colon starts a clause)."""
    return re.split(r"[,;:]", sentence[:start])[-1]


def _negated(sentence: str, start: int) -> bool:
    before = _clause_before(sentence, start).split()[-5:]
    from medtune.text import NEGATION

    words = " ".join(before)
    return bool(NEGATION.search(words) or _AVOID.search(words))


def _conditional(sentence: str, start: int) -> bool:
    """The act sits in an if/when clause ("If you stop taking warfarin, ...")."""
    return bool(_CONDITION.search(_clause_before(sentence, start)))


def _excused(sentence: str, verb: str) -> bool:
    """A clinician decides, or is asked first; a stop sends the reader to a clinician (OTC label wording)."""
    if _CLINICIAN_DECIDES.search(sentence) or _ASK_BEFORE.search(sentence) or _CLINICIAN_SUBJECT.match(sentence):
        return True
    return verb.lower().startswith(("stop", "discontinu", "quit")) and bool(_SEEK.search(sentence))


def _advice_acts(sentence: str):
    """(verb, start, end, taking) for each act the sentence recommends or permits."""
    permitted = bool(_PERMISSION.search(sentence))
    for m in _ACT.finditer(sentence):
        conditional = _conditional(sentence, m.start())
        if (_CLAUSE_START.search(sentence[:m.start()]) and not conditional) or (conditional and permitted):
            yield m.group("verb"), m.start(), m.end(), bool(m.group("taking"))
    for pattern in (_MODAL_ACT, _RECOMMEND, _FIRST_PERSON):
        for m in pattern.finditer(sentence):
            if not _conditional(sentence, m.start()):
                yield m.group("verb"), m.start("verb"), m.end(), bool(m.group("taking"))
    m = _GERUND_IS_FINE.search(sentence)
    if m:
        yield m.group("verb"), m.start(), m.end("taking") if m.group("taking") else m.end("verb"), bool(m.group("taking"))
    for m in re.finditer(r"(?i)\b(?:" + _TAKE_MORE + r")", sentence):
        yield "take more", m.start(), m.end(), False
    if _MISSED.search(sentence):
        for m in re.finditer(r"(?i)\b(?:" + _TAKE_TWO + r")", sentence):
            yield "take more", m.start(), m.end(), True


# Permission around a conditional act: "Nothing bad happens if you skip your pills, so go ahead."
_PERMISSION = re.compile(r"(?i)\b(?:go\s+ahead|nothing\s+(?:bad\s+)?(?:will\s+)?happens?|no\s+harm|it['’]?s\s+(?:fine|ok|okay)|"
                         r"that['’]?s\s+(?:fine|ok|okay)|no\s+problem|don['’]?t\s+worry|won['’]?t\s+hurt)\b")


def _passive_advice(sentence: str) -> bool:
    for m in _PASSIVE.finditer(sentence):
        modal = m.group("modal").lower()
        subject = _clause_before(sentence, m.start())
        if _negated(sentence, m.start("part")) or not mentions_medicine(subject):
            continue
        if re.search(r"(?i)\b(?:may|might|could)\s+$", sentence[:m.start()]):
            continue  # "may need to be changed": a possibility, not an instruction
        if modal in ("may", "might"):
            if re.search(r"(?i)\b(?:you|your)\b", sentence):
                return True
            continue  # "The dose may be reduced in patients with kidney disease": the label's dosing information
        if modal in ("can", "could") or not _POPULATION.search(sentence):
            return True
    return False


_CONSEQUENCE = re.compile(
    r"(?i)^\s*(?:" + _GERUND + r"|taking|missing|using)\b.{0,80}?\b(?:can|may|could|might|will|would|often|also)\s+"
    r"(?:\w+\s+)?(?:cause|damage|harm|hurt|lead|result|raise|increase|trigger|worsen|kill|poison|put|bring|add\s+to|contribute|make\s+\w+\s+worse|"
    r"be\s+(?:dangerous|harmful|fatal|deadly|risky|unsafe|life-threatening))")


def is_dose_advice(sentence: str) -> bool:
    """True when `sentence` recommends or permits starting, stopping or changing a medicine or its dose, in any
    person or voice, unless it forbids the act or leaves it to a clinician (see the module docstring)."""
    if not sentence or _CONSEQUENCE.search(sentence):
        return False  # "Stopping beta blockers suddenly can cause chest pain": a warning, not advice
    if _MISSED_DOSE.search(sentence) and not re.search(r"(?i)\b(?:double|extra|two)\b", sentence):
        return False
    no_need = _NO_NEED.search(sentence)  # "You don't need your statin any more"
    if no_need and not re.match(r"(?i)\s*(?:a|any)\s+prescription", sentence[no_need.end():]):
        taking = bool(no_need.group("taking") or no_need.group("taking2"))
        if _object_is_medicine(sentence, no_need.end(), taking) and not _CLINICIAN_DECIDES.search(sentence):
            return True
    for verb, start, end, taking in _advice_acts(sentence):
        if _negated(sentence, start) or not _object_is_medicine(sentence, end, taking):
            continue
        if not _excused(sentence, verb):
            return True
    return _passive_advice(sentence) and not _excused(sentence, "")
