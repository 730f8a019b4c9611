"""User files: each kind of broken input with its message, safe storage, and uploads as datasets."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from medtune.data.uploads import (
    list_upload_specs,
    register_upload,
    safe_filename,
    store_upload,
    validate_file,
)
from medtune.errors import DataError
from medtune.settings import get_settings


def _file(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def _errors(report) -> list[str]:
    return [str(e) for e in report.errors]


def _only_error(report) -> str:
    assert not report.valid
    assert report.error_count == 1, _errors(report)
    return str(report.errors[0])


GOOD_CSV = "review,rating\nWorked well for my migraines,Positive\nMade me dizzy,negative\nNo change at all,neutral\n"


# --- broken inputs: each one named with its row, column and what was expected ----------------------------
def test_malformed_json_line(tmp_path):
    path = _file(tmp_path, "x.jsonl", '{"text": "fine", "label": "positive"}\n{"text": "broken", "label": \n')
    msg = _only_error(validate_file(path, "sentiment"))
    assert msg.startswith("row 2 (line 2): not valid JSON (Expecting value at column")
    assert "expected one JSON object per line" in msg


def test_json_line_that_is_not_an_object(tmp_path):
    path = _file(tmp_path, "x.jsonl", '{"text": "fine", "label": "positive"}\n["a", "b"]\n')
    assert _only_error(validate_file(path, "sentiment")).startswith("row 2 (line 2): a JSON list, not an object")


def test_non_utf8_file(tmp_path):
    path = _file(tmp_path, "x.csv", b"text,label\nfine,positive\ncaf\xe9 au lait,neutral\n")
    msg = _only_error(validate_file(path, "sentiment"))
    assert msg.startswith("line 3: not UTF-8 text: byte 0xe9 at byte offset 28")
    assert "expected a UTF-8 encoded file" in msg


def test_wrong_extension(tmp_path):
    path = _file(tmp_path, "reviews.xlsx", "PK\x03\x04")
    assert _only_error(validate_file(path, "sentiment")) == (
        "file type '.xlsx' is not accepted; expected one of .csv, .tsv, .jsonl, .json, .parquet")


def test_missing_required_column(tmp_path):
    path = _file(tmp_path, "x.csv", "review,stars\ngood,5\n")
    report = validate_file(path, "sentiment", "text=review")
    assert _only_error(report) == ("column 'label': required field 'label' has no column; expected a column "
                                   "named 'label', or a column mapped to 'label'; columns are: review, stars")


def test_mapped_column_not_in_file(tmp_path):
    path = _file(tmp_path, "x.csv", GOOD_CSV)
    msg = _only_error(validate_file(path, "sentiment", "text=body,label=rating"))
    assert msg == "column 'body': mapped column 'body' (for 'text') is not in the file; expected one of: review, rating"


def test_unknown_field_in_mapping(tmp_path):
    path = _file(tmp_path, "x.csv", GOOD_CSV)
    report = validate_file(path, "sentiment", "text=review,label=rating,stars=rating")
    assert _errors(report)[0].startswith("unknown field 'stars' in the column mapping; expected one of text, label")


def test_unknown_label_listed_with_rows(tmp_path):
    path = _file(tmp_path, "x.csv", GOOD_CSV + "Loved it,great\nBest ever,great\n")
    report = validate_file(path, "sentiment", "text=review,label=rating")
    assert report.error_count == 2
    assert _errors(report)[0] == ("row 4 (line 5), column 'rating': unknown label 'great'; expected one of "
                                  "negative, neutral, positive (or add great=negative to the label map)")
    assert report.unknown_labels == {"great": [4, 5]}
    fixed = validate_file(path, "sentiment", "text=review,label=rating", label_map="great=positive")
    assert fixed.valid and fixed.labels == {"positive": 3, "negative": 1, "neutral": 1}


def test_empty_text_cell(tmp_path):
    path = _file(tmp_path, "x.csv", "review,rating\nfine,positive\n   ,negative\n")
    assert _only_error(validate_file(path, "sentiment", "text=review,label=rating")) == (
        "row 2 (line 3), column 'review': empty text; expected a non-empty text")


def test_over_long_text(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDTUNE_MAX_TEXT_CHARS", "100")
    get_settings.cache_clear()
    path = _file(tmp_path, "x.jsonl", json.dumps({"text": "x" * 150, "label": "neutral"}) + "\n")
    assert _only_error(validate_file(path, "sentiment")) == (
        "row 1 (line 1), column 'text': text is 150 characters long; expected at most 100 characters "
        "(MEDTUNE_MAX_TEXT_CHARS)")


def test_oversize_file(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDTUNE_UPLOAD_LIMIT_MB", "1")
    get_settings.cache_clear()
    path = _file(tmp_path, "big.csv", "text,label\n" + "a very long review,positive\n" * 50_000)
    msg = _only_error(validate_file(path, "sentiment"))
    assert msg == "file is 1.3 MB, over the upload limit of 1 MB; expected at most 1 MB (MEDTUNE_UPLOAD_LIMIT_MB), or split the file"
    with pytest.raises(DataError, match=r"upload 'big.csv' is 1.3 MB, over the limit of 1 MB"):
        store_upload("big.csv", path.read_bytes())
    assert not get_settings().uploads_path.exists() or not any(get_settings().uploads_path.iterdir())


def test_ragged_csv_rows_are_reported_and_the_rest_still_checked(tmp_path):
    path = _file(tmp_path, "x.csv", "text,label\nfine,positive\ntoo,many,cells\nshort\n,negative\n")
    report = validate_file(path, "sentiment")
    assert _errors(report) == [
        "row 2 (line 3): 3 cells, but the header has 2 columns; expected 2 cells per row (ragged rows are not read)",
        "row 3 (line 4): 1 cells, but the header has 2 columns; expected 2 cells per row (ragged rows are not read)",
        "row 4 (line 5), column 'text': empty text; expected a non-empty text",
    ]


def test_duplicate_header_names(tmp_path):
    path = _file(tmp_path, "x.csv", "text,label,text\nfine,positive,again\n")
    assert _errors(validate_file(path, "sentiment"))[0] == (
        "line 1, column 'text': column 'text' appears twice in the header (columns 1 and 3); expected unique column names")


def test_empty_file_and_header_only(tmp_path):
    assert _only_error(validate_file(_file(tmp_path, "e.csv", ""), "sentiment")).startswith("file is empty")
    assert _only_error(validate_file(_file(tmp_path, "h.csv", "text,label\n"), "sentiment")).startswith("no data rows")


def test_duplicate_ids(tmp_path):
    rows = [{"id": "r1", "text": "a", "label": "positive"}, {"id": "r1", "text": "b", "label": "negative"}]
    path = _file(tmp_path, "x.json", json.dumps(rows))
    assert _only_error(validate_file(path, "sentiment")) == (
        "row 2, column 'id': duplicate id 'r1' (first on row 1); expected a unique id per row")


def test_corrupt_parquet_and_valid_parquet(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    assert _only_error(validate_file(_file(tmp_path, "x.parquet", b"not parquet at all"), "sentiment")).startswith(
        "not a readable Parquet file")
    good = tmp_path / "good.parquet"
    pq.write_table(pa.table({"body": ["fine", "awful"], "stars": [5, 1]}), good)
    report = validate_file(good, "intensity", "text=body,label=stars")
    assert report.valid and report.labels == {"very_positive": 1, "very_negative": 1}


def test_mcq_with_option_columns_and_bad_answer(tmp_path):
    content = "question,A,B,C,answer\nWhich is an antibiotic?,aspirin,amoxicillin,insulin,B\nPick one,x,y,z,E\n"
    report = validate_file(_file(tmp_path, "q.csv", content), "mcq", "label=answer")
    assert _only_error(report) == ("row 2 (line 3), column 'answer': unknown label 'E'; "
                                   "expected one of the options A, B, C")


def test_label_conventions_are_accepted(tmp_path):
    path = _file(tmp_path, "c.csv", "claim,label\nMasks work,real\nBleach cures it,fake\nGarlic helps,Mixture\n")
    report = validate_file(path, "misinformation")
    assert report.valid and report.labels == {"true": 1, "false": 1, "misleading": 1}
    assert report.label_map == {"real": "true", "fake": "false", "Mixture": "misleading"}


def test_phi_is_a_warning_not_an_error(tmp_path):
    path = _file(tmp_path, "p.csv", "text,label\nfine,neutral\nDr. Alice Moore called 555-123-4567 about it,positive\n")
    report = validate_file(path, "sentiment")
    assert report.valid
    assert report.phi["by_kind"] == {"name": 1, "phone": 1} and report.phi["rows_affected"] == 1
    assert {(e["row"], e["column"], e["kind"]) for e in report.phi["examples"]} == {(2, "text", "name"),
                                                                                    (2, "text", "phone")}
    assert report.warnings and "personal identifiers in 1 rows" in report.warnings[0]
    assert "Alice" not in json.dumps(report.phi)  # the report locates identifiers without repeating them


# --- storage ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, message", [
    ("../../x.csv", "contains a directory part"),
    ("/etc/passwd.csv", "contains a directory part"),
    ("C:\\Users\\me\\reviews.csv", "contains a directory part"),
    ("..\\..\\x.csv", "contains a directory part"),
    ("sub/dir/x.csv", "contains a directory part"),
    ("x\x00.csv", "NUL byte"),
    (".bashrc.csv", "starts with a dot"),
    ("..", "contains a directory part"),
    ("payload.sh", "file type '.sh'"),
    ("noextension", "file type '(none)'"),
])
def test_unsafe_names_are_refused_and_nothing_is_written(name, message, tmp_path):
    uploads = get_settings().uploads_path
    with pytest.raises(DataError, match=message.replace("(", r"\(").replace(")", r"\)")):
        store_upload(name, b"text,label\nx,positive\n")
    assert not uploads.exists() or not [p for p in uploads.rglob("*")]
    assert not (tmp_path.parent / "x.csv").exists()


def test_names_are_made_plain_and_short():
    assert safe_filename("My Reviews (2024) é.CSV") == "My_Reviews_2024.csv"
    long = safe_filename("a" * 500 + ".jsonl")
    assert len(long) == 120 and long.endswith(".jsonl")
    assert safe_filename("***.csv") == "upload.csv"


def test_store_never_overwrites_and_stays_inside_the_upload_dir():
    first = store_upload("reviews.csv", b"text,label\na,positive\n")
    second = store_upload("reviews.csv", b"text,label\nb,negative\n")
    third = store_upload("reviews.csv", b"text,label\nc,neutral\n")
    uploads = get_settings().uploads_path.resolve()
    assert [p.name for p in (first, second, third)] == ["reviews.csv", "reviews-2.csv", "reviews-3.csv"]
    assert all(p.parent == uploads for p in (first, second, third))
    assert first.read_bytes() == b"text,label\na,positive\n"  # untouched by the later uploads
    assert not [p for p in uploads.iterdir() if p.name.startswith(".")]  # no temp files left behind


# --- uploads as datasets ------------------------------------------------------------------------------------
def _upload_reviews(n: int = 60) -> str:
    lines = ["body,stars,when"] + [
        f"\"Review {i}: the {['tablets', 'patch', 'syrup'][i % 3]} helped with {i * 7} days of pain\",{i % 5 + 1},2021"
        for i in range(n)]
    path = store_upload("reviews.csv", ("\n".join(lines) + "\n").encode())
    return register_upload(path, "intensity", {"text": "body", "label": "stars", "date": "when"})


def test_registered_upload_is_a_dataset_for_load_examples_and_prepare(tmp_path):
    from medtune.data.examples import load_examples
    from medtune.data.info import dataset_summary
    from medtune.data.prepare import prepare_dataset
    from medtune.data.registry import get_dataset, list_datasets

    name = _upload_reviews()
    assert name == "upload:reviews.csv"
    sidecar = get_settings().uploads_path / "reviews.csv.mapping.json"
    assert json.loads(sidecar.read_text())["fields"]["text"] == "body"
    assert name in [s.name for s in list_datasets()]
    assert get_dataset(name).tasks == ("intensity",)
    examples = load_examples(name, "all")
    assert len(examples) == 60 and examples[0].id == "reviews.csv-1"
    assert examples[0].label == "very_negative" and examples[4].label == "very_positive"
    assert dataset_summary(name)["splits"][0]["rows"] == 60
    report = prepare_dataset(name, None, tmp_path / "prep")
    assert sum(report["splits"][s]["rows"] for s in ("train", "validation", "test")) == 60
    assert report["label_mapping"]["counts"]["1 -> very_negative"] == 12


def test_invalid_upload_cannot_be_registered_and_bad_sidecars_are_ignored():
    path = store_upload("bad.csv", b"text,label\nfine,superb\n")
    with pytest.raises(DataError, match=r"bad.csv is not valid for task 'sentiment': row 1 \(line 2\), column 'label': unknown label 'superb'"):
        register_upload(path, "sentiment")
    assert not (path.parent / "bad.csv.mapping.json").exists()
    (path.parent / "bad.csv.mapping.json").write_text("{not json")
    good = _upload_reviews(10)
    assert [s.name for s in list_upload_specs()] == [good]
    with pytest.raises(DataError, match="not in the uploads directory"):
        register_upload(Path(os.devnull), "sentiment")


def test_store_without_hard_links_still_never_overwrites(monkeypatch):
    def no_links(src, dst):
        raise PermissionError("hard links not supported here")

    monkeypatch.setattr(os, "link", no_links)  # e.g. some network and container filesystems
    first = store_upload("notes.jsonl", b'{"text": "a"}\n')
    second = store_upload("notes.jsonl", b'{"text": "b"}\n')
    assert (first.name, second.name) == ("notes.jsonl", "notes-2.jsonl")
    assert first.read_bytes() == b'{"text": "a"}\n' and second.read_bytes() == b'{"text": "b"}\n'


# --- storing only the valid rows (issue 17) --------------------------------------------------------------
MIXED_CSV = ("review,rating\n"
             "Great drug, no side effects,positive\n"   # row 1: ragged (3 cells)
             "Terrible headache,negative\n"              # row 2: fine
             "ok I guess,meh\n"                          # row 3: unknown label
             ",positive\n"                               # row 4: empty text
             "\"Helped my sleep, finally\",positive\n")  # row 5: fine (a quoted comma)


def test_valid_rows_are_stored_and_the_skipped_ones_listed(tmp_path, medtune_home):
    from medtune.data.examples import load_examples
    from medtune.data.registry import get_dataset
    from medtune.data.uploads import upload_valid_rows

    path = _file(tmp_path, "mixed.csv", MIXED_CSV)
    report = validate_file(path, "sentiment", "text=review,label=rating")
    assert (report.error_rows, report.valid_rows, report.file_errors, report.can_skip_bad_rows) == ([1, 3, 4], 2, 0, True)

    result = upload_valid_rows(path, "sentiment", "text=review,label=rating")
    assert (result.name, result.rows, result.skipped) == ("upload:mixed.csv", 2, 3)
    assert [(e.row, e.line) for e in result.skipped_errors] == [(1, 2), (3, 4), (4, 5)]
    assert result.path.read_text() == 'review,rating\nTerrible headache,negative\n"Helped my sleep, finally",positive\n'
    examples = load_examples(result.name, "all", "sentiment")
    assert [(e.text, e.label) for e in examples] == [("Terrible headache", "negative"),
                                                    ("Helped my sleep, finally", "positive")]
    sidecar = json.loads(result.path.with_name("mixed.csv.mapping.json").read_text())
    assert sidecar["skipped"] == {"rows": 3, "row_numbers": [1, 3, 4], "source_rows": 5}
    description = get_dataset(result.name).description
    assert "{" not in description and description.startswith("2 rows uploaded ")
    assert description.endswith("columns: text ← review, label ← rating · 3 invalid rows of the original file skipped")


@pytest.mark.parametrize("suffix", [".jsonl", ".json", ".parquet"])
def test_valid_rows_keep_the_file_format(tmp_path, medtune_home, suffix):
    from medtune.data.uploads import upload_valid_rows

    rows = [{"text": "Fine", "label": "positive"}, {"text": "Meh", "label": "so-so"},
            {"text": "Awful", "label": "negative"}]
    path = tmp_path / f"r{suffix}"
    if suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows) + "{broken\n")
    elif suffix == ".json":
        path.write_text(json.dumps(rows))
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), path)
    result = upload_valid_rows(path, "sentiment")
    assert result.path.suffix == suffix and result.rows == 2
    assert result.skipped == (2 if suffix == ".jsonl" else 1)
    report = validate_file(result.path, "sentiment")
    assert report.valid and report.labels == {"positive": 1, "negative": 1}


def test_a_problem_of_the_whole_file_still_refuses_everything(tmp_path, medtune_home):
    from medtune.data.uploads import upload_valid_rows
    from medtune.errors import DataError

    path = _file(tmp_path, "x.csv", "review,stars\ngood,5\n")
    report = validate_file(path, "sentiment", "text=review")
    assert report.file_errors == 1 and not report.can_skip_bad_rows
    with pytest.raises(DataError, match="a problem concerns the whole file"):
        upload_valid_rows(path, "sentiment", "text=review")
    assert not (medtune_home / "uploads").exists() or not any((medtune_home / "uploads").iterdir())
