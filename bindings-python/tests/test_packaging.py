"""What a user gets from the registry: the sdist and the wheel built from it (their metadata and
LICENSE), stubs that match the extension (stubtest) and type a script under pyright --strict, and
the exceptions Python code expects."""

from __future__ import annotations

import email.parser
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
import rocketchat_topology as rct

from conftest import HOWTO, REPO

HERE = Path(__file__).parent
DIST = Path(os.environ.get("RCTOPO_PYTHON_DIST", REPO / "bindings-python" / "dist"))
LICENSE = (REPO / "LICENSE").read_text(encoding="utf-8")

needs_dist = pytest.mark.skipif(
    not list(DIST.glob("*.tar.gz")), reason="no sdist: scripts/test-python.sh builds one"
)


def metadata(text: str) -> email.message.Message:
    return email.parser.Parser().parsestr(text)


def check_metadata(meta: email.message.Message) -> None:
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta.get_all("License-File") == ["LICENSE"]
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
    assert {"Homepage", "Repository", "Issues", "Documentation"} <= set(urls), urls
    assert all(u.startswith("https://") for u in urls.values())
    classifiers = meta.get_all("Classifier") or []
    assert "Typing :: Typed" in classifiers
    assert "Programming Language :: Rust" in classifiers
    # PEP 639: a license expression replaces License :: classifiers.
    assert not [c for c in classifiers if c.startswith("License ::")]


@needs_dist
def test_sdist_carries_license_metadata_and_the_built_in_example() -> None:
    (sdist,) = DIST.glob("rocketchat_topology-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = tar.getnames()
        top = names[0].split("/")[0]
        check_metadata(metadata(tar.extractfile(f"{top}/PKG-INFO").read().decode()))  # type: ignore[union-attr]
        assert tar.extractfile(f"{top}/LICENSE").read().decode() == LICENSE  # type: ignore[union-attr]
    # The core crate's built-in example is inside the crate, so the sdist builds on its own.
    assert f"{top}/core/src/howto.toml" in names


@needs_dist
def test_wheel_built_from_the_sdist_carries_license_stubs_and_metadata() -> None:
    (wheel,) = DIST.glob("rocketchat_topology-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        check_metadata(metadata(z.read(f"{info}/METADATA").decode()))
        assert z.read(f"{info}/licenses/LICENSE").decode() == LICENSE
    for part in ("py.typed", "_native.pyi", "__init__.py"):
        assert f"rocketchat_topology/{part}" in names


def test_stubs_match_the_extension_under_stubtest() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "rocketchat_topology",
         "--allowlist", str(HERE / "stubtest-allowlist.txt")],
        capture_output=True, text=True, timeout=600, cwd=HERE,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_stubbed_class_and_function_has_a_docstring() -> None:
    import ast

    stub = Path(rct.__file__).parent / "_native.pyi"
    tree = ast.parse(stub.read_text(encoding="utf-8"))
    missing = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and not node.name.startswith("_"):
            if ast.get_docstring(node) is None:
                missing.append(node.name)
    assert not missing, missing
    assert ast.get_docstring(tree)
    stub_all = next(
        ast.literal_eval(n.value)
        for n in tree.body
        if isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in n.targets)
    )
    assert sorted(stub_all) == sorted(rct.__all__)


def test_sample_script_passes_pyright_strict(tmp_path: Path) -> None:
    config = tmp_path / "pyrightconfig.json"
    config.write_text(json.dumps({"typeCheckingMode": "strict", "pythonVersion": "3.9"}))
    pyright = Path(sys.executable).parent / "pyright"
    done = subprocess.run(
        [str(pyright), "--project", str(config), "--pythonpath", sys.executable, "--outputjson",
         str(HERE / "typing_sample.py")],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    report = json.loads(done.stdout or "{}")
    assert report.get("summary", {}).get("errorCount") == 0, done.stdout + done.stderr
    assert report["summary"]["filesAnalyzed"] == 1


def test_a_missing_file_is_a_file_not_found_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(FileNotFoundError) as caught:
        rct.Topology.load(missing)
    error = caught.value
    assert isinstance(error, rct.TopologyFileNotFoundError)
    assert isinstance(error, rct.TopologyError) and isinstance(error, ValueError)
    assert error.errno == 2 and error.filename == str(missing)
    assert error.file == str(missing) and str(missing) in str(error)
    # A file that exists but cannot be used is no FileNotFoundError.
    broken = tmp_path / "broken.toml"
    broken.write_text("[site\n")
    with pytest.raises(rct.TopologyError) as other:
        rct.Topology.load(broken)
    assert not isinstance(other.value, FileNotFoundError)


def test_a_misspelled_keyword_is_a_type_error() -> None:
    topology = rct.Topology.load(HOWTO)
    with pytest.raises(TypeError, match="unexpected keyword argument 'max_unavailabel'") as caught:
        rct.plan(None, topology, max_unavailabel=1)  # type: ignore[call-arg]
    assert "max_unavailable" in str(caught.value)
    with pytest.raises(TypeError):
        topology.render(targt="nginx")  # type: ignore[call-arg]
