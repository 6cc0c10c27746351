"""Shared helpers: the rctopo binary under test ($RCTOPO, else target/debug/rctopo)."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def rctopo() -> pathlib.Path:
    path = pathlib.Path(os.environ.get("RCTOPO", ROOT / "target" / "debug" / "rctopo"))
    if not path.is_file():
        pytest.fail(f"no rctopo binary at {path}: cargo build -p rctopo, or set RCTOPO")
    return path


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
