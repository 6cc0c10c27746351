"""The stubs type a real script under mypy --strict, and reject a wrong use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def mypy(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(path)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=path.parent,
    )


def test_sample_script_passes_mypy_strict() -> None:
    done = mypy(HERE / "typing_sample.py")
    assert done.returncode == 0, done.stdout + done.stderr


def test_stubs_catch_a_wrong_type(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.py"
    wrong.write_text(
        "import rocketchat_topology as rct\n"
        "t = rct.Topology.load('x.toml')\n"
        "code: int = t.check()[0].code\n"
        "t.render('lighttpd')\n"
    )
    done = mypy(wrong)
    assert done.returncode == 1
    assert 'Incompatible types in assignment (expression has type "str"' in done.stdout
    assert "'lighttpd'" in done.stdout or '"lighttpd"' in done.stdout
