"""`rctopo check --format sarif` validated against the SARIF 2.1.0 JSON schema (OASIS, kept in
sarif/ with its notice), on reports with errors, with none, with an unreadable file and from
standard input."""
import copy
import json

import jsonschema
import pytest

from conftest import EXAMPLES, ROOT, run

SCHEMA = json.loads((ROOT / "tests/integrations/sarif/sarif-schema-2.1.0.json").read_text())
VALIDATOR = jsonschema.Draft4Validator(SCHEMA)


def sarif(rctopo, *args, stdin=None):
    out = run(rctopo, "check", "--format", "sarif", *args, input=stdin)
    return out.returncode, json.loads(out.stdout)


def errors(doc):
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in VALIDATOR.iter_errors(doc)]


def test_the_schema_is_the_sarif_2_1_0_schema():
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    assert SCHEMA["properties"]["version"]["enum"] == ["2.1.0"]


@pytest.mark.parametrize("files, status", [
    (["broken.toml"], 1),                    # errors and warnings, with locations
    (["howto.toml"], 0),                      # warnings only
    (["broken.toml", "missing.toml"], 2),     # a file that cannot be read: a notification
])
def test_reports_are_valid_sarif(rctopo, files, status):
    code, doc = sarif(rctopo, *(EXAMPLES / f for f in files))
    assert code == status
    assert errors(doc) == []
    levels = {r["level"] for r in doc["runs"][0]["results"]}
    assert ("error" in levels) == ("broken.toml" in files)


def test_standard_input_is_valid_sarif(rctopo):
    text = (EXAMPLES / "broken.toml").read_text()
    code, doc = sarif(rctopo, "-", "--input-format", "toml", stdin=text)
    assert code == 1
    assert errors(doc) == []
    assert doc["runs"][0]["results"]


def test_the_validator_rejects_what_the_schema_forbids(rctopo):
    """The schema check is live: a result with a level SARIF does not define fails it."""
    _, doc = sarif(rctopo, EXAMPLES / "broken.toml")
    bad = copy.deepcopy(doc)
    bad["runs"][0]["results"][0]["level"] = "fatal"
    assert any("fatal" in e for e in errors(bad))
    bad = copy.deepcopy(doc)
    bad["runs"][0]["tool"]["driver"].pop("name")
    assert any("'name' is a required property" in e for e in errors(bad))
