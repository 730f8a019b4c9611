"""The first chat answer after `medtune serve` starts, with and without the start-up warm-up (issue 17).

    python benchmarks/serve_warmup.py [--kb DIR] [--runs 2]

Starts `medtune serve --api-only` (a fresh process each time) and times the first POST /api/chat once the port
answers: with `--no-warmup` right away, and with the warm-up after /api/health reports it `ready`. Without
`--kb`, a small knowledge base (every FDA label section + 40 MedQuAD answers, as the chat tests use) is built
into a temporary folder first. Prints one line per run and the means.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
QUESTION = "Can I take ibuprofen if I'm already on aspirin for heart disease?"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return json.loads(resp.read())


def ask(url: str) -> float:
    body = json.dumps({"question": QUESTION}).encode()
    req = urllib.request.Request(f"{url}/api/chat", body, {"Content-Type": "application/json"})
    began = time.perf_counter()
    with urllib.request.urlopen(req, timeout=300) as resp:
        assert resp.status == 200
    return time.perf_counter() - began


def one_run(kb: Path, warm: bool) -> tuple[float, float, float]:
    """(seconds until the port answered, seconds of warm-up waited for, seconds of the first answer)."""
    port, began = free_port(), time.perf_counter()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "MEDTUNE_HOME": home, "MEDTUNE_KB_DIR": str(kb), "PYTHONPATH": str(REPO)}
        cmd = [sys.executable, "-m", "medtune", "serve", "--api-only", "--port", str(port)]
        proc = subprocess.Popen(cmd + ([] if warm else ["--no-warmup"]), cwd=REPO, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            while True:
                try:
                    health = get(f"{url}/api/health")
                    break
                except OSError:
                    time.sleep(0.2)
            up = time.perf_counter() - began
            waited = 0.0
            while warm and health["warmup"]["state"] == "warming":
                time.sleep(0.2)
                health = get(f"{url}/api/health")
            if warm:
                waited = health["warmup"]["seconds"]
                assert health["warmup"]["state"] == "ready", health["warmup"]
            return up, waited, ask(url)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, help="a knowledge base directory (default: build a small one)")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        kb = args.kb
        if kb is None:
            sys.path.insert(0, str(REPO))
            from tests.chat.kbutil import build_kb

            kb = build_kb(Path(tmp) / "kb", medquad=40)
        results: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(args.runs):
            for warm in (False, True):
                up, waited, first = one_run(kb, warm)
                results[warm].append(first)
                print(f"{'warm-up   ' if warm else 'no warm-up'}: port open after {up:.1f} s, warm-up "
                      f"{waited:.1f} s, first answer {first:.2f} s", flush=True)
    for warm, times in results.items():
        print(f"mean first answer {'with' if warm else 'without'} warm-up: {sum(times) / len(times):.2f} s "
              f"({len(times)} runs)")


if __name__ == "__main__":
    main()
