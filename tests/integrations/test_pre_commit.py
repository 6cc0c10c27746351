"""The repository's pre-commit hook (.pre-commit-hooks.yaml) run by pre-commit itself, as a user's
repository would: `pre-commit try-repo` clones this repository and runs the `rctopo-check` hook
on the files given. The hook is `language: system` (rctopo from PATH): pre-commit's
`language: rust` runs `cargo install --path .` at the repository root, which is a virtual
workspace manifest, not a package, so it cannot install rctopo from here."""
import os
import shutil

import pytest

from conftest import EXAMPLES, ROOT, run


@pytest.fixture
def sample(tmp_path, rctopo):
    """A user's repository with a clean topology, a broken one and a TOML file the hook skips."""
    repo = tmp_path / "deploy"
    (repo / "prod").mkdir(parents=True)
    run("git", "init", "-q", repo, check=True)
    shutil.copy(EXAMPLES / "howto.toml", repo / "topology.toml")
    shutil.copy(EXAMPLES / "broken.toml", repo / "prod" / "topology-prod.toml")
    shutil.copy(EXAMPLES / "broken.toml", repo / "notes.toml")
    env = dict(
        os.environ,
        PATH=f"{rctopo.parent}{os.pathsep}{os.environ['PATH']}",
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-cache"),
        # try-repo commits uncommitted work of this repository into a scratch clone.
        GIT_AUTHOR_NAME="test", GIT_AUTHOR_EMAIL="test@example.invalid",
        GIT_COMMITTER_NAME="test", GIT_COMMITTER_EMAIL="test@example.invalid",
    )
    return repo, env


def hook(sample, *files):
    repo, env = sample
    return run("pre-commit", "try-repo", ROOT, "rctopo-check", "--files", *files,
               cwd=repo, env=env)


def test_a_clean_topology_passes(sample):
    out = hook(sample, "topology.toml")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "rctopo check" in out.stdout and "Passed" in out.stdout


def test_a_broken_topology_fails_the_commit_and_says_why(sample):
    out = hook(sample, "topology.toml", "prod/topology-prod.toml")
    assert out.returncode == 1, out.stdout + out.stderr
    assert "Failed" in out.stdout
    assert "error[M007]" in out.stdout
    assert "prod/topology-prod.toml" in out.stdout


def test_files_outside_the_pattern_are_skipped(sample):
    out = hook(sample, "notes.toml")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no files to check" in out.stdout
