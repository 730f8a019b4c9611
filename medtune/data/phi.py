"""A scan for personal identifiers in free text, after the HIPAA Safe Harbor list, and a redaction function.

Safe Harbor (45 CFR §164.514(b)(2)) names 18 identifier kinds. Those that text can show are covered here:
names (after a title or a label, "Dr. Smith", "Patient name: Jane Doe", and in chat messages after a cue,
"my name is ...", "I'm ...", "my son Tom", a sign-off: see `phi_context`), all elements of dates except the
year, telephone (formatted, bare ten-digit, or after "call me at") and fax numbers, e-mail addresses (also
"name at gmail dot com"), social security numbers, medical record numbers, health-plan and account numbers,
street addresses, towns after "I live in" / "I'm from" / an address, ZIP codes, URLs, IP addresses and ages
over 89. Names without any cue, photographs, device and vehicle identifiers and biometrics cannot be found: a
clean scan is a warning that nothing obvious was seen, never a guarantee. medtune warns (does not block)
before data with findings is used; the chatbot reuses `redact` on what users type.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from medtune.data.phi_context import DETECTORS, RELATIVES, finditer_near

_MONTH = (r"(?i:(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|(?-i:May)|June?|July?|Aug(?:ust)?"
          r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?(?!\w))")
_PHONE = r"(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-]?)\d{3}[\s.-]\d{4}|\+\d{1,3}(?:[\s.-]\d{1,4}){2,4}"
_STATES = ("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM "  # noqa: SIM905
           "NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY").split()
_STREET = (r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace"
           r"|Parkway|Pkwy|Highway|Hwy|Square|Sq|Circle|Cir")
_AGE = r"(?:9\d|1[0-2]\d)"  # 90–129: Safe Harbor allows ages up to 89

_NAME = r"[A-Z][a-zA-Z'’-]+(?:[ \t]+[A-Z][a-zA-Z'’-]+){0,2}"
_DIGIT = re.compile(r"\d")


def _lead(letters: str) -> str:
    """A lookahead for a pattern's possible first characters (either case). Python's `re` skips straight to
    them when a pattern starts with a character set, and tries every branch at every position otherwise
    (MedQuAD answers: about twice as fast)."""
    return "(?=[" + "".join(sorted(set(letters.lower() + letters.upper()))) + "])"


def _has(*words: str) -> tuple[str, ...]:
    """Keywords, one of which every match contains (lower case): the pattern is searched only near them."""
    return words


def _matches(pattern: str):
    compiled = re.compile(pattern)
    return lambda text, low: compiled.search(text) is not None


def _digit(text: str, low: str) -> bool:
    return _DIGIT.search(text) is not None


# (kind, pattern, prefilter). Where a pattern has a group named "v", only that group is the identifier (the
# label "MRN:" stays readable after redaction). List order is the tie-break when two kinds claim one span.
# The prefilter is either keywords (`_has`: the pattern is searched only near them, see
# phi_context.finditer_near) or a cheap test that must pass before the pattern runs over the whole text: Python's
# `re` costs about 0.1 µs per character and pattern, and most texts hold none of the cues (MedQuAD: several
# times faster).
PATTERNS: list[tuple[str, re.Pattern[str], Any]] = [
    ("email", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b"), lambda t, low: "@" in t),
    ("email", re.compile(r"(?i)\b[\w.+-]+\s*(?:@|\(at\)|\[at\]|\s+at\s+)\s*[\w-]+\s*(?:\.|\(dot\)|\[dot\]|\s+dot\s+)\s*"
                         r"(?:com|org|net|edu|gov|co\.uk|co|us|io|me|info)\b"), _has(" dot ", "(at)", "[at]", "(dot)")),
    ("url", re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)\]]"), _has("http", "www.")),
    ("ip", re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b"),
     _matches(r"\d\.\d{1,3}\.\d{1,3}\.\d")),
    ("ip", re.compile(r"\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b"), lambda t, low: t.count(":") >= 7),
    ("ssn", re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), _matches(r"\d{3}-\d{2}-\d{4}")),
    ("ssn", re.compile(r"(?i:\bSSN\b|\bSS\s?#|\bSS\s?no\b\.?|social(?: security)?(?: number| no\.?| #)?)"
                       r"\s*(?i:is|was)?\s*[:#]?\s*(?P<v>\d{3}[\s-]?\d{2}[\s-]?\d{4})\b"), _has("ss", "social")),
    ("mrn", re.compile(_lead("mhcpr") + r"(?i:\bMRN\b|\bMR\s?#|(?:medical|hospital|health)\s+record(?:\s+(?:number|no\.?|#|id))?"
                       r"|\b(?:chart|hospital|patient|pt|record|clinic)\s*(?:number|no\.?|#|id|num)|\bhosp\s*#)"
                       r"\s*(?i:is|was|=)?\s*[:#]?\s*(?P<v>(?i:[A-Z]{0,3})-?\d[\dA-Za-z-]{3,})\b"),
     _has("mrn", "mr#", "mr #", "record", "chart", "hospital", "patient", "pt ", "pt#", "clinic", "hosp")),
    ("health_plan", re.compile(_lead("hpmbisg") + r"(?i:health\s*plan|\bplan|member|policy|beneficiary|insurance|insurer|subscriber"
                               r"|medicare|medicaid|group|\bbcbs|blue\s*cross|blue\s*shield|\bhmo|\bppo)"
                               r"(?:\s+(?i:card|plan))?\s*(?i:id|number|no\.?|#|num)\s*(?i:is|was|=)?\s*[:#]?\s*"
                               r"(?P<v>(?i:[A-Z]{0,4})-?\d[\dA-Za-z-]{3,})\b"),
     _has("plan", "member", "policy", "beneficiary", "insur", "subscriber", "medicare", "medicaid", "group",
          "bcbs", "blue", "hmo", "ppo")),
    ("account", re.compile(r"(?i:\baccount|\bacct)\s*(?i:number|no\.?|#)?\s*[:#]?\s*(?P<v>\d[\d-]{3,}\d)\b"),
     _has("acct", "account")),
    ("fax", re.compile(r"(?i:\bfax)\s*(?i:number|no\.?|#)?\s*[:.]?\s*(?P<v>" + _PHONE + r")(?!\d)"), _has("fax")),
    ("phone", re.compile(r"(?<![\w+])(?:" + _PHONE + r")(?!\d)"), _matches(r"\d{3}[\s.-]\d{4}|\+\d")),
    # A bare ten-digit number shaped like a North American number (area and exchange codes start 2-9).
    ("phone", re.compile(r"(?<![\w+.-])(?:\+?1)?[2-9]\d{2}[2-9]\d{6}(?![\w.-]?\d)"), _matches(r"\d{10}")),
    ("phone", re.compile(_lead("pcmtlwrn") + r"(?i:\b(?:phone|cell|mobile|tel|telephone|landline|whatsapp|call\s+me|text\s+me|reach\s+me"
                         r"|contact\s+me|ring\s+me|my\s+number|number\s+is|call\s+back)(?:\s+(?:at|on|is|number|no\.?|#))*)"
                         r"\s*[:#]?\s*(?P<v>\+?\(?\d[\d\s().-]{5,16}\d)(?!\d)"),
     _has("phone", "cell", "mobile", "tel", "landline", "whatsapp", "call", "text me", "reach me", "contact me",
          "ring me", "number")),
    ("date", re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}([/.-])\d{1,2}\1(?:\d{4}|\d{2})\b"),
     _matches(r"\d[/.-]\d")),
    ("date", re.compile(r"(?i:\b(?:dob|d\.o\.b\.?|date\s+of\s+birth|birth\s*date|born(?:\s+on)?|b-?day|birthday(?:\s+is)?))"
                        r"\s*(?i:is|was)?\s*[:=-]?\s*(?P<v>\d{6}|\d{8}|\d{1,2}[\s/.-]\d{1,2}[\s/.-]\d{2,4})\b"),
     _has("dob", "d.o.b", "birth", "born", "bday", "b-day")),
    ("date", re.compile(_lead("jfmasond0123456789") + r"\b" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?\b"
                        r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?:,?\s+\d{4})?\b"), _digit),
    ("age", re.compile(r"\b(?P<v>" + _AGE + r")[- ]?(?i:years?|yrs?)[- ]old\b"), _has("old")),
    ("age", re.compile(r"(?i:\baged?\b)[: ]\s*(?P<v>" + _AGE + r")\b"), _has("age")),
    ("age", re.compile(r"\b(?P<v>" + _AGE + r")\s?(?i:yo|y/o|y\.o\.)"), _has("yo", "y/o", "y.o.")),
    ("age", re.compile(_lead("ishmot") + r"(?i:\b(?:i\s*['’]?m|i\s+am|(?:s?he|they)\s*(?:['’]s|is|are|['’]re)"
                       r"|(?:my|our|his|her)\s+(?:" + RELATIVES + r")(?:\s+[A-Za-z]+)?\s+(?:is|was|turned|turns)"
                       r"|turned|turning|is\s+now)\s+)(?P<v>" + _AGE + r")\b(?!\s*(?:%|mg|kg|lb|pounds|percent))"),
     _matches(r"\b(?:9\d|1[01]\d)\b")),
    ("address", re.compile(r"\b\d{1,6}\s+(?:[A-Z][a-z]+\.?\s+){1,4}(?:" + _STREET + r")\b\.?"),
     _matches(r"\d\s+[A-Z][a-z]")),
    ("address", re.compile(r"(?i:\bP\.?\s?O\.?\s+Box\s+\d+)"), _has("box")),
    ("zip", re.compile(r"\b(?:" + "|".join(_STATES) + r")\s+(?P<v>\d{5}(?:-\d{4})?)\b|,\s*(?i:" + "|".join(_STATES)
                       + r")\.?,?\s+(?P<w>\d{5}(?:-\d{4})?)\b"), _matches(r"\d{5}")),
    ("zip", re.compile(r"(?i:\bzip(?:\s*code)?)\s*[:#]?\s*(?P<v>\d{5}(?:-\d{4})?)\b"), _has("zip")),
    # UK postcodes ("LS6 2AB", "SW1A 1AA"): upper case only, so drug codes and words in lower case stay.
    ("zip", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}\b"), _matches(r"\d[A-Z]{2}\b")),
    ("name", re.compile(r"(?i:\b(?:patient(?:'s)?\s+name|name|patient|pt)\s*:)\s*(?P<v>" + _NAME + ")"),
     lambda t, low: ":" in t and ("name" in low or "patient" in low or "pt" in low)),
]
# "location" (a town after "I live in", "I'm from" or an address) comes only from phi_context's detectors.
KINDS = tuple(dict.fromkeys([*(kind for kind, _, _ in PATTERNS), "location"]))
_PRIORITY = {kind: i for i, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class Finding:
    """One identifier: its kind and character span in a text; `row`/`column` when found in a table."""

    kind: str
    start: int
    end: int
    value: str
    row: int | None = None
    column: str | None = None

    def to_dict(self, include_value: bool = False) -> dict[str, Any]:
        """Reports leave the value out by default so a PHI report does not itself spread PHI."""
        data = asdict(self)
        if not include_value:
            data.pop("value")
        return {k: v for k, v in data.items() if v is not None}


def _span(match: re.Match[str]) -> tuple[int, int]:
    for group in ("v", "w"):
        if group in match.re.groupindex and match.group(group) is not None:
            return match.span(group)
    return match.span()


def scan_text(text: str) -> list[Finding]:
    """Identifiers in `text`, sorted by position, with overlaps resolved (longest span, then kind order)."""
    if not text:
        return []
    low = text.lower()
    candidates = []
    for kind, pattern, prefilter in PATTERNS:
        if isinstance(prefilter, tuple):
            matches = finditer_near(pattern, text, low, prefilter)
        elif prefilter(text, low):
            matches = pattern.finditer(text)
        else:
            continue
        for match in matches:
            start, end = _span(match)
            if end > start:
                candidates.append(Finding(kind, start, end, text[start:end]))
    for detect in DETECTORS:
        candidates.extend(Finding(kind, start, end, text[start:end]) for kind, start, end in detect(text, low))
    candidates.sort(key=lambda f: (f.start, -(f.end - f.start), _PRIORITY[f.kind]))
    chosen: list[Finding] = []
    for finding in candidates:
        if chosen and finding.start < chosen[-1].end:
            continue
        chosen.append(finding)
    return chosen


def redact(text: str) -> tuple[str, list[Finding]]:
    """`text` with each identifier replaced by `[KIND]` (e.g. `[EMAIL]`), and the findings (spans in the input)."""
    findings = scan_text(text)
    parts, pos = [], 0
    for finding in findings:
        parts.append(text[pos:finding.start])
        parts.append(f"[{finding.kind.upper()}]")
        pos = finding.end
    parts.append(text[pos:])
    return "".join(parts), findings


def scan_rows(rows: Iterable[dict[str, Any]], columns: Iterable[str], *, first_row: int = 1) -> list[Finding]:
    """Findings in the given text columns of table rows; `row` counts from `first_row`."""
    columns = list(columns)
    findings: list[Finding] = []
    for n, row in enumerate(rows, start=first_row):
        for column in columns:
            value = row.get(column)
            if isinstance(value, str) and value:
                for f in scan_text(value):
                    findings.append(Finding(f.kind, f.start, f.end, f.value, row=n, column=column))
    return findings


def summarize(findings: list[Finding], *, examples: int = 20, scanned_rows: int | None = None) -> dict[str, Any]:
    """Counts per kind and a few located examples (no values), plus the warning line a UI or CLI shows."""
    by_kind = Counter(f.kind for f in findings)
    rows = {f.row for f in findings if f.row is not None}
    warning = None
    if findings:
        kinds = ", ".join(f"{n} {kind}" for kind, n in by_kind.most_common())
        where = f" in {len(rows)} rows" if rows else ""
        if rows and scanned_rows:
            where += f" of {scanned_rows:,} scanned"
        warning = (f"possible personal identifiers{where}: {kinds}. Check that you may use this data, or "
                   "redact it, before training on it (HIPAA Safe Harbor).")
    return {
        "total": len(findings),
        "by_kind": dict(by_kind.most_common()),
        "rows_affected": len(rows),
        "examples": [f.to_dict() for f in findings[:examples]],
        "warning": warning,
    }
