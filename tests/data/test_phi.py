"""PHI scan and redaction: every Safe Harbor kind the patterns cover, spans, tables and clean medical text."""

from __future__ import annotations

import pytest

from medtune.data.phi import KINDS, redact, scan_rows, scan_text, summarize

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
