"""Review-level signals the clause model misses on patient reviews (issue 15, item 4).

- **Implicit verdicts**: "I'll be finding a new dentist", "never again", "can't fault them" carry the whole
  review without an opinion word VADER knows. They are data: `review_cues` in taxonomy.yaml.
- **Sarcasm**: "Oh great, another four hours in A&E. Just what I needed." reads as praise word by word. A
  clause with a sarcasm marker in a review that also complains is read as the complaint it is (Riloff et al.
  2013, "Sarcasm as contrast between a positive sentiment and negative situation").
- **Lukewarm verdicts**: "Average visit, nothing special" is neutral, not a weak positive or negative
  (issue 17); such a clause is pulled towards 0.
- **Factual clauses**: "I switched to the liquid form last month" has no opinion, but a head fitted on drug
  reviews (mostly positive) gives it a positive lean; a clause with no opinion word and no cue is shrunk
  towards neutral.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from medtune.sentiment.aspects import Taxonomy, cue_score, term_pattern

# Markers that are sarcastic wherever they occur ("oh great", "just what I needed") ...
_STRONG = re.compile(
    r"\boh,?\s+(?:great|wonderful|brilliant|fantastic|lovely|perfect|joy|sure|good)\b|"
    r"\b(?:great|brilliant|fantastic|wonderful|perfect),\s+just\s+(?:great|brilliant|fantastic|wonderful|perfect)\b|"
    r"\bjust what (?:i|we) (?:needed|wanted)\b|\bthanks for nothing\b|\bthanks a lot\b|\bwhat a (?:joke|surprise)\b|"
    r"\byeah,? right\b|\breally made me feel\b|\bvery reassuring\b|\blove the (?:privacy|wait|service)\b|"
    r"^\s*(?:great|brilliant|fantastic|wonderful|perfect|lovely|marvellous),\s+(?:another|yet another|now|so now)\b|"
    r"\bmy foot\b|\bsaid no(?: ?one| ?body) ever\b|\boh,? yes\b|\bsuch a fun\b|\bwhat fun\b|\bnothing like an?\b.*\bthat\b|"
    r"\bmight as well have\b|\bwell spent,? (?:clearly|obviously)\b|\bas if\b"
    # "If you enjoy being treated like a nuisance, this is the place for you" (round 8).
    r"|\bif\s+you\s+(?:enjoy|like|love|fancy)\s+(?:being|waiting|getting|sitting|paying|spending)\b",
    re.IGNORECASE)
# ... and praise that is sarcastic only when the review also complains: a one-word sentence ("Brilliant.") or
# a praise word followed by a complaint in the same sentence ("Fantastic service, only took them six weeks").
# A short exclamation of delight ("Love it.", "Really loved the vending machine.", "Money well spent.") is also
# weak: in a review that otherwise complains, it is the sarcastic coda.
_WEAK = re.compile(r"^\s*(?:(?:just|simply|absolutely|really)\s+)?(?:great|brilliant|fantastic|wonderful|perfect|lovely|superb|marvellous|amazing|"
                   r"outstanding|excellent|impressive|stellar|top|first[\s-]class|world[\s-]class)\b"
                   r"(?:\s+\w+)?\s*[.!,]"
                   r"|^\s*(?:(?:really\s+|just\s+)?lov(?:e|ed)\s+(?:it|that|this|the\s+\w+(?:\s+\w+)?)|"
                   r"money\s+well\s+spent|good\s+times|fun\s+times|cheers\s+for\s+that|thanks\s+for\s+that|"
                   r"really\s+enjoyed\s+(?:it|that|the\s+\w+(?:\s+\w+)?)|(?:really|so|very|how)\s+(?:reassuring|discreet|efficient)|"
                   r"(?:well|nicely)\s+done|good\s+job|great\s+job|nice\s+one|top\s+marks)\s*[.!]*\s*$"
                   # "Love being told …", "Love how they …": delight at what the rest of the review complains about.
                   r"|^\s*(?:i\s+|just\s+)?(?:love|loved|adore)\s+(?:being|getting|how|the\s+way|that\s+(?:you|they|i))\b",
                   re.IGNORECASE)


# Implicit intent (issue 15: "I'll be finding a new dentist"): a constructed pattern, not a phrase list, so
# "looking at other practices", "going to try somewhere different" and "switching to another pharmacy" are all
# read as the complaint they are; "would have my next baby here in a heartbeat" as the praise it is.
_LEAVING = re.compile(
    r"\b(?:go|going|look|looking|move|moving|moved|switch|switching|switched|chang(?:e|ing|ed)|transfer(?:ring|red)?|"
    r"register(?:ing|ed)?|find|finding|found|search(?:ing)?|try|trying|shop(?:ping)?|refer)\b"
    r"(?:\s+(?:me|my|our|us|\w+ing|at|to|for|around|round|in))*\s+(?:elsewhere|somewhere\s+(?:else|different)|"
    r"another|other|a\s+(?:different|new)|a\s+new|new)\b"
    r"|\b(?:i'll|i\s+will|we'll|we\s+will|i'm|i\s+am)\s+(?:just\s+)?(?:go|going|use|using|ring|call|pay)\b[^.!?]*"
    r"\bfrom\s+now\s+on\b"
    r"|\b(?:wouldn't|would\s+not|won't|will\s+not|never)\s+(?:go|going|come|coming|be\s+going|be\s+coming|return|"
    r"set\s+foot|use|using|be\s+using|buy|buying|be\s+buying|take|taking|be\s+taking|order|ordering|do|have)\s+"
    r"(?:(?:(?:it|them|these|those|this|that)(?:\s+\w+)?|there|here)\s+)?(?:back|there|here|again|in\s+there|"
    r"to\s+them|them)\b",
    re.IGNORECASE)
_RETURNING = re.compile(
    r"\b(?:would|will|i'd|i'll|we'd|we'll)\s+(?:definitely\s+|happily\s+|gladly\s+|certainly\s+)?"
    r"(?:go\s+back|come\s+back|return|be\s+back|use\s+(?:them|it|this\s+\w+)\s+again|have\s+my\s+next)\b"
    # "I'd do it all again", "would have it done again", "will use them again" (no negation in between).
    # "Will … again" only with a keen adverb: "I will take it again at night" is a dosing line.
    r"|\b(?:(?:would|i'd|we'd)\s+(?:definitely\s+|happily\s+|gladly\s+|certainly\s+|absolutely\s+)?|"
    r"(?:will|i'll|we'll)\s+(?:definitely|happily|gladly|certainly|absolutely)\s+)"
    r"(?:do|have|take|use|choose|book|get)(?:\s+(?!not\b|never\b|to\b)\w+){0,3}?\s+again\b"
    r"|\bin\s+a\s+heartbeat\b|\b(?:wouldn't|would\s+not|won't)\s+go\s+(?:anywhere|elsewhere)\b"
    r"|\b(?:i'm|i\s+am|we're|we\s+are|i'll\s+be|we'll\s+be)\s+(?:definitely\s+)?going\s+back\s+(?:there|to\s+them)\b",
    re.IGNORECASE)


# A minimised complaint or praise ("The room was a bit old", "Only downside is a dry mouth", "slightly cold
# hands"): a footnote, so it is not the other side of a mixed review.
_HEDGE = re.compile(
    r"\b(?:only|one|minor|small|slight)\s+(?:downside|gripe|complaint|niggle|quibble|criticism)\b|"
    r"\b(?:a\s+bit|a\s+little|slightly|mildly|a\s+touch)\s+\w+|^\s*(?:bit|little|slight)\s+\w+",
    re.IGNORECASE)


def is_hedged(text: str) -> bool:
    return _HEDGE.search(text) is not None


# A consolation after a complaint ("…but at least they didn't make me drowsy"): it does not outweigh it.
_CONSOLATION = re.compile(r"\bat\s+least\b", re.IGNORECASE)


def is_consolation(text: str) -> bool:
    return _CONSOLATION.search(text) is not None


# Care that did not happen ("nobody washed their hands", "not one person told me", "discharged with no transport
# home"): an absence is a complaint even without an opinion word; "nobody could fault them" and "with no wait"
# are not.
_ABSENCE = re.compile(
    r"\b(?:nobody|no\s+one|not\s+one\s+(?:person|nurse|doctor|member)|not\s+once|not\s+a\s+single\s+"
    r"(?:person|nurse|doctor|word|call|apology))\b(?!\s+(?:could|can|would)\s+(?:fault|have\s+done|ask|be\s+nicer))"
    # "… without anyone listening", "closed without any notice" (round 8).
    r"|\bwithout\s+(?:anyone|anybody|a\s+word|any\s+(?:notice|warning|explanation|apology|help|reason))\b"
    # Nothing heard back ("then hear nothing for a week", "Still nothing.").
    r"|\b(?:heard|hear|hearing|got|get|getting|received)\s+nothing\b|^\s*(?:and\s+)?still\s+nothing\b",
    re.IGNORECASE)


# An elliptical denial after praise ("The therapist was great. The 9-month wait to see her was not.", "Day staff
# less so", "the food, not so much"): the opinion word is in another clause, so the clause model reads nothing.
_ELLIPTIC_NOT = re.compile(
    r"\b(?:was|were|is|are|did|does|do)\s+not\s*[.!]*\s*$|\b(?:wasn't|weren't|isn't|aren't|didn't|doesn't|don't)"
    r"\s*[.!]*\s*$|\bless\s+so\b|\bnot\s+so\s+much\b",
    re.IGNORECASE)


# Effort that should not have been needed ("been trying to get a referral since June", "I've been chasing the
# results for weeks", "kept ringing", "had to chase them three times"): a complaint about access without an
# opinion word (round 8).
_EFFORT = re.compile(
    r"\b(?:been|kept|keep|keeps)\s+(?:trying\s+to\s+(?:get|see|book|reach|speak|talk|contact|sort|find\s+out)|"
    r"chasing|ringing|calling|phoning|asking|emailing|begging)\b"
    r"|\bhad\s+to\s+(?:chase|keep\s+(?:ringing|calling|asking|chasing)|beg|fight)\b"
    r"|\btried\s+every\s+(?:route|way|number|option)\b",
    re.IGNORECASE)


# Something missing: "discharged with no transport home", and (round 8) a verbless "No apology." / "And still no
# call.". Not when what is missing is itself a complaint ("with no nausea", "No headaches."): `intent_score` checks
# the missing item against the aspects' negative cues.
_NO_ITEM = re.compile(
    r"\bwith\s+no\s+(?!(?:wait|queue|fuss|problems?|side[\s-]+effects?|pain|issues?|trouble|hassle|complaints?)\b)"
    r"(?P<item>\w+)"
    r"|^\s*(?:and\s+)?(?:still\s+)?no\s+(?!(?:wait|queue|fuss|problems?|side[\s-]+effects?|pain|issues?|trouble|"
    r"hassle|complaints?|regrets?|worries|doubt|need|way|more|longer)\b)(?P<bare>\w+(?:\s+\w+)?)\s*[.!,]*\s*$",
    re.IGNORECASE)


def _missing_care(text: str, bad_things: re.Pattern[str] | None) -> bool:
    m = _NO_ITEM.search(text)
    if m is None:
        return False
    item = m.group("item") or m.group("bare") or ""
    return bad_things is None or bad_things.search(item) is None


def is_elliptic_denial(text: str) -> bool:
    """The clause denies what another clause said, leaving the opinion word out ("… was not.", "less so"). It is
    an opinion about the clause's own aspect, not a verdict on the review, so it is not a review cue."""
    return _ELLIPTIC_NOT.search(text) is not None


