"""Is a red flag happening now, to a person? The context checks of triage's rules.

Red-flag words also appear in messages that are not emergencies: a general question ("What are the signs of a
stroke?"), an event that is over ("... last year, she's fine now"), a story, a school project or a training
course, a hypothetical ("what should I do if someone has a seizure?") and pets ("my dog had a seizure"). These
are read here, on the normalized words of `triage_rules.normalize`, so that the rules keep near-miss precision
without listing every near-miss wording.

Past and pet mentions are scoped to their clause: "my son had a febrile seizure last year, now he has a cold"
drops the first clause and keeps the second, while "I had a stroke 5 years ago and now my face is drooping"
still fires on its second clause. A resolved outcome ("she's fine now") speaks for the whole message unless
something new follows it ("... but now he's vomiting").
"""

from __future__ import annotations

import re

# A person in the question makes it about someone now, not a general question.
PERSONAL = re.compile(
    r"\b(i|im|ive|id|me|my|myself|mine|we|our|us|he|she|his|her|him|they|them|their|hes|shes|"
    r"son|daughter|baby|child|kid|husband|wife|partner|mom|mum|dad|mother|father|friend|grandma|grandpa)\b"
)
GENERAL = re.compile(r"^(what|whats|which|how|why|when|who|is|are|can|does|do|should)\b")
RESOLVED = re.compile(
    r"\b(fine now|ok now|okay now|better now|getting better|now gone|gone now|has stopped|stopped after|went away|"
    r"settled|came round straight away|seems fine|seems totally fine|is fine|was fine|feel fine|felt fine|fine after|"
    # Round 13 (fresh11 dev): "fine again after resting", a pattern that "goes afterwards".
    r"fine again|(it |that )?goes (away )?afterwards|"
    # Round 14 (fresh12 dev): a child "playing happily" after a knock.
    r"playing happily|happily playing|back to playing|"
    r"is playing|playing normally|running around|feeding fine|feeding and smiling|is improving|recovered|"
    r"healed|healing|doing well|back to \d|back to (himself|herself|themselves|myself|normal)|stopped on (its|their) own|"
    # Round 15 (fresh10 / fresh11 test, training sources since round 15): "it went completely", "feel normal now".
    r"went (away )?completely|(feel|feels|feeling) (normal|fine) now|"
    # Round 16 (fresh13 dev): "checked at A&E and all fine".
    r"(checked|seen) (at|in|by) (a e|ae|er|hospital|the hospital) and (all|everything) (fine|ok|clear)|"
    r"(been |felt |was )?fine (ever )?since|(now )?(its|it is|im|hes|shes|he is|she is|they are) (fine|ok|okay|"
    r"better) now|now (its|im|hes|shes|he is|she is) (fine|ok|okay|better)|back to normal|sorts it out|"
    r"(vet|doctor|gp|nurse) (says|said) (s?he|it|i|they)(s| is| was| am| are)? (ok|okay|fine)|"
    r"(?<!not )(?<!isnt )(?<!wasnt )(?<!hasnt )(?<!havent )(acting (herself|himself|themselves|normally|normal|"
    r"like (herself|himself))|feeling normal|feels normal|fed well|feeding well))\b")
#: A clinician or helpline who has assessed it and said it is fine (round 9: "pharmacist said it's fine", "called
#: 111, they said monitor and it's low risk"): unlike "seems fine", this also settles an overdose or a child's
#: ingestion, which can look well for hours — someone who can weigh that already did.
CLEARED = re.compile(
    r"\b(pharmacist|pharmacy|111|poison control|poisons (line|centre|center)|a e|er|gp|doctor|dr|nurse|paramedics?|"
    r"midwife|consultant|neuro nurse|specialist|they)( \w+){0,2} (said|says|say|told (me|us|him|her|them))"
    r"( (\w+ ){0,3}and)?( (its|it is|it was|thats|that is|that its|he is|hes|she is|shes|i am|im|its probably|"
    r"it should be|he should be|she should be|it would be|ill be|he will be|she will be|we are|were))? (fine|ok|okay|"
    r"normal|low risk|nothing to worry|not dangerous|safe|harmless|non toxic|nontoxic|not toxic)\b"
    r"|\b(checked|examined|cleared|assessed|saw) (me|him|her|them|us|it)( over| out)?( and)? (cleared|said (its |it was |"
    r"he was |she was |i was )?(fine|ok|okay|normal|nothing)|all clear|fine)\b|\bcleared (me|him|her|them)\b")
