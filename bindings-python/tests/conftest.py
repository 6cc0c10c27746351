"""Shared fixtures. The tests import the installed wheel (`pip install ./bindings-python`), never
the source tree, so they exercise what users get."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "examples").glob("*.toml"))
HOWTO = REPO / "examples" / "howto.toml"

# Passwords that must never show up anywhere but in a mode-0600 environment file.
CANARY = "Canary-pw-5f1d9e"
CANARY_TOKEN = "Canary-token-0c2b7a"

# examples/production.toml takes its MongoDB password from the environment: give it the canary,
# so the CLI (a child process) and the bindings read the same file and neither may print it.
os.environ["RC_MONGO_PASSWORD"] = CANARY


def howto_text() -> str:
    return HOWTO.read_text(encoding="utf-8")


def howto_dict() -> dict[str, Any]:
    """examples/howto.toml as a dict, as an Ansible playbook would write it inline."""
    return {
        "site": {"root_url": "https://chat.example.com"},
        "rocketchat": {
            "version": "7.10.0",
            "bundle": "/opt/rocket.chat/bundle",
            "node": "/usr/local/bin/node",
            "user": "rocketchat",
            "uploads_path": "/var/lib/rocket.chat/uploads",
            "tcp_base_port": 4000,
        },
        "mongo": {
            "url": "mongodb://localhost:27017/rocketchat?replicaSet=rs0",
            "version": "7.0",
            "storage_engine": "wiredTiger",
            "replica_set": "rs0",
            "members": [{"host": "localhost:27017"}],
        },
        "proxy": {
            "kind": "nginx",
            "server_name": "chat.example.com",
            "host": "app1",
            "tls": {
                "certificate": "/etc/nginx/certificate.crt",
                "key": "/etc/nginx/certificate.key",
            },
            "affinity": "cookie",
        },
        "hosts": [{"name": "app1", "cores": 4, "instances": "auto", "base_port": 3000}],
    }


def canary_dict() -> dict[str, Any]:
    """howto_dict() with the canary password in MONGO_URL and a secret-named variable."""
    value = howto_dict()
    value["mongo"]["url"] = (
        f"mongodb://rc:{CANARY}@localhost:27017/rocketchat?replicaSet=rs0&authSource=admin"
    )
    value["rocketchat"]["env"] = {"ADMIN_PASSWORD": CANARY_TOKEN}
    return value


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
