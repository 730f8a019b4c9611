"""Identifiers found by the words around them: names and towns that people write into a chat message.

A name has no shape a pattern can see, so it is found by its cue: "my name is ...", "I'm ...", "this is ...",
a relationship ("my son Tom"), a title ("dr patel"), a sign-off at the end ("Thanks, Mary Jones"). A town
follows "I live in", "I'm from" or a street address. What follows a cue is a name only when the word can
be one, judged with three word lists in `phi_lexicon/` (see its build.py): US Census first names and
surnames, and the words that medical and everyday English uses as ordinary lower-case words (the MedQuAD
answers and patient reviews of the shared data). So "I'm worried", "I'm 54", "this is normal", "my son has
a fever" and "I live in fear" lose nothing, while "i'm john carpenter" and "I'm from springfield" are found
in lower case too. Cues are strong or weak:

- strong ("my name is", a sign-off that ends the message): any word that is not a function word or a common
  word (the lists' everyday words) is taken, and a census name even when it is also a word ("my name is Will");
- weak ("I'm", "this is", "hi", a relationship, "named"): a census first name that is not also a common word,
  or a capitalised word that is a census first name or not a common word ("I'm Grace" yes, "I'm Worried" no).

After a first name, up to two more words join it when they are capitalised or census names ("John P. Carpenter").
Names after "Dr." are redacted too: a clinician's name points to a clinic and so to the patient. Eponyms in
disease names ("Parkinson's", "Crohn's") follow no cue and are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

Span = tuple[str, int, int]  # (kind, start, end)

_LEXICON = Path(__file__).resolve().parent / "phi_lexicon"

# Function words, and words that follow a cue without being a name ("thanks again", "hi doctor", "i'm in pain").
STOP = frozenset("""
a about above after again against all also am an and any are as at away back be because been before being
below between both but by can cannot could did do does doing done down during each either else even ever every
few for from further get gets getting go going got had has have having he her here hers herself him himself
his how i if in into is it its itself just like may me might mine more most much must my myself need never no
nor not now of off often on once one only or other our ours out over own please quite rather really same she
should since so some still such than that the their theirs them then there these they this those though
through to too under until up upon us very was we well were what when where whether which while who whom whose
why will with within without would yet you your yours yourself ok okay yes yeah hi hello hey dear thanks thank
thx sir madam doctor doc dr rx nurse everyone everybody all guys team lot advance kind best regards sincerely
cheers love monday tuesday wednesday thursday friday saturday sunday today tonight tomorrow yesterday morning
evening night january february march april may june july august september october november december am pm son
daughter husband wife mother father mom mum dad brother sister child baby kid friend
""".split())  # noqa: SIM905 (a word list reads better as text)
# First names that are everyday words too, which the corpus list does not catch (too rare in medical text).
AMBIGUOUS = frozenset("""
grace bill frank june april august jack pat sue guy dean earl art autumn sunny penny king wade drew gay hunter
mason price rusty sky lane bell case cole sage river rocky lucky destiny precious happy marina trinity
""".split())  # noqa: SIM905 (a word list reads better as text)
# Capitalised words that follow "I'm" without being names: nationalities, ethnicities, faiths.
NOT_NAMES = frozenset("""
hispanic latino latina latinx black white asian african american caucasian jewish muslim christian catholic
protestant mormon hindu sikh buddhist indian native mexican chinese japanese korean filipino vietnamese
european british english irish scottish welsh canadian australian german french italian spanish polish russian
arab arabic persian middle eastern type vegan vegetarian
""".split())  # noqa: SIM905 (a word list reads better as text)
NOT_PLACES = frozenset("""
us usa america uk britain england scotland wales ireland canada australia nz zealand india china japan mexico
germany france italy spain europe africa asia philippines nigeria pakistan brazil russia states country
alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii idaho illinois
indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota mississippi missouri
montana nebraska nevada hampshire jersey mexico carolina dakota ohio oklahoma oregon pennsylvania rhode
tennessee texas utah vermont virginia wisconsin wyoming
dc
misery pain fear agony denial hope peace comfort terror dread shame silence isolation poverty limbo hell
""".split())  # noqa: SIM905 (a word list reads better as text)
PLACE_PREFIX = frozenset("""
new san los las saint st fort port north south east west upper lower lake mount mt el la des baton palm grand
long salt santa glen cape
""".split())  # noqa: SIM905 (a word list reads better as text)
_TOKEN = re.compile(r"[A-Za-z](?:[A-Za-z'’-]*[A-Za-z'’])?\.?(?![\d-])")  # "jan10" and "Gikas-" are no names
_INITIAL = re.compile(r"(?!I$)[A-Z]\.?$")  # "J." or "P"; the pronoun "I" is not an initial


@lru_cache(maxsize=1)
def lexicon() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(first names, surnames, common words and drug names), read once."""
    def read(name: str) -> frozenset[str]:
        return frozenset((_LEXICON / name).read_text().split())

    return read("first_names.txt"), read("surnames.txt"), read("common_words.txt") | read("drugs.txt")


