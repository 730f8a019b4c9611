"""The Streamlit app listens on 127.0.0.1 by default and says so loudly when told to listen elsewhere (issue 20.1);
its toolbar hides the "Deploy" button (issue 17)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[1]


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on `port`, read from /proc/net/tcp and tcp6."""
    found = set()
    for table, size in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port and len(address) == size:
                raw = bytes.fromhex(address)
                if size == 8:
                    found.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
                else:  # /proc prints IPv6 as four little-endian 32-bit words
                    words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                    found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found


@pytest.fixture
def streamlit_with_repo_config(tmp_path: Path) -> Iterator[int]:
    """`streamlit run app/main.py` from the repository, with nothing but its .streamlit/config.toml."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = tmp_path / "streamlit.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app/main.py", "--server.port", str(port),
                                 "--server.fileWatcherType", "none"], cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, "MEDTUNE_HOME": str(tmp_path)}, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()[-2000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_the_app_listens_on_loopback_only_by_default(streamlit_with_repo_config: int) -> None:
    addresses = listening_addresses(streamlit_with_repo_config)
    assert addresses == {"127.0.0.1"}, addresses


def test_repository_config_binds_loopback_and_hides_deploy() -> None:
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert config["client"]["toolbarMode"] == "minimal"


@pytest.mark.parametrize(("address", "warned"), [("0.0.0.0", True), ("", True), ("10.1.2.3", True),
                                                 ("127.0.0.1", False), ("localhost", False)])
def test_the_app_warns_when_it_is_reachable_from_the_network(address: str, warned: bool, shared_data: Path) -> None:
    from streamlit import config

    old = config.get_option("server.address")
    config.set_option("server.address", address)
    try:
        at = AppTest.from_file(str(REPO / "app" / "main.py"), default_timeout=60)
        at.run()
    finally:
        config.set_option("server.address", old)
    assert not at.exception, at.exception
    warnings = [w.value for w in at.warning if "SECURITY.md" in w.value]
    assert bool(warnings) == warned, (address, [w.value for w in at.warning])
    if warned:
        assert "no login" in warnings[0]