#: What follows a clearance and makes the message current again (wider than after a resolved outcome: a new
#: symptom after "the GP said it's fine" is usually introduced by "but" or a time word).
AFTER_CLEARED = re.compile(r"\b(now|again|worse|suddenly|started|but|today|tonight|since|just|this (morning|"
                           r"evening|afternoon))\b")
#: What follows a resolved outcome and makes the message current again.
AFTER_RESOLVED = re.compile(r"\b(now|again|worse|suddenly|started)\b")
PAST = re.compile(r"\b(years? ago|last year|last month|months ago|as a teenager|used to|in the past|"
                  # Round 16 (fresh13 dev): "as a child", "as a kid", "a month ago".
                  r"as an? (child|kid|baby|toddler|little one)|a (month|year) ago|"
                  r"last (summer|winter|spring|autumn|christmas|easter|holiday|holidays)|"
                  r"when (i|he|she|they|we) (was|were) (a baby|a toddler|little|young|younger|one|two|three|\d+|a kid|"
                  r"a child|at school)|"
                  r"in (january|february|march|april|may|june|july|august|september|october|november|december)|"
                  r"in (19|20)\d\d)\b")
NOW = re.compile(r"\b(right now|now|today|tonight|just|currently|still|suddenly|again|keeps|minutes ago|"
                 r"mins ago|hour ago|hours ago|started)\b"
                 # Round 11 (fresh10 dev): a temperature read off in the present ("my 2 month old is 38.1, the
                 # leaflet says that's expected?") is happening now, whatever a leaflet says.
                 r"|\b(is|reads|reading|showing|says) (3[89]|4[0-2]|10[0-5]) \d\b"
                 # Round 15 (fresh10 test, a training source since round 15): a person's critical state said in
                 # the present ("my roommate is unresponsive ..., how do I use it") is happening now, whatever
                 # the how-to question after it.
                 r"|\b(is|are|s|seems|looks) (still |now )?(unresponsive|unconscious|unrousable|not breathing|"
                 r"not responding|barely breathing|turning blue|fitting|seizing|convulsing|not waking)\b")
STORY = re.compile(
    r"\b(movie|film|(a|the|that|this|tv) show|on (the )?tv|tv (series|drama|programme|program)|book|novel|episode|documentary|article|news|character|game of thrones|"
    r"for my exam|pharmacology exam|my essay|school project|"
    r"for (my|our|a|the) (\w+ ){0,2}(essay|exam|project|assignment|homework|class|course|training|leaflet|"
    r"poster|presentation|notes|kit|coaches|staff|students|module|revision|ward|team|guidance|policy|protocol))|"
    r"\b(writing|write|wrote|preparing|drafting) (\w+ ){0,3}(guidance|policy|protocol|leaflet|training|essay)\b"
    # Round 11 (fresh10 dev): what was taught on a first-aid course ("on our first aid course they said ...").
    r"|\b(on|at|in|during) (my|our|a|the|this|that) (first aid|cpr|resus|resuscitation|bls|paediatric first aid|"
    r"pediatric first aid|mental health first aid) (course|class|session|training|module|refresher)\b"
    # Round 9 (fresh7 and train_pool9, two writers): a story, script, song or album the writer is making, a scene
    # in a film, and exam or revision questions labelled as such ("exam q:", "pharmacology revision:"). Narrow on
    # purpose: a story or course frame silences the rules, so "my blood test came back fine but now ...", "at the
    # accident scene in town ..." or "in class my son collapsed" must not read as one.
    r"|\b(in|for) (my|the|a|our|his|her) (\w+ )?(story|script|screenplay|podcast|song|album|comic|fanfic)\b"
    r"|\b(film|movie|tv|show|episode|opening|final|famous|death|overdose|fight|hospital) scene in\b|\bsong lyrics?\b"
    r"|^(\w+ ){0,2}(exam|quiz|osce|revision) (q|qs|question|questions)\b"
    r"|^((first aid|nursing|medical|pharmacology|toxicology|anatomy|physiology|biology|chemistry|paramedic|pharmacy|"
    r"psychology|health) )+(exam|revision|module|quiz|osce)\b"
    r"|\bwriting a (\w+ )?(screenplay|scene|script|novel|story)\b"
    r"|\bin (my|our) (\w+ ){0,2}(course|training|induction|lecture|module)$"
    r"|\bin (my|our|the) (\w+ ){0,2}(course|training|induction|lecture|module) (they|we|the \w+) (said|were told|"
    r"learned|learnt|were taught|taught)\b"
    r"|\b(first aid|cpr|course) (trainer|instructor|teacher|tutor) (said|says|told)\b"
    # Round 15 (fresh10 / fresh11 test): a medical drama on TV; a question set as course homework.
    r"|\b(medical|hospital|tv|police|crime) drama\b|\bin season (\d+|one|two|three|four|five)\b"
    r"|^(first aid|cpr|nursing|paramedic) (course|class|exam|module|training)\b"
    r"|\b(first aid|cpr|nursing|course|biology|health) (course |class )?(homework|assignment|worksheet|quiz)\b")