_CONTRACTION = re.compile(r"n't$|'(?:re|ve|ll|d|m)$")
_VERB_ENDING = re.compile(r"(?:s|ed|ing|ly)$")


def _squeeze(word: str) -> str:
    """ "soo" -> "so", "plzzz" -> "plz": a stretched function word is still one."""
    return re.sub(r"(.)\1+", r"\1", word)


def _base(token: str) -> str:
    word = token.rstrip(".").lower().replace("’", "'")
    return word[:-2] if word.endswith("'s") else word.strip("'-")


def _is_capitalised(token: str) -> bool:
    """Title case only: an all-capitals word ("COPD", "ER", "ASAP") is an acronym, or a shouted message, and
    says nothing about being a name."""
    letters = [c for c in token if c.isalpha()]
    return token[:1].isupper() and not (len(letters) > 1 and all(c.isupper() for c in letters))


def accepts(token: str, mode: str) -> bool:
    """Whether `token`, right after a cue of strength `mode`, can be a name (or, for "place", a town)."""
    first, last, common = lexicon()
    base = _base(token)
    if mode in ("next", "strong-next") and _INITIAL.match(token):
        return True
    if not base or base in STOP or len(base) < 2 or _CONTRACTION.search(base) or _squeeze(base) in STOP:
        return False
    if "-" in base and any(part in NOT_NAMES for part in base.split("-")):
        return False  # "Irish-Italian-German-Dutch"
    if mode == "strong":
        acronym = token.isupper() and len(base) > 1
        return base in first or base in last or (base not in common and not acronym)
    if mode == "weak":
        listed = base in first and base not in common and base not in AMBIGUOUS
        return listed or (_is_capitalised(token) and (base in first or (base not in common and base not in NOT_NAMES)))
    if mode == "relation":  # "my son ...": a word that is not an everyday word is a name ("my brother kenji"),
        # unless it looks like a verb ("my daughter complains"); names ending so are in the census lists.
        if base in common or base in NOT_NAMES:
            return False
        return base in first or base in last or _is_capitalised(token) or not _VERB_ENDING.search(base)
    if mode == "intro":
        return base in first and (_is_capitalised(token) or (base not in common and base not in AMBIGUOUS))
    if mode == "strong-next":
        return _INITIAL.match(token) is not None or base in first or base in last or base not in common
    if mode == "listed":  # "named ...", "called ...": drugs and products are named too, so census names only
        return base in first and base not in common
    if mode == "title":  # after "dr", "mrs": a surname as often as a first name
        return (base in last or base in first or _is_capitalised(token)) and base not in common
    if mode == "next":  # the words after an accepted first word
        named = (base in first or base in last) and base not in AMBIGUOUS
        return (_is_capitalised(token) and (named or base not in common)) or (named and base not in common)
    if mode == "place":  # states and countries are allowed by Safe Harbor, and say little
        return base not in NOT_PLACES and (base not in common or (_is_capitalised(token) and base in last))
    raise ValueError(f"mode {mode!r}")