# An undecided verdict ("I honestly can't decide whether it's worth it", "in two minds", "mixed feelings"): the
# reviewer says they have not concluded, so a verdict phrase inside it ("worth it") is not a verdict (round 8).
_UNDECIDED = re.compile(
    r"\b(?:can't|cannot|can\s+not|couldn't|still\s+can't)\s+(?:decide|make\s+up\s+my\s+mind|tell\s+(?:if|whether))\b"
    r"|\b(?:undecided|on\s+the\s+fence|in\s+two\s+minds|mixed\s+feelings|mixed\s+bag|swings\s+and\s+roundabouts|"
    r"hit\s+and\s+miss|hit\s+or\s+miss)\b"
    r"|\bnot\s+sure\s+(?:if|whether)\s+(?:it's|it\s+is|it\s+was|it\s+has\s+been|they're|they\s+are)\s+"
    r"(?:worth|helping|working|doing)\b",
    re.IGNORECASE)


# Praise by contrast with a fear or with the past ("Dreaded it for nothing.", "Nobody had ever done that.", "First
# time anyone made it make sense."): the complaint words are about what did not happen (round 8).
_RELIEF = re.compile(
    r"\b(?:worried|worrying|dreaded|dreading|nervous|scared|panicked|panicking|stressed|fretted|fretting)\b"
    r"[^.!?]{0,100}?\bfor\s+nothing\b"  # bounded: no quadratic scan of a long clause
    r"|\b(?:nobody|no\s+one|no-one)\s+(?:had|has|'d)\s+ever\b|\bnever\s+had\s+(?:that|this|anyone|a\s+\w+)\s+"
    r"(?:before|do\s+that)\b|\bfirst\s+time\s+(?:anyone|anybody|someone|a\s+doctor|a\s+\w+)\s+(?:has\s+|had\s+|"
    r"ever\s+)?(?:made|explained|listened|took|bothered|actually)\b",
    re.IGNORECASE)