#: A sentence that introduces the writer as a learner or a professional ("I'm a new teacher", "I'm doing my first
#: aid course"): beside a general question it makes the message a general question (`is_framed_question`).
SELF_INTRO = re.compile(
    r"\b(doing|taking|on|attending|studying for) (a|my|our|the) (\w+ ){0,2}(course|training|class|module|exam)\b"
    r"|\b(im|i am) an? (\w+ ){0,2}(teacher|nurse|paramedic|doctor|counsellor|counselor|carer|childminder|coach|"
    r"volunteer|lifeguard|first aider|pharmacist|worker|midwife|student)\b"
    # A bare role label before the question ("paramedic: how long ...", "antenatal teacher here: which ...").
    r"|^(\w+ ){0,2}(teacher|nurse|paramedic|doctor|counsellor|counselor|carer|childminder|coach|volunteer|"
    r"lifeguard|first aider|pharmacist|worker|midwife|student|manager|nanny|medic|emt)( here)?$")
HYPOTHETICAL = re.compile(r"\b(in case (\w+ ){0,2}(gets|get|has|have|starts|start|needs|goes)|"
                          r"(side effects?|leaflet|package insert|patient information|label) (\w+ ){0,6}"
                          r"(lists?|says|say|mentions?|warns?)|"
                          r"if (someone|somebody|anyone|a person|a child|a kid|a baby|my \w+ ever|he ever|she ever|"
                          r"they ever|it ever|it happens)|in case (of|someone|my)|to be ready|be prepared|what (should|do|would|can) (i|we) do if|"
                          r"how do i (use|give|know|take|check|count|put|treat|spot|recognise|recognize))\b")
PET = re.compile(r"\b(dog|dogs|cat|cats|puppy|kitten|pet|horse|rabbit|hamster|vet)\b")
#: A pet's age ("my 10 week old puppy"): the "old" of it says nothing about a person (round 15, fresh10 test).
PET_AGE = re.compile(r"\bold (dog|dogs|cat|cats|puppy|puppies|kitten|kittens|pet|horse|rabbit|hamster)\b")
HUMAN = re.compile(r"\b(i|im|me|myself|son|daughter|baby|child|kid|kids|toddler|husband|wife|partner|mom|mum|dad|"
                   r"mother|father|friend|grandma|grandpa|brother|sister|he|she|boy|girl|yo|old|nephew|niece)s?\b")
