"""PHI scan and redaction: every Safe Harbor kind the patterns cover, spans, tables, clean medical text, and the
names and towns people write into chat messages (cues, lower case, medical lookalikes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medtune.data.phi import KINDS, redact, scan_rows, scan_text, summarize

EVAL = Path(__file__).resolve().parents[2] / "data" / "eval" / "phi" / "messages.jsonl"

CASES = [
    # (kind, text, the identifier exactly as it should be found)
    ("name", "Seen today by Dr. Jane Smith in clinic.", "Jane Smith"),
    ("name", "Mrs O'Brien reports less pain.", "O'Brien"),
    ("name", "Patient name: John Doe, follow-up in 2 weeks", "John Doe"),
    ("date", "Admitted on 03/14/2021 with fever.", "03/14/2021"),
    ("date", "Discharged 2021-03-20.", "2021-03-20"),
    ("date", "Born January 5, 1930 in Ohio.", "January 5, 1930"),
    ("date", "Surgery on 5th of March 2020 went well.", "5th of March 2020"),
    ("phone", "Call (555) 123-4567 for results.", "(555) 123-4567"),
    ("phone", "Reach the ward at +44 20 7946 0958.", "+44 20 7946 0958"),
    ("fax", "Send records to fax: 555-987-6543 today.", "555-987-6543"),
    ("email", "Write to jane.doe@example.org for forms.", "jane.doe@example.org"),
    ("ssn", "SSN 123-45-6789 on file.", "123-45-6789"),
    ("ssn", "Social security number: 123456789.", "123456789"),
    ("mrn", "MRN: A1234567 was merged.", "A1234567"),
    ("mrn", "Medical record number 00123456 reviewed.", "00123456"),
    ("health_plan", "Member ID: XYZ123456 is active.", "XYZ123456"),
    ("health_plan", "Medicare number 1EG4-TE5-MK72 verified.", "1EG4-TE5-MK72"),
    ("account", "Billing account # 12345678 overdue.", "12345678"),
    ("address", "Lives at 42 Baker Street with family.", "42 Baker Street"),
    ("address", "Mail goes to P.O. Box 1234 now.", "P.O. Box 1234"),
    ("zip", "Springfield, IL 62704 clinic.", "62704"),
    ("location", "I'm from Boston and my allergist retired.", "Boston"),
    ("zip", "Zip code: 90210.", "90210"),
    ("url", "Portal at https://portal.example.org/patient/77 has notes.", "https://portal.example.org/patient/77"),
    ("ip", "Login from 192.168.10.1 flagged.", "192.168.10.1"),
    ("ip", "IPv6 fe80:0:0:0:202:b3ff:fe1e:8329 logged.", "fe80:0:0:0:202:b3ff:fe1e:8329"),
    ("age", "A 93-year-old woman with dyspnea.", "93"),
    ("age", "Patient aged 101 is stable.", "101"),
    ("age", "95 yo male, afebrile.", "95"),
]


@pytest.mark.parametrize("kind, text, value", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_identifier_kind_is_found_with_its_span(kind, text, value):
    findings = scan_text(text)
    assert [(f.kind, f.value) for f in findings] == [(kind, value)]
    f = findings[0]
    assert text[f.start:f.end] == value


def test_every_kind_has_a_case():
    assert {c[0] for c in CASES} == set(KINDS)


@pytest.mark.parametrize("kind, text, value", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_redaction_replaces_only_the_identifier(kind, text, value):
    redacted, findings = redact(text)
    assert value not in redacted
    assert redacted == text.replace(value, f"[{kind.upper()}]", 1)
    assert findings[0].kind == kind


def test_several_identifiers_in_one_text():
    text = ("Dr. Alan Grant (MRN: 99887766) saw the 92-year-old on 12/01/2020; "
            "questions to alan.grant@clinic.org or 555-222-3333.")
    redacted, findings = redact(text)
    assert [f.kind for f in findings] == ["name", "mrn", "age", "date", "email", "phone"]
    assert redacted == ("Dr. [NAME] (MRN: [MRN]) saw the [AGE]-year-old on [DATE]; "
                        "questions to [EMAIL] or [PHONE].")


@pytest.mark.parametrize("text", [
    "Take 500 mg of amoxicillin three times a day for 10 days.",
    "The trial enrolled 1,273 patients aged 45 to 89 in 2019.",
    "HbA1c fell by 1.2 percent after 12 weeks; blood pressure 120/80 mmHg.",
    "COVID-19 cases rose 15% in March 2020 according to the CDC.",
    "May I take ibuprofen with warfarin?",
])
def test_clean_medical_text_has_no_findings(text):
    assert scan_text(text) == []
    assert redact(text) == (text, [])


def test_table_scan_locates_row_and_column_and_summary_hides_values():
    rows = [{"text": "fine", "note": "nothing"}, {"text": "call me at 555-123-4567", "note": "jo@x.com"}]
    findings = scan_rows(rows, ["text", "note"])
    assert [(f.row, f.column, f.kind) for f in findings] == [(2, "text", "phone"), (2, "note", "email")]
    summary = summarize(findings)
    assert summary["by_kind"] == {"phone": 1, "email": 1} and summary["rows_affected"] == 1
    assert "555-123-4567" not in str(summary) and "jo@x.com" not in str(summary)
    assert "possible personal identifiers in 1 rows" in summary["warning"]
    assert summarize([])["warning"] is None


@pytest.mark.parametrize("text, removed, kept", [
    ("My name is John Carpenter, DOB 03/14/1958, MRN 4471902, call 415-555-0199 or jc@example.com",
     ["John Carpenter", "03/14/1958", "4471902", "415-555-0199", "jc@example.com"], ["My name is", "DOB", "MRN"]),
    ("hi my name is john carpenter and i have a cough", ["john carpenter"], ["cough"]),
    ("i'm sarah, my doctor put me on metformin", ["sarah"], ["metformin", "doctor"]),
    ("Hello, this is Robert Nguyen about my warfarin", ["Robert Nguyen"], ["warfarin"]),
    ("my son tom has a fever", ["tom"], ["my son", "has a fever"]),
    ("My husband, David, has COPD", ["David"], ["COPD"]),
    ("What helps a dry cough? Thanks, Mary Jones", ["Mary Jones"], ["Thanks", "dry cough"]),
    ("Is it bad that I missed a dose? - Angela", ["Angela"], ["missed a dose"]),
    ("dr patel said my cholesterol is high", ["patel"], ["cholesterol"]),
    ("this is linda, my number is 4155550199", ["linda", "4155550199"], ["my number is"]),
    ("I live at 12 elm street, springfield and the ER is far", ["12 elm street", "springfield"], ["ER is far"]),
    ("I'm from Boston", ["Boston"], ["I'm from"]),
    ("i live in fresno and the smoke makes my copd worse", ["fresno"], ["copd"]),
    ("they asked for my social security number 078 05 1120", ["078 05 1120"], ["social security"]),
    ("my insurance member id is XJH449201833", ["XJH449201833"], ["member id"]),
    ("email me at jwalker at yahoo dot com", ["jwalker at yahoo dot com"], ["email me"]),
    ("born on march 3rd 1962", ["march 3rd 1962"], ["born on"]),
    ("I'm 94 and my knees hurt", ["94"], ["knees"]),
])
def test_chat_messages_lose_their_identifiers_and_keep_the_question(text, removed, kept):
    redacted, _ = redact(text)
    for value in removed:
        assert value not in redacted, (value, redacted)
    for words in kept:
        assert words in redacted, (words, redacted)


@pytest.mark.parametrize("text", [
    "I'm worried about the side effects of statins",
    "I'm 54 and my cholesterol is 240",
    "Is this normal after a flu shot?",
    "my son has a fever and a cough",
    "I'm taking metformin and lisinopril",
    "I'm allergic to sulfa drugs",
    "I live in constant pain from fibromyalgia",
    "I live with type 2 diabetes",
    "What does Parkinson's disease do to sleep?",
    "My husband has Crohn's disease",
    "my husband will not take his statin",
    "I'm Hispanic, does that change my diabetes risk?",
    "Thanks for the answer, that helps a lot!",
    "This is Dilaudid which is very effective",
    "Thanks FDA",
    "I am COPD patient",
    "my temperature is 97, should I worry?",
    "Thereafter, only 1 may be taken in a 24 hour period.",
    "visual acuity went from 20/20 to 20/30-40",
    "I'm 5 minutes drive from the hospital",
    "I had MS Contin for pain",
])
def test_medical_lookalikes_are_not_redacted(text):
    assert scan_text(text) == [], [(f.kind, f.value) for f in scan_text(text)]


def test_the_labelled_dev_messages_lose_every_identifier_and_clean_ones_keep_everything():
    """The dev half of data/eval/phi (the rules were written against it; benchmarks/phi_redaction.py reports
    the held-out half)."""
    rows = [json.loads(line) for line in EVAL.open()]
    dev = [r for r in rows if r["split"] == "dev"]
    assert len(dev) >= 60 and sum(bool(r["phi"]) for r in rows) >= 50
    for row in dev:
        redacted, findings = redact(row["text"])
        for gold in row["phi"]:
            covered = all(any(f.start <= i < f.end for f in findings) for i in range(gold["start"], gold["end"]))
            assert covered, (row["id"], gold, redacted)
        if not row["phi"]:
            assert findings == [], (row["id"], redacted)


def test_uk_postcodes_are_redacted_but_lab_and_vitamin_codes_are_not():
    text, findings = redact("we live at 44 Oak Avenue, Leeds LS6 2AB; my HbA1c is 7.2 and I take B12")
    assert "LS6 2AB" not in text and "HbA1c is 7.2" in text and "B12" in text
    assert "zip" in {f.kind for f in findings}
