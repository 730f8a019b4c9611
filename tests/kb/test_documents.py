"""User documents: text, markdown, CSV and PDF with provenance; bad files are reported, never half-added."""

from __future__ import annotations

import pytest

from medtune.errors import DataError
from medtune.kb.documents import documents_from_bytes, documents_from_file


def _pdf(lines: list[str]) -> bytes:
    """A minimal one-page PDF with a Helvetica text stream (what any PDF writer produces, by hand)."""
    ops = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(ops)} >>\nstream\n{ops}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_markdown_and_text_keep_provenance(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("# Flu shots\n\nThe flu vaccine is updated every year.\n")
    [doc] = documents_from_file(path)
    assert doc.source == "user" and doc.title == "Flu shots"
    assert doc.meta["file"] == "notes.md" and len(doc.meta["sha256"]) == 64 and doc.meta["added_at"]
    [same] = documents_from_bytes(path.read_bytes(), "copy.txt")
    assert same.doc_id == doc.doc_id  # same content, same id: re-adding never duplicates


def test_csv_rows_become_documents():
    data = b"title,text,url\nStatins,Statins lower LDL cholesterol.,https://example.org/s\nEmpty,,\n" \
           b"Aspirin,Low-dose aspirin is not for everyone.,\n"
    docs = documents_from_bytes(data, "facts.csv")
    assert [d.title for d in docs] == ["Statins", "Aspirin"]
    assert docs[0].url == "https://example.org/s" and docs[0].meta["row"] == 2 and docs[1].meta["row"] == 4
    with pytest.raises(DataError, match="no text column"):
        documents_from_bytes(b"a,b\n1,2\n", "x.csv")


def test_pdf_text_is_extracted():
    pytest.importorskip("pypdf")
    [doc] = documents_from_bytes(_pdf(["Metformin is a first-line treatment.", "Take it with meals."]), "leaflet.pdf")
    assert "Metformin is a first-line treatment." in doc.text and "Take it with meals." in doc.text
    with pytest.raises(DataError, match="not a readable PDF"):
        documents_from_bytes(b"%PDF-1.4 garbage", "broken.pdf")


def test_bad_inputs_are_data_errors(tmp_path):
    with pytest.raises(DataError, match="unsupported file type"):
        documents_from_bytes(b"x", "image.png")
    with pytest.raises(DataError, match="empty"):
        documents_from_bytes(b"  \n", "blank.txt")
    with pytest.raises(DataError, match="not UTF-8"):
        documents_from_bytes(b"\xff\xfe\xfa text", "latin.txt")