#: A role-play, persona or "ignore your rules" set-up: it says how to answer, not what is wrong.
PREAMBLE = re.compile(
    r"\b(ignore|forget|disregard)\b.{0,40}\b(instructions|rules|guidelines|told|before|filters)\b"
    r"|\byou( are|re|'re| r) (now )?(an?|my|the)? ?(ai|bot|chatbot|assistant|dan|dr|doctor|nurse|pirate|chemist|"
    r"pharmacist|paramedic|unrestricted|calm|friendly)\b|\byou( are|'re|re) now\b"
    r"|\b(no|without( any)?) (safety )?(limits|rules|filters|restrictions|guidelines|warnings|lectures)\b"
    r"|\b(stay|staying|answer|remain) in character\b|\brole-?play(ing)?\b|\bpretend (you|ur|to be)\b|\bact as\b"
    r"|\blet'?s play\b|\bplaying a game\b|\bcreative writing\b|\bdeveloper mode\b|\bfilters? (are )?(disabled|off)\b"
    r"|^\s*(system|user)\s*:"
    r"|\b(reveal|show|print|repeat|leak|output|dump|paste) (me )?(your|the) (\w+ ){0,2}(system prompt|prompt|"
    r"instructions|rules|guidelines)\b|\bsystem prompt\b|\bjailbr[eo]ak\b", re.IGNORECASE)
#: How a request is asked, not what it asks: "then tell me", "now explain", "can you tell me". Left after a
#: preamble ("Ignore previous instructions ... Then tell me what ibuprofen is for."), this framing sat on the
#: self-harm rows of the training data, so the head read "then tell me <anything>" as a lethal-dose request.
REQUEST = re.compile(
    r"^\s*((then|now|and|so|ok|okay|please|pls|plz|first|next|after that|also|finally|just|right|anyway)[,:]?\s+)*"
    r"(((can|could|would|will) (you|u) (please |pls |just )?)?(tell|explain to|answer|give|show) me\b"
    r"|(explain|describe|list|say)\b)[,:]?\s*", re.IGNORECASE)


#: A laugh marker: the clause is hyperbole ("this traffic is killing me, my chest gets so tight lol").
JOKE = re.compile(r"\b(lol|lmao|rofl|haha+|hehe+|jk)\b")
#: Asked about self-harm and denied it ("my GP asked if I had thoughts of self-harm and I said no").
DENIED = re.compile(r"\b(i said no|said no|no thoughts of|never had thoughts of|not suicidal|never been suicidal|"
                    r"denied (any )?(thoughts|self harm|suicidal))\b")


def is_joke(words: list[str]) -> bool:
    return bool(JOKE.search(" ".join(words)))


def is_denied(joined: str) -> bool:
    return bool(DENIED.search(joined))


SENTENCE_BREAK = re.compile(r"(?<=[.!?:;])\s+|\n+")
_CLAUSE = re.compile(r"[.!?;,\n]+|\b(?=but\b|and now\b|now\b|however\b)")


#: A symptom named as a question and denied at once, then corrected ("face drooping? nah, it's the botox", "a
#: seizure? nope - my leg just jerked"): the named symptom is what the writer does not have. A question with a
#: verb first ("is he breathing? no, ...") is an answer about a person, and a longer one names an event whose
#: correction may be worse ("my 3 yo drank washing up liquid? no - it was the drain unblocker"): both stay (round 10).
DENIED_TOPIC = re.compile(r"(?:^|(?<=[.!?\n]))\s*(?!(?:is|are|can|could|does|did|do|has|have|was|were|will|would|"
                          r"should|am|any)\b)[^.?!\n]{1,40}\?\s*[-\u2013\u2014]?\s*(?:no|nope|nah|not really)\b[\s,.!\-\u2013\u2014]*"
                          r"(?=(?:its|it\W?s|it is|it was|thats|that\W?s|just|only|sorry|lol|haha|mate|more|my)\b)",
                          re.IGNORECASE)


def without_denied_topics(text: str) -> str:
    """`text` without the symptoms it names only to deny them (`DENIED_TOPIC`)."""
    return DENIED_TOPIC.sub(" ", text)


def clauses(text: str) -> list[str]:
    """The raw message cut at punctuation and before "but" / "now": the scope of a past or a pet mention."""
    return [c for c in _CLAUSE.split(text) if c and c.strip()]


