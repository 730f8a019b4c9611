"""The chat server as a detached process: is it up, start it, where it logs (used by the Chatbot page).

Started like a job worker (`Popen` with an argument list, output to a file, a new session) so it outlives the
Streamlit page that started it; `medtune serve` is what it runs. Whether it is up is judged by asking its
/api/health, never by a pid that may have been reused.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from medtune.errors import NotAvailableError
from medtune.settings import get_settings


def base_url() -> str:
    settings = get_settings()
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    return f"http://{host}:{settings.api_port}"


def chat_ui_url() -> str:
    return f"{base_url()}/gradio/"


def log_path() -> Path:
    return get_settings().home / "chat" / "server.log"


def pid_path() -> Path:
    """The pid of the last server started from here (for `kill`; liveness is judged by /api/health)."""
    return get_settings().home / "chat" / "server.pid"


def is_running(url: str | None = None, timeout: float = 5.0) -> bool:
    """True when a medtune server answers /api/health at `url`."""
    try:
        with urllib.request.urlopen(f"{url or base_url()}/api/health", timeout=timeout) as resp:
            return resp.status == 200 and json.loads(resp.read()).get("status") == "ok"
    except (OSError, ValueError):
        return False


def start_server(wait_s: float = 60.0) -> int:
    """Start `medtune serve` detached; wait until it answers (or `wait_s` passes). Returns its pid."""
    settings = get_settings()
    log = log_path()
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "medtune", "serve", "--host", settings.host, "--port", str(settings.api_port)]
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    pid_path().write_text(str(proc.pid))
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if is_running():
            return proc.pid
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-500:]
            raise NotAvailableError(f"the chat server exited with code {proc.returncode}: {tail}",
                                    hint=f"see {log}; is port {settings.api_port} already taken?")
        time.sleep(0.5)
    return proc.pid