def _tokens(text: str, pos: int) -> Iterator[re.Match[str]]:
    """The words from `pos` on, each separated from the last by spaces only (a comma or a digit ends a name)."""
    while True:
        gap = re.compile(r"[ \t]*").match(text, pos)
        token = _TOKEN.match(text, gap.end())
        if token is None or (gap.end() == pos and pos > 0 and text[pos - 1].isalpha()):
            return
        yield token
        pos = token.end()


# After a strong cue ("my name is olga petrova") the words after the first are judged as strongly.
_NEXT_MODE = {"place": "place", "strong": "strong-next"}
_AFTER_NAME = frozenset({"is", "was", "has", "had", "keeps", "kept", "gets", "got", "says", "said", "who", "and",
                         "takes", "took", "needs"})
_MODALS = frozenset({"will", "would", "may", "might", "can", "could", "must", "shall", "should"})


def _named_relative(text: str, token: re.Match[str]) -> bool:
    """"my grandma rose is 96": a census first name that is also a word, right after a relative and followed by
    a verb of which it is the subject ("my husband will be" stays: "will" is a modal)."""
    first, _, _ = lexicon()
    base = _base(token.group())
    after = re.match(r"[ \t]*,?[ \t]*([A-Za-z']+)", text[token.end():])
    return (base in first and base not in _MODALS and base not in STOP and after is not None
            and after.group(1).lower() in _AFTER_NAME)


def take(text: str, pos: int, mode: str, max_words: int = 3) -> tuple[int, int] | None:
    """The span of the name (or town) starting at `pos`, or None when the first word cannot be one."""
    start = end = None
    pending = None  # a place prefix ("new", "san") waits for the word after it
    for n, token in enumerate(_tokens(text, pos)):
        if n >= max_words + (pending is not None):
            break
        word = token.group()
        first_word = start is None and pending is None
        if mode == "place" and first_word and _base(word) in PLACE_PREFIX:
            pending = token
            continue
        ok = accepts(word, mode if first_word else _NEXT_MODE.get(mode, "next"))
        if not ok and first_word and mode == "relation":
            ok = _named_relative(text, token)
        if not ok:
            break
        if start is None:
            start = (pending or token).start()
        end = token.end() - (1 if word.endswith(".") and not _INITIAL.match(word) else 0)
    if start is None or end is None:
        return None
    span = text[start:end]
    for suffix in ("'s", "’s"):
        if span.lower().endswith(suffix):
            end -= 2
    return start, end


RELATIVES = (r"son|daughter|husband|wife|partner|boyfriend|girlfriend|fiance|fiancee|fiancé|fiancée|spouse|"
             r"mother|mom|mum|mommy|mama|father|dad|daddy|papa|brother|sister|grandson|granddaughter|grandmother|"
             r"grandma|granny|grandfather|grandpa|child|kid|baby|toddler|boy|girl|friend|neighbou?r|aunt|uncle|"
             r"niece|nephew|cousin|stepson|stepdaughter|roommate|patient|client|twin")
