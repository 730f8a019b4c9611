"""How much of a chunked request body `medtune serve` reads before it answers 413, and what it costs in memory.

    python benchmarks/body_cap.py [--mb 200] [--repo PATH]

Starts `medtune serve --api-only` from `--repo` (default: this checkout) on a free port with an empty
MEDTUNE_HOME, streams `--mb` MiB of JSON to /api/chat in 64 KiB chunks (Transfer-Encoding: chunked, no
Content-Length), and prints the bytes sent when the first response byte arrived (the client's kernel buffers included), the
status, and the server's resident memory before, at its peak and after (issue 19.2: 1.5 GB took a server from 2.6 to 3.7 GB RSS).
"""

from __future__ import annotations

import argparse
import os
import select
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHUNK = 64 * 1024


def memory_mb(pid: int, field: str) -> float:
    """VmRSS (resident now) or VmHWM (the peak resident size so far) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(repo: Path, home: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "MEDTUNE_HOME": str(home), "MEDTUNE_KB_DIR": str(home / "kb"), "PYTHONPATH": str(repo)}
    # No warm-up (where the version has it): its model loading would blur the memory figures.
    quiet = ["--no-warmup"] if "no-warmup" in (repo / "medtune" / "commands" / "serve.py").read_text() else []
    proc = subprocess.Popen([sys.executable, "-m", "medtune", "serve", "--api-only", "--port", str(port), *quiet],
                            cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    for _ in range(240):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not start")


def stream(port: int, total: int) -> tuple[int, bytes, float]:
    sock = socket.create_connection(("127.0.0.1", port), timeout=120)
    sock.sendall(b"POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 b"Transfer-Encoding: chunked\r\n\r\n")
    began, sent, answered = time.perf_counter(), 0, None
    chunk = b"a" * CHUNK
    try:
        sock.sendall(b'e\r\n{"question": "\r\n')
        while sent < total:
            sock.sendall(f"{CHUNK:x}\r\n".encode() + chunk + b"\r\n")
            sent += CHUNK
            if select.select([sock], [], [], 0)[0]:
                answered = sent
                break
        else:
            sock.sendall(b'2\r\n"}\r\n0\r\n\r\n')
    except (BrokenPipeError, ConnectionResetError):
        answered = sent
    head = sock.recv(200)
    seconds = time.perf_counter() - began
    sock.close()
    return (sent if answered is None else answered), head, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="MiB to stream (default 200)")
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        port = free_port()
        proc = start(args.repo.resolve(), Path(home), port)
        try:
            before = memory_mb(proc.pid, "VmRSS")
            sent, head, seconds = stream(port, args.mb * 1024 * 1024)
            time.sleep(1)
            peak, after = memory_mb(proc.pid, "VmHWM"), memory_mb(proc.pid, "VmRSS")
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    status = head.split(b"\r\n", 1)[0].decode(errors="replace")
    print(f"repo {args.repo}: streamed up to {args.mb} MiB; response '{status}' after {sent / 1024:.0f} KiB sent "
          f"({seconds:.2f} s); server RSS {before:.0f} MB before, peak {peak:.0f} MB, {after:.0f} MB after")


if __name__ == "__main__":
    main()
