"""The command line fails in one line with the right hint (issues 19.7, 20.3): invalid text, bad ports, hints
that name the command at hand. Each case runs the real `python -m medtune` in a subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def medtune(*args: str | bytes, home: Path, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "medtune", *args], cwd=REPO, capture_output=True, text=True,
                          check=False, timeout=timeout, env={**os.environ, "MEDTUNE_HOME": str(home), **env},
                          stdin=subprocess.DEVNULL)


def assert_one_line_error(proc: subprocess.CompletedProcess, reason: str, *, mentions: str = "") -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stdout[-500:], proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    lines = proc.stderr.strip().splitlines()
    assert lines[0].startswith(f"error [{reason}]:") and lines[1].startswith("hint:"), lines
    assert mentions.lower() in proc.stderr.lower(), proc.stderr


def test_serve_refuses_a_port_out_of_range_at_once(tmp_path: Path) -> None:
    start = time.monotonic()
    proc = medtune("serve", "--api-only", "--port", "99999", home=tmp_path, timeout=60)
    assert_one_line_error(proc, "CONFIG", mentions="99999")
    assert "medtune chat server on" not in proc.stdout  # no banner before failing
    assert time.monotonic() - start < 30


def test_serve_says_when_the_port_is_taken(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = medtune("serve", "--api-only", "--no-warmup", "--port", str(port), home=tmp_path, timeout=60)
    assert_one_line_error(proc, "NOT_AVAILABLE", mentions=f"127.0.0.1:{port}")


def test_invalid_settings_are_a_one_line_error(tmp_path: Path) -> None:
    proc = medtune("serve", "--api-only", home=tmp_path, timeout=60, MEDTUNE_API_PORT="99999")
    assert_one_line_error(proc, "CONFIG", mentions="MEDTUNE_API_PORT")


def test_sentiment_empty_text_hints_at_sentiment(tmp_path: Path) -> None:
    proc = medtune("sentiment", "--text", "", home=tmp_path)
    assert_one_line_error(proc, "CONFIG", mentions="medtune sentiment")
    assert "train --help" not in proc.stderr


def test_train_with_an_unknown_task_lists_the_tasks(tmp_path: Path) -> None:
    proc = medtune("train", "--task", "nosuch", home=tmp_path)
    assert_one_line_error(proc, "CONFIG", mentions="nosuch")
    assert "misinformation" in proc.stderr and "sentiment" in proc.stderr, proc.stderr


def test_serve_imports_the_chat_ui_without_putting_the_checkout_on_sys_path(tmp_path: Path) -> None:
    """Issue 18.5: only app/ becomes importable (as the package `app`), not the whole checkout."""
    code = ("import sys; root = sys.argv[1]; sys.path.insert(0, root); import medtune.commands.serve as serve; "
            "sys.path.remove(root); before = list(sys.path); module = serve.import_ui_server(); "
            "assert sys.path == before, set(sys.path) ^ set(before); "
            "assert callable(module.build_app) and 'gradio' in sys.modules; print(module.__file__)")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run([sys.executable, "-c", code, str(REPO)], cwd=tmp_path, capture_output=True, text=True,
                          check=False, timeout=120, env={**env, "MEDTUNE_HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == str(REPO / "app" / "server.py")


def test_serve_without_the_ui_folder_says_to_use_api_only(tmp_path: Path, monkeypatch) -> None:
    import pytest

    from medtune.commands import serve
    from medtune.errors import NotAvailableError

    monkeypatch.setattr(serve, "UI_DIR", tmp_path / "app")
    with pytest.raises(NotAvailableError, match="app/server.py") as err:
        serve.load_app(api_only=False)
    assert "--api-only" in err.value.hint


def test_usage_errors_hint_at_their_own_command(tmp_path: Path) -> None:
    cases = [(("chat", "--input", "q.jsonl"), "DATA", "medtune chat"),
             (("check", "a claim", "--k", "50"), "DATA", "--k 4"),
             (("sentiment", "--input", "a.csv", "--output", "b.jsonl", "--limit", "0"), "CONFIG", "medtune sentiment")]
    for args, reason, hint in cases:
        proc = medtune(*args, home=tmp_path, timeout=60)
        assert_one_line_error(proc, reason, mentions=hint)
        assert "train --help" not in proc.stderr and "data validate" not in proc.stderr, (args, proc.stderr)
