"""Shared fixtures. The tests import the installed wheel (`pip install ./bindings-python`), never
the source tree, so they exercise what users get."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "examples").glob("*.toml"))
HOWTO = REPO / "examples" / "howto.toml"

# Passwords that must never show up anywhere but in a mode-0600 environment file.
CANARY = "Canary-pw-5f1d9e"
CANARY_TOKEN = "Canary-token-0c2b7a"


def howto_text() -> str:
    return HOWTO.read_text(encoding="utf-8")


def failing_text() -> str:
    """The how-to with a port listed twice (T005) and one on mongod's port (T007)."""
    return howto_text().replace('instances = "auto"', "ports = [3000, 3000, 27017]").replace(
        "base_port = 3000", ""
    )


def canary_text() -> str:
    """The how-to with a password in MONGO_URL and a secret-named extra variable."""
    text = howto_text().replace(
        'url = "mongodb://localhost:27017/rocketchat?replicaSet=rs0"',
        f'url = "mongodb://rc:{CANARY}@localhost:27017/rocketchat?replicaSet=rs0&authSource=admin"',
    )
    assert CANARY in text, "the how-to's mongo.url changed; update canary_text()"
    return text.replace(
        "[mongo]", f'[rocketchat.env]\nADMIN_PASSWORD = "{CANARY_TOKEN}"\n\n[mongo]', 1
    )


@pytest.fixture(scope="session")
def rctopo() -> Path:
    """The CLI binary, for parity tests: $RCTOPO, else built with cargo (debug)."""
    given = os.environ.get("RCTOPO")
    if given:
        return Path(given)
    subprocess.run(
        ["cargo", "build", "-q", "-p", "rctopo"], cwd=REPO, check=True, timeout=900
    )
    return REPO / "target" / "debug" / "rctopo"