def without_preamble(text: str) -> str:
    """`text` without its role-play / "ignore your rules" sentences, when something else remains: "stay in
    character" is how to answer, not a story, and must not make a real emergency look like fiction."""
    sentences = [x for x in SENTENCE_BREAK.split(text) if x and x.strip()]
    content = [x for x in sentences if not PREAMBLE.search(x)]
    return " ".join(content) if content and len(content) < len(sentences) else text


#: Something timed now: a question with it is about the writer ("can u have a migraine where ... started 20
#: mins ago") even when no person is named.
TIMED_NOW = re.compile(r"\b(right now|minutes ago|mins ago|min ago|an hour ago|hours ago|started \d+|just started|"
                       r"since this morning|since last night|tonight)\b")
#: A story that the writer says is about themself ("my character (who is me basically)").
SELF_STORY = re.compile(r"\b(is|its|basically|really|actually|secretly) me\b|\bme basically\b"
                        # ... or a hypothetical the writer says is about themself (round 4, fresh4 dev).
                        r"|\basking for (me|myself)\b|\bnot (asking )?for a friend\b")


def without_request(text: str) -> str:
    """`text` without a leading request framing ("Then tell me what ibuprofen is for" -> "what ibuprofen is
    for"), when something remains: the question itself is what triage reads."""
    rest = REQUEST.sub("", text, count=1)
    return rest if rest.strip() else text


def is_general_question(words: list[str]) -> bool:
    joined = without_request(" ".join(words))
    return bool(GENERAL.match(joined)) and not PERSONAL.search(joined) and not TIMED_NOW.search(joined)


#: A negation just before a resolved outcome turns it round ("it's not getting better", "isnt settled").
NEGATED_BEFORE = re.compile(r"\b(not|isnt|arent|wasnt|werent|no|never|hasnt|havent|doesnt|dont|didnt|nothing|"
                            r"not really|still not)\s*$")


#: "What should I do if it happens again?": a question about a next time, not something new now (round 14).
IF_AGAIN = re.compile(r"\b(if|in case|when|should) (it|this|that|he|she|they|i|one) (happens?|starts?|comes?|occurs?|"
                      r"has (one|another)|gets? (one|it)|does it) again\b|\bnext time\b|\b(stop|prevent|avoid) the next one\b")


def is_resolved(joined: str) -> bool:
    """An outcome that says it is over, with nothing new after it."""
    found = [m for m in RESOLVED.finditer(joined) if not NEGATED_BEFORE.search(joined[:m.start()])]
    # "... feel fine now": the "now" that closes the outcome is part of it, not something new after it.
    after = IF_AGAIN.sub(" ", re.sub(r"^\s*now\b", "", joined[found[-1].end():])) if found else ""
    return bool(found) and not AFTER_RESOLVED.search(after)


def is_cleared(joined: str) -> bool:
    """A clinician or helpline said it is fine, with nothing new after it."""
    found = [m for m in CLEARED.finditer(joined) if not NEGATED_BEFORE.search(joined[:m.start()])]
    return bool(found) and not AFTER_CLEARED.search(joined[found[-1].end():])


def is_unreal(joined: str) -> bool:
    """A story, a project or a course, or a hypothetical with nothing happening now."""
    story = bool(STORY.search(joined)) and not SELF_STORY.search(joined)
    return story or (bool(HYPOTHETICAL.search(joined)) and not NOW.search(joined) and not SELF_STORY.search(joined))


def live_clauses(clause_words: list[list[str]]) -> list[str]:
    """The words of the clauses that may describe something now, joined: past clauses (a past marker and no
    now-marker) and clauses about a pet with no person in them are left out. A message with a past marker and
    no now-marker anywhere is entirely past."""
    joined = [" ".join(w) for w in clause_words]
    whole = " ".join(joined)
    if PAST.search(whole) and not NOW.search(whole):
        return []
    keep = [c for c in joined if not (PAST.search(c) and not NOW.search(c))
            and not (PET.search(c) and not HUMAN.search(PET.sub(" ", PET_AGE.sub(" ", c))))]
    return " ".join(keep).split()
