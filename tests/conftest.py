"""Shared fixtures: the bundled sample is built once per test session."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    # The checks' remembered results (toolbox/checkcache.py) go to a folder of this session's own,
    # for every toolbox the tests run: never a developer's cache, and nothing left in ~/.cache.
    os.environ["TOOLBOX_CACHE"] = tempfile.mkdtemp(prefix="toolbox-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(os.environ.get("TOOLBOX_CACHE", ""), ignore_errors=True)


#: A whole-sample build with --jobs 1 (copyfitting lays each fixed box out several times, audio is
#: synthesised) takes minutes of CPU; this only stops a hung build, it is no speed check.
BUILD_TIMEOUT = 1800


def run_toolbox(*args: str, cwd: Path = ROOT, env: dict | None = None,
                timeout: int = BUILD_TIMEOUT) -> subprocess.CompletedProcess:
    """Run the real command line, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "toolbox", *args],
        cwd=cwd, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Path:
    """The bundled sample campaigns, built once into a temporary folder.

    Built with --strict: the sample must have no untranslated message, overflow
    or other warning.
    """
    out = tmp_path_factory.mktemp("dist")
    result = run_toolbox("build", "--strict", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def manifest(sample_build: Path) -> dict:
    return json.loads((sample_build / "manifest.json").read_text(encoding="utf-8"))


def make_project(tmp: Path, campaign_folder: Path | None = None, own_locales: bool = False) -> Path:
    """A throwaway project using the real templates/ (and locales/, unless ``own_locales``).

    With ``own_locales`` the project gets a copy of the shared template catalogs
    only, so translation tests can write campaign catalogs of their own.
    """
    (tmp / "campaigns").mkdir(parents=True, exist_ok=True)
    if not (tmp / "templates").exists():
        (tmp / "templates").symlink_to(ROOT / "templates")
    if own_locales:
        for po in (ROOT / "locales").glob("*/LC_MESSAGES/toolbox.po"):
            target = tmp / "locales" / po.relative_to(ROOT / "locales")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(po, target)
    elif not (tmp / "locales").exists():
        (tmp / "locales").symlink_to(ROOT / "locales")
    if campaign_folder is not None:
        shutil.copytree(campaign_folder, tmp / "campaigns" / campaign_folder.name)
    return tmp


def copy_demo(project: Path, cid: str = "print-demo", edit: Callable[[str], str] | None = None) -> Path:
    """The print-demo fixture campaign copied into ``project``'s campaigns/ as ``cid``, its campaign.toml text
    changed by ``edit``; the campaign's folder."""
    folder = project / "campaigns" / cid
    shutil.copytree(Path(__file__).parent / "fixtures" / "print-demo", folder)
    toml = folder / "campaign.toml"
    text = toml.read_text(encoding="utf-8").replace('id = "print-demo"', f'id = "{cid}"')
    toml.write_text(edit(text) if edit else text, encoding="utf-8")
    return folder
