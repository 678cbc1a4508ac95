"""`make run` as a newcomer uses it: start, paste the printed curl, see the sync, Ctrl-C, nothing left.

The script runs as a subprocess in its own folder and on its own ports (NETSYNCHRO_RUN_DIR,
NETSYNCHRO_PORT_OFFSET), so the test neither touches the developer's var/ and certs/ nor the usual ports.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PORTS = (8010, 8011, 8020, 8030, 8443, 14222)


def free_offset() -> int:
    """An offset at which every port `make run` uses is free."""
    for offset in range(1000, 17000, 137):  # every port stays below the kernel's ephemeral range
        if all(_free(port + offset) for port in PORTS):
            return offset
    raise RuntimeError("no free port range")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@dataclass
class RunningScript:
    process: subprocess.Popen[str]
    banner: str
    offset: int


@pytest.fixture
def make_run(tmp_path: Path) -> Iterator[RunningScript]:
    offset = free_offset()
    env = {**os.environ, "NETSYNCHRO_RUN_DIR": str(tmp_path / "run"), "NETSYNCHRO_PORT_OFFSET": str(offset)}
    process = subprocess.Popen(
        [sys.executable, "scripts/run.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # Started as a background job of a non-interactive shell would be, SIGINT ignored, whatever
        # context runs the tests: the script must install its own handler (issue 15).
        preexec_fn=_ignore_sigint,
    )
    banner = _read_until_ready(process)
    try:
        yield RunningScript(process, banner, offset)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _read_until_ready(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            raise AssertionError("make run stopped:\n" + "".join(lines))
        lines.append(line)
        if line.startswith("Ctrl-C"):
            return "".join(lines)
    raise AssertionError("make run not ready:\n" + "".join(lines))


def printed_commands(banner: str) -> list[str]:
    """The `curl` commands as printed, continuation lines joined, the `| python3 -m json.tool` dropped."""
    joined = banner.replace("\\\n", " ")
    return [line.split(" | ")[0].strip() for line in joined.splitlines() if line.strip().startswith("curl ")]


def test_printed_curl_gets_the_xml_and_the_journal_shows_the_sync(
    make_run: RunningScript, tmp_path: Path
) -> None:
    export_command, journal_command = printed_commands(make_run.banner)
    run_dir = tmp_path / "run"
    # The banner names files relative to the repository root when they are in it; here they are not.
    exported = subprocess.run(
        shlex.split(export_command), cwd=tmp_path, capture_output=True, check=True, timeout=30
    )
    assert b"200 OK" in exported.stdout
    xml = (tmp_path / "Nomenclature.xml").read_bytes()
    assert xml.startswith(b'<?xml version="1.0" encoding="ISO-8859-15"?>\n<BEE_NOMENCLATURES')
    sync_id = re.search(rb"sync-id: (\w+)", exported.stdout, re.IGNORECASE)
    assert sync_id is not None

    for _ in range(100):
        journal = subprocess.run(shlex.split(journal_command), capture_output=True, check=True, timeout=30)
        if sync_id.group(1) in journal.stdout:
            break
        time.sleep(0.1)
    assert b'"state":"served"' in journal.stdout
    assert run_dir.joinpath("certs", "manifest.json").exists()


def test_ctrl_c_stops_every_process(make_run: RunningScript) -> None:
    make_run.process.send_signal(signal.SIGINT)
    assert make_run.process.wait(timeout=60) == 0
    assert all(_free(port + make_run.offset) for port in PORTS)