_AGE_WORDS = r"(?:\d{1,2}|[a-z]+)[\s-]*(?:years?|yrs?|yr|months?|mos?|weeks?|wks?)[\s-]*old\s+"
_WHICH_NAME = r"(?:full\s+|first\s+|last\s+|real\s+|legal\s+|sur|given\s+)?"
# "name:" is a label, except in "generic name:", "brand name:" (drug labels and reviews).
_NAME_LABEL = r"(?<!generic\s)(?<!brand\s)(?<!drug\s)(?<!trade\s)(?<!product\s)(?<!chemical\s)name\s*[:=]"
# (mode, keywords: substrings every match contains, in lower case, cue, kind)
_CUES: list[tuple[str, tuple[str, ...], re.Pattern[str], str]] = [
    ("strong", ("name",), re.compile(
        r"(?i)\b(?:my|his|her|their|patient'?s?|the patient'?s?)\s+" + _WHICH_NAME
        + r"names?(?:\s+is|\s*'s|\s*’s)?\s*[:=-]?\s*"), "name"),
    ("strong", ("name", "call", "go by", "goes by"), re.compile(
        r"(?i)\b(?:[a-z]+['’]s\s+" + _WHICH_NAME + r"name\s+is"
        r"|(?:my|our|his|her)\s+(?:" + RELATIVES + r")['’]?s\s+" + _WHICH_NAME + r"name\s*(?:is|:)"
        r"|" + _NAME_LABEL + r"|i\s+am\s+called|i'?m\s+called|they\s+call\s+me|go(?:es)?\s+by(?:\s+the\s+name)?)\s*"),
     "name"),
    ("weak", ("'m", "’m", "`m", "i am", "iam", "im "), re.compile(
        r"(?:(?i:\bi\s*['’`]\s*m|\bi\s+am|\biam)|\b[Ii]m)\b[ \t]+"), "name"),
    ("weak", ("name",), re.compile(r"(?i)\bname[ \t]+(?=[A-Z])"), "name"),  # "female, name Joyce Bennett"
    # "This is Dilaudid", "it's Merck's": what follows these is as often a product as a person: census names only.
    ("intro", ("this is", "it's", "its ", "it is", "here", "call me"), re.compile(
        r"(?i)\b(?:this\s+is|it'?s|it\s+is|here\s+is|here'?s|call\s+me)\s+"), "name"),
    ("listed", ("named", "called", "name of"), re.compile(r"(?i)\b(?:named|called|by\s+the\s+name\s+of)\s+"), "name"),
    ("weak", ("hi ", "hi,", "hi!", "hiya", "hello", "hey", "dear", "good "), re.compile(
        r"(?i)(?:^|[.!?\n]\s*)(?:hi|hello|hey|hiya|dear|good\s+(?:morning|evening|afternoon))"
        r"[\s,!.]+(?:(?:there|all|doc|doctor|everyone)[\s,!.]+)?"), "name"),
    ("relation", (), re.compile(
        r"(?i)(?=[moht])\b(?:my|our|his|her|their)\s+(?:" + _AGE_WORDS + r")?(?:(?:little|baby|older|younger|"
        r"elderly|teenage|adult|step|best|late|oldest|youngest|eldest|twin)\s+)?"
        r"(?:" + RELATIVES + r")\b(?:\s*,)?\s+(?:(?:is\s+)?(?:called|named)\s+)?"), "name"),
    # Title case or lower case only: "MS Contin" (morphine) and "DR" are not titles.
    ("title", (), re.compile(
        r"(?=[DdMmPpNnSR])\b(?:[Dd]r|[Mm]rs?|[Mm]s|Mx|[Mm]iss|[Pp]rof|[Pp]rofessor|[Nn]urse|[Dd]octor|Sir|Dame|Rev)"
        r"\b\.?[ \t]+"), "name"),
]
_SIGN_OFF = re.compile(r"(?i)\b(?:thanks(?:\s+(?:so\s+much|again|a\s+lot))?|thank\s+you(?:\s+(?:so\s+much|again))?|"
                       r"thx|ty|tia|regards|sincerely|cheers|best(?:\s+wishes)?|kind\s+regards|love|warmly|"
                       r"respectfully|signed)\b[\s,.!:;-]*")
_DASH_SIGN_OFF = re.compile(r"(?:^|[\n.!?]|\s)\s*[-–—~]+\s*")  # "... - angela": weaker, a dash also joins clauses
_MESSAGE_END = re.compile(r"[\s.!,)]*(?:[:;]-?\)|x+|xo+)?[\s.!]*")
_PLACE_WORDS = ("live", "living", "resid", "stay", "based", "located", "moved", "relocated", "grew up", "from",
                "resident", "town", "city", "here in")
