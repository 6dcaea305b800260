"""The benchmark-only virtual environment of the Microsoft 365 Agents SDK echo bot
(bench/agents_echo.py): bench/.work/agents-venv, made from bench/agents-requirements.txt
with pip from PyPI the first time, and again when that file changes.

    python -m bench.agents_venv      # make it now; prints its Python
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE / "agents-requirements.txt"
VENV = HERE / ".work" / "agents-venv"


def python() -> Path:
    """The venv's Python, made or remade first when needed (RuntimeError if pip fails)."""
    exe = VENV / "bin" / "python"
    stamp = VENV / "requirements.sha256"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if exe.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        return exe
    VENV.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    done = subprocess.run([str(exe), "-m", "pip", "install", "--quiet",
                           "--disable-pip-version-check", "-r", str(REQUIREMENTS)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pip install -r {REQUIREMENTS.name} failed: "
                           f"{(done.stderr or done.stdout).strip()[-500:]}")
    stamp.write_text(wanted + "\n")
    return exe


def versions(exe: Path) -> str:
    """'microsoft-agents-hosting-aiohttp 1.9.0, ...' as installed in the venv."""
    code = ("import importlib.metadata as m; print(', '.join(f'{d} ' + m.version(d) for d in "
            "('microsoft-agents-hosting-aiohttp', 'microsoft-agents-hosting-core', "
            "'microsoft-agents-activity', 'microsoft-agents-authentication-msal', "
            "'aiohttp')))")
    return subprocess.run([str(exe), "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()


if __name__ == "__main__":
    exe = python()
    print(exe, versions(exe))  # noqa: T201
