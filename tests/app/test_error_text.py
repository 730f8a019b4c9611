"""Issue 21.4: what the UI shows for an error — a plain title, not the reason code, and a hint in the app's
terms — on errors raised by real calls; the CLI keeps the reason code and its command-line hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from medtune.errors import CLI_SYNTAX, DEFAULT_HINTS, TITLES, UI_HINTS, DataError, Reason, title_for, ui_hint_for

BAD_REVIEWS = b"text,label\nfine,positive\n,negative\nok,meh\n"


def test_every_reason_has_a_title_and_a_ui_hint_without_command_line_syntax() -> None:
    for reason in Reason:
        assert TITLES[reason] and reason.value not in TITLES[reason]
        assert not CLI_SYNTAX.search(UI_HINTS[reason]), UI_HINTS[reason]
    assert CLI_SYNTAX.search(DEFAULT_HINTS[Reason.DATA])  # the CLI's own text is unchanged


def test_a_bad_upload_registered_reads_as_data_problem_with_a_ui_hint(medtune_home: Path) -> None:
    from medtune.data import uploads

    stored = uploads.store_upload("reviews.csv", BAD_REVIEWS)
    with pytest.raises(DataError) as caught:
        uploads.register_upload(stored, "sentiment")
    err = caught.value
    assert err.to_dict()["reason"] == "DATA" and err.hint.startswith("`medtune data validate ")  # CLI: unchanged
    assert err.title == "Problem with the data"
    assert err.ui_hint == "The Datasets page's Upload tab lists every row error"


def test_a_job_status_hint_names_the_page_instead_of_the_command() -> None:
    hint = "`medtune jobs resume 20260101-abc` continues from step 40, its newest complete checkpoint."
    assert ui_hint_for("WORKER_LOST", hint) == "Resume (Jobs page) continues from step 40, its newest complete checkpoint."
    assert ui_hint_for("CONFIG", "use --tokenizer minilm (embedded)") == UI_HINTS[Reason.CONFIG]
    assert ui_hint_for("OOM", None) == UI_HINTS[Reason.OOM]
    assert title_for("OOM") == "Out of memory" and title_for("TOO_LARGE") == "TOO_LARGE"