_PLACE_CUES = re.compile(
    r"(?i)(?=[lrsbmgiwcoth])\b(?:(?:live|living|reside|residing|stay|staying|based|located|moved|relocated|"
    r"grew\s+up)\s+(?:in|near|outside(?:\s+of)?|to|around|at)"
    r"|(?:i\s*['’]?m|\bim|i\s+am|we\s*['’]re|we\s+are|i\s+come|we\s+come|originally)\s+from"
    r"|resident\s+of|(?:home\s*town|town|city)\s+(?:is|of)|here\s+in)"
    r"\s+(?:the\s+(?:city|town|village)\s+of\s+)?")
_STREET = (r"street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|parkway|pkwy|"
           r"highway|hwy|square|sq|circle|cir|crescent|close|trail|row")
_UNITS = frozenset("""
mg mcg ml g kg lb lbs pills pill tablets tablet tabs caps capsules doses dose times minutes minute mins hours
hour hrs days day weeks week months month years year miles mile km blocks block units drops puffs steps floors
percent am pm
""".split())  # noqa: SIM905 (a word list reads better as text)
_ADDRESS = re.compile(r"(?i)(?=\d)\b\d{1,6}[a-z]?\s+((?:[a-z][a-z'.-]*\s+){1,3}?)(?:" + _STREET + r")\b\.?")
_AFTER_STREET = re.compile(r"(?i)(?:\s*,\s*|\s+in\s+)(?:(?:apt|apartment|unit|suite|flat)\.?\s*#?\s*\w+\s*,\s*)?")
_UNIT = re.compile(r"(?i)(?=[ausf])\b(?:apt|apartment|unit|suite|ste|flat)\.?\s*#?\s*\d+[a-z]?\b")


def finditer_near(pattern: re.Pattern[str], text: str, low: str, keywords: tuple[str, ...],
                  before: int = 60, after: int = 120) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)`, searched only around the places where one of `keywords` (each a substring of
    every match, in lower case) occurs. Long texts rarely hold a cue, and Python's `re` pays for every
    character it tries: a MedQuAD answer is scanned several times faster this way. Positions are absolute
    (finditer's pos/endpos keep lookbehinds and word boundaries right at a window's edge)."""
    if not keywords:  # no keyword to look near: search everything
        yield from pattern.finditer(text)
        return
    hits = sorted(i for k in keywords for i in _positions(low, k))
    windows: list[list[int]] = []
    for i in hits:
        lo, hi = max(0, i - before), min(len(text), i + after)
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    for lo, hi in windows:
        yield from pattern.finditer(text, lo, hi)


def _positions(low: str, keyword: str) -> Iterator[int]:
    i = low.find(keyword)
    while i >= 0:
        yield i
        i = low.find(keyword, i + 1)


def _names(text: str, low: str) -> Iterator[Span]:
    for mode, keywords, cue, kind in _CUES:
        for m in finditer_near(cue, text, low, keywords):
            span = take(text, m.end(), mode)
            if span:
                yield (kind, *span)
    tail = max(0, len(text) - 80)  # a sign-off ends the message: only its last words can hold one
    for mode, cue in (("strong", _SIGN_OFF), ("intro", _DASH_SIGN_OFF)):
        for m in cue.finditer(text, tail):
            span = take(text, m.end(), mode)
            if span and _MESSAGE_END.fullmatch(text, span[1]):
                yield ("name", *span)


def _places(text: str, low: str) -> Iterator[Span]:
    for m in finditer_near(_PLACE_CUES, text, low, _PLACE_WORDS):
        span = take(text, m.end(), "place")
        if span:
            yield ("location", *span)
    if not _DIGIT.search(text):
        return
    for m in _ADDRESS.finditer(text):
        if any(w.lower().strip(".") in _UNITS | STOP for w in m.group(1).split()):
            continue  # "5 minutes drive", "2 pills a day"
        yield ("address", m.start(), m.end())
        after = _AFTER_STREET.match(text, m.end())
        if after and after.end() > m.end():
            span = take(text, after.end(), "place")
            if span:
                yield ("location", *span)
    for m in _UNIT.finditer(text):
        yield ("address", m.start(), m.end())


_DIGIT = re.compile(r"\d")
DETECTORS: list[Callable[[str, str], Iterator[Span]]] = [_names, _places]  # each (text, lower-cased text)
