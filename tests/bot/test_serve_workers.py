"""`partnerbot serve --workers N`: N processes answer on one port, a worker that dies is
replaced, a stop request stops them all, and a port already taken is refused once."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.support import activities as A


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> set[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return {int(p) for p in text.split()}


def _post(url: str, body: dict[str, object]) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 - 127.0.0.1 only
        return resp.status, resp.read()


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=2) as resp:  # noqa: S310
            return bool(resp.status == 200)
    except OSError:
        return False


def _wait(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _serve(tmp_path: Path, port: int, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_ID", "BOT_PASSWORD"}}
    env.update(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}", PORT=str(port),
               NOTIFY_SCHEDULER="off")
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", *args], cwd=tmp_path,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def test_workers_answer_are_replaced_and_stop_together(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = _serve(tmp_path, port, "--demo", "--workers", "2")
    try:
        _wait(lambda: proc.poll() is not None or len(_children(proc.pid)) == 2
              and _healthy(base), 60, "two workers")
        assert proc.poll() is None, proc.communicate()[0]
        first = _children(proc.pid)
        for _ in range(6):  # a new connection each time: the kernel picks the worker
            status, body = _post(f"{base}/api/messages", A.message("help"))
            assert status == 200
            assert "What you can ask" in json.dumps(A.cards_of(json.loads(body)))
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        _wait(lambda: len(_children(proc.pid)) == 2 and victim not in _children(proc.pid),
              30, "the killed worker's replacement")
        _wait(lambda: _healthy(base), 30, "the port to answer")
        replacement = next(iter(_children(proc.pid) - first))
        _wait(lambda: Path(f"/proc/{replacement}").exists(), 5, "the replacement")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=40) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        output = proc.communicate(timeout=10)[0]
    assert "2 workers on 127.0.0.1" in output
    assert "restarting it" in output
    assert not _healthy(base)


def test_a_port_already_taken_is_refused_once(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        proc = _serve(tmp_path, port, "--workers", "2")
        output = proc.communicate(timeout=60)[0]
    assert proc.returncode == 1
    assert f"Cannot listen on 127.0.0.1:{port}" in output
    assert "workers on" not in output