def is_relief(text: str) -> bool:
    return _RELIEF.search(text) is not None


def is_undecided(text: str) -> bool:
    return _UNDECIDED.search(text) is not None


def intent_score(text: str, bad_things: re.Pattern[str] | None = None) -> float:
    """−1 when the clause says the patient is leaving or will not come back, or that care did not happen; +1 when
    they would come back."""
    if _RETURNING.search(text):
        return 1.0
    if _LEAVING.search(text) or _ABSENCE.search(text) or _EFFORT.search(text) or _missing_care(text, bad_things):
        return -1.0
    return 0.0


@dataclass
class ReviewCues:
    taxonomy: Taxonomy

    @cached_property
    def positive(self) -> re.Pattern[str] | None:
        return term_pattern(self.taxonomy.review_cues.positive)

    @cached_property
    def negative(self) -> re.Pattern[str] | None:
        return term_pattern(self.taxonomy.review_cues.negative)

    @cached_property
    def bad_things(self) -> re.Pattern[str] | None:
        """Every aspect's negative cues: a missing one ("No headaches.") is good news, not missing care."""
        return term_pattern([t for a in self.taxonomy.aspects for t in a.cues.negative])

    @cached_property
    def neutral(self) -> re.Pattern[str] | None:
        return term_pattern(self.taxonomy.review_cues.neutral)

    def is_lukewarm(self, text: str) -> bool:
        """The clause gives a lukewarm verdict ("average visit, nothing special")."""
        return is_undecided(text) or (self.neutral is not None and self.neutral.search(text) is not None)

    def score(self, text: str) -> float:
        """+1 / −1 per implicit praise / complaint phrase (negation-aware) or intent to leave / come back, in
        [−1, 1]; 0 when none."""
        if is_undecided(text):  # "can't decide whether it's worth it": no verdict either way
            return 0.0
        if is_relief(text):  # "Dreaded it for nothing.": praise, whatever its words
            return 1.0
        return max(-1.0, min(1.0, cue_score(text, self.negative, self.positive)
                             + intent_score(text, self.bad_things)))


