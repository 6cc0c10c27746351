"""MongoUrl.parse and check_mongo_urls: the core's parser and Rocket.Chat URL rules."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import rocketchat_topology as rct

from conftest import CANARY

URL = (
    f"mongodb://rc:{CANARY}@db1:27017,db2:27018,db3/rocketchat"
    "?replicaSet=rs0&authSource=admin&readPreference=primary"
)


def test_parse_gives_the_parts() -> None:
    url = rct.MongoUrl.parse(URL)
    assert url.scheme == "mongodb"
    assert [(h["host"], h["port"]) for h in url.hosts] == [
        ("db1", 27017),
        ("db2", 27018),
        ("db3", 27017),
    ]
    assert url.database == "rocketchat"
    assert url.replica_set == "rs0"
    assert url.auth_source == "admin"
    assert url.username == "rc"
    assert url.has_password
    assert url.options["replicaset"] == "rs0"


def test_str_and_repr_are_redacted() -> None:
    url = rct.MongoUrl.parse(URL)
    assert CANARY not in str(url) + repr(url) + json.dumps(url.options)
    assert str(url).startswith("mongodb://rc:***@db1:27017,")


def test_a_bad_url_raises_with_kind_and_help() -> None:
    with pytest.raises(rct.MongoUrlError) as caught:
        rct.MongoUrl.parse(f"mongodb://rc:{CANARY}@db1:99999/rc")
    assert isinstance(caught.value, ValueError)
    assert caught.value.kind == "host"
    assert caught.value.help
    assert CANARY not in str(caught.value) + caught.value.help
    with pytest.raises(rct.MongoUrlError):
        rct.MongoUrl.parse("postgres://db1/rc")


def test_an_unknown_option_suggests_the_known_name_when_help_is_read() -> None:
    with pytest.raises(rct.MongoUrlError) as caught:
        rct.MongoUrl.parse(f"mongodb://rc:{CANARY}@db1/rc?replSet=rs0")
    assert caught.value.kind == "option"
    # `help` is a property of the class, worked out from the error when read.
    assert isinstance(type(caught.value).__dict__["help"], property)
    assert caught.value.help.startswith("did you mean `replicaSet`?")
    assert caught.value.help == caught.value.help
    with pytest.raises(rct.MongoUrlError) as version:
        rct.check_mongo_urls(URL, rocketchat_version="seven")
    assert not hasattr(version.value, "help")


# URLs refused for their password's sake or near it: each error's every field, read lazily,
# must be free of the password.
REFUSED_WITH_SECRETS = [
    f"mongodb://rc:{CANARY}@db1:99999/rc",
    f"mongodb://rc:{CANARY}@db1/rc?replSet=rs0",
    f"mongodb://rc:{CANARY}@db1/rc?authMechanism=NOPE",
    f"mongodb://db1/rc?proxyHost=p&proxyPassword=a&{CANARY}",
    f"mongodb://db1/rc?proxyHost=p&proxyPassword=a&{CANARY}=b",
    f"mongodb://rc:{CANARY}@db1/rc?tlsCertificateKeyFilePassword={CANARY}&readPreference=x",
]

LAZY_FIELDS = ("kind", "help", "diagnostics", "path", "location", "file")


@pytest.mark.parametrize("url", REFUSED_WITH_SECRETS)
def test_a_refused_url_carries_only_the_core_error_until_its_fields_are_read(url: str) -> None:
    with pytest.raises(rct.MongoUrlError) as caught:
        rct.MongoUrl.parse(url)
    error = caught.value
    # Raising set nothing but the core error: every field below is worked out on first read.
    assert set(vars(error)) == {"_detail"}
    assert error.kind in ("syntax", "userinfo", "host", "database", "option", "conflict", "auth")
    assert error.help and isinstance(error.help, str)
    assert error.diagnostics == []
    assert error.path is None and error.location is None and error.file is None
    for field in LAZY_FIELDS:
        assert CANARY not in repr(getattr(error, field)), field
    assert CANARY not in str(error) + repr(error) + repr(vars(error))


def test_lazily_read_fields_match_the_core_verdict() -> None:
    """kind, help and message, read lazily, are what the CLI (the core) reports for the URL."""
    url = "mongodb://db1/rc?replSet=rs0"
    with pytest.raises(rct.MongoUrlError) as caught:
        rct.MongoUrl.parse(url)
    [verdict] = rct.check_mongo_urls(url)["errors"]
    assert (caught.value.kind, caught.value.help, str(caught.value)) == (
        verdict["kind"],
        verdict["help"],
        verdict["message"],
    )


def test_each_error_s_lazily_made_fields_are_its_own() -> None:
    errors = []
    for url in ("mongodb://", "mongodb://db1:0/rc"):
        with pytest.raises(rct.MongoUrlError) as caught:
            rct.MongoUrl.parse(url)
        errors.append(caught.value)
    first, second = errors
    assert first.diagnostics is first.diagnostics
    first.diagnostics.append("seen")
    assert first.diagnostics == ["seen"] and second.diagnostics == []
    assert first.kind == "syntax"
    first.kind = "changed"  # still a plain, writable attribute once read
    assert (first.kind, second.kind) == ("changed", "host")
    assert rct.MongoUrlError("made by hand").diagnostics == []
    assert rct.MongoUrlError("made by hand").path is None


def test_check_urls_reports_rules_without_raising() -> None:
    report = rct.check_mongo_urls("mongodb://db1:27017/rocketchat", rocketchat_version="7.10.0")
    assert report["valid"] is True
    assert any(d["severity"] in ("error", "warning") for d in report["diagnostics"])
    bad = rct.check_mongo_urls("mongodb://db1:27017/rc?replicaSet=")
    assert bad["valid"] is False and bad["errors"]
    with pytest.raises(rct.MongoUrlError, match="not a version"):
        rct.check_mongo_urls(URL, rocketchat_version="seven")


def test_check_urls_never_shows_the_password() -> None:
    oplog = f"mongodb://rc:{CANARY}@db1:27017/local?replicaSet=rs0&authSource=admin"
    assert CANARY not in json.dumps(rct.check_mongo_urls(URL, oplog, "7.10.0"))


def test_check_urls_matches_the_cli(rctopo: Path) -> None:
    help_text = subprocess.run([str(rctopo), "--help"], capture_output=True, text=True).stdout
    if "mongo-url" not in help_text:
        pytest.skip("this rctopo has no mongo-url command yet")
    for args in ([URL], [URL, "--oplog", URL.replace("/rocketchat?", "/local?")]):
        done = subprocess.run(
            [str(rctopo), "mongo-url", *args, "--rocketchat-version", "7.10.0", "--format", "json"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        oplog = args[2] if len(args) > 1 else None
        assert rct.check_mongo_urls(URL, oplog, "7.10.0") == json.loads(done.stdout)