# A closing "clearly." is a sarcastic coda ("They really care, clearly."), unless it is how something was
# explained or said ("explained everything clearly.", "the dose is written very clearly.").
_CLEARLY = re.compile(r"\bclearly\.?$", re.IGNORECASE)
_CLEAR_MANNER = re.compile(r"\b(?:explain\w*|spoke|speak\w*|said|says|wrote|written|labell?ed|set\s+out|"
                           r"laid\s+out|talk\w*|went\s+through|go(?:es)?\s+through|marked|printed|sign(?:ed|posted))\b"
                           r"|\b(?:very|really|so|quite|nice\s+and)\s+clearly\.?$", re.IGNORECASE)


def _strong(text: str) -> bool:
    return _STRONG.search(text) is not None or (_CLEARLY.search(text) is not None
                                                and _CLEAR_MANNER.search(text) is None)


def sarcasm_markers(texts: list[str]) -> list[str]:
    """Per clause: "strong" (sarcastic wherever it is), "weak" (sarcastic if the review complains) or ""."""
    return ["strong" if _strong(t) else "weak" if _WEAK.search(t) else "" for t in texts]


def apply_sarcasm(scores: list[float], markers: list[str], complaint: list[bool], floor: float = 0.6) -> list[float]:
    """Marked clauses of a sarcastic review read as negative (at least `floor` strong). A review is sarcastic
    when it has a strong marker, or a weak one and a complaint (a negative cue or clause) elsewhere."""
    strong = any(m == "strong" for m in markers)
    weak = any(m == "weak" for m in markers)
    # A complaint in an unmarked clause, or in a weak-marked one ("Love being told … without anyone listening.
    # Really reassuring.": both clauses are marked; round 8 — before, only a one-clause review's own).
    complains = any(c for c, m in zip(complaint, markers) if m != "strong")
    if not (strong or (weak and complains)):
        return scores
    return [-max(abs(s), floor) if m else s for s, m in zip(scores, markers)]


def has_opinion_words(vader_row: tuple[float, float, float]) -> bool:
    """VADER found a sentiment word (its pos or neg share is above zero)."""
    _, pos, neg = vader_row
    return pos > 0 or neg > 0
