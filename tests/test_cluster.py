"""``toolbox build --executor dask://HOST:PORT`` on a real Dask scheduler and workers on 127.0.0.1.

The scheduler and workers are the ``dask`` commands, started as processes of
their own, as on a cluster. The project is small (one locale, a leaflet, a
wallet card, their share images and the print guide) so each build takes
seconds.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import ROOT, make_project, run_toolbox
from toolbox import __version__

distributed = pytest.importorskip("distributed")

DASK = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
WORKER = [sys.executable, "-m", "distributed.cli.dask_worker"]


@contextmanager
def dask_cluster(folder: Path, workers: int = 2, env: dict | None = None) -> Iterator[tuple[str, list[subprocess.Popen]]]:
    """A scheduler and ``workers`` single-threaded workers (no nanny: a killed worker stays dead)."""
    folder.mkdir(parents=True, exist_ok=True)
    info = folder / "scheduler.json"
    logs = [open(folder / "scheduler.log", "wb")]  # noqa: SIM115 (closed below, after the processes)
    procs = [subprocess.Popen([*DASK, "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(info)],
                              stdout=logs[0], stderr=subprocess.STDOUT)]
    try:
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(info.read_text())["address"]
        for n in range(workers):
            logs.append(open(folder / f"worker-{n}.log", "wb"))  # noqa: SIM115
            procs.append(subprocess.Popen([*WORKER, address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                                           "--host", "127.0.0.1"], stdout=logs[-1], stderr=subprocess.STDOUT,
                                          env={**os.environ, **(env or {})}, cwd=folder))  # not the checkout: -m puts cwd first
        with distributed.Client(address, timeout=30) as client:
            client.wait_for_workers(workers, timeout=60)
        yield address.replace("tcp://", "dask://"), procs
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        for log in logs:
            log.close()


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("cluster") / "p")
    assert run_toolbox("new", "jobs", cwd=project).returncode == 0
    toml = project / "campaigns/jobs/campaign.toml"
    toml.write_text(toml.read_text().replace('formats = ["site", "leaflet"]', 'formats = ["site", "leaflet", "card"]'))
    return project


@pytest.fixture(scope="module")
def local_build(project: Path, tmp_path_factory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("local") / "dist"
    result = run_toolbox("build", "--jobs", "1", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    return digests(out)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[str]:
    with dask_cluster(tmp_path_factory.mktemp("dask")) as (address, _):
        yield address


def digests(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(_comparable(p)).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file() and p.name not in (".toolbox.lock", ".toolbox-times.json")}


def _comparable(path: Path) -> bytes:
    """A file's bytes; for the state, without the times each file was written (when, not what: write.intact)."""
    if path.name != ".toolbox-state.json":
        return path.read_bytes()
    state = json.loads(path.read_text(encoding="utf-8"))
    for record in state.get("outputs", state).values() if isinstance(state, dict) else ():
        for entry in record.get("entries", []) if isinstance(record, dict) else []:
            entry.pop("mtime_ns", None)
    return json.dumps(state, sort_keys=True).encode()


def test_cluster_build_is_byte_identical_to_a_local_one(project: Path, local_build: dict, cluster: str, tmp_path: Path):
    out = tmp_path / "dist"
    result = run_toolbox("build", "--executor", cluster, "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    assert "5 rendered" in result.stdout
    assert digests(out) == local_build
    pdfs = [p for p in local_build if p.endswith(".pdf")]
    assert len(pdfs) == 3 and any(p.endswith(".png") for p in local_build)

    # Reuse is the client's, as with local workers: a rebuild renders nothing, on the cluster or not.
    again = run_toolbox("build", "--executor", cluster, "--out", str(out), cwd=project)
    assert again.returncode == 0, again.stderr
    assert "0 rendered, 5 reused" in again.stdout
    assert digests(out) == local_build


def test_a_worker_killed_mid_build_is_recovered(project: Path, local_build: dict, tmp_path: Path):
    with dask_cluster(tmp_path / "dask") as (address, procs), \
            distributed.Client(address.replace("dask://", "tcp://"), timeout=30) as client:
        out = tmp_path / "dist"
        build = subprocess.Popen([sys.executable, "-m", "toolbox", "build", "--executor", address, "--out", str(out)],
                                 cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            # The first worker given a print job is killed while it holds it (making its renderer, or rendering).
            victim = None
            deadline = time.monotonic() + 120
            while victim is None and time.monotonic() < deadline and build.poll() is None:
                busy = [w for w, tasks in client.processing().items() if any("_run" in str(t) for t in tasks)]
                victim = busy[0] if busy else None
                time.sleep(0.05)
            assert victim is not None, "no worker was ever given a print job"
            pid = client.run(os.getpid, workers=[victim])[victim]
            os.kill(pid, signal.SIGKILL)
            stdout, stderr = build.communicate(timeout=600)
        finally:
            if build.poll() is None:
                build.kill()
        assert build.returncode == 0, stderr
        assert "5 rendered" in stdout
        assert pid in [p.pid for p in procs] and [p for p in procs if p.pid == pid][0].poll() is not None
        assert len(client.scheduler_info()["workers"]) == 1
        assert digests(out) == local_build


def test_no_scheduler_is_a_clear_error_and_nothing_is_written(project: Path, tmp_path: Path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "dist"
    result = run_toolbox("build", "--executor", f"dask://127.0.0.1:{port}", "--out", str(out), cwd=project)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"toolbox: --executor dask://127.0.0.1:{port}: no Dask scheduler answered"), lines
    assert not out.exists()


@pytest.mark.parametrize("value", ["127.0.0.1:8786", "dask://", "dask://host", "dask://host:0", "dask://host:99999",
                                   "tcp://127.0.0.1:8786", "dask://a b:1"])
def test_a_bad_executor_value_is_a_clear_error(project: Path, tmp_path: Path, value: str):
    out = tmp_path / "dist"
    result = run_toolbox("build", "--executor", value, "--out", str(out), cwd=project)
    assert result.returncode == 1
    assert result.stderr.startswith("toolbox: --executor "), result.stderr
    assert "dask://HOST:PORT" in result.stderr or "the port must be" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not out.exists()


def test_a_worker_with_another_toolbox_is_refused(project: Path, tmp_path: Path):
    # A real worker running another toolbox: a copy of the package whose version differs, first on its path.
    other = tmp_path / "other"
    shutil.copytree(ROOT / "toolbox", other / "toolbox", ignore=shutil.ignore_patterns("__pycache__"))
    init = other / "toolbox" / "__init__.py"
    init.write_text(init.read_text().replace('__version__ = "', '__version__ = "9.9.9-', 1))
    with dask_cluster(tmp_path / "dask", workers=1, env={"PYTHONPATH": str(other)}) as (address, _):
        out = tmp_path / "dist"
        result = run_toolbox("build", "--executor", address, "--out", str(out), cwd=project)
    assert result.returncode == 1
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message, message
    assert "renders with other inputs than this build" in message
    assert f"toolbox {__version__} here, 9.9.9-{__version__} there" in message
    assert not out.exists()


def test_a_worker_with_another_built_in_theme_is_refused(tmp_path: Path):
    # The same toolbox version, but its installed theme has another stylesheet and another font file: a
    # project that overrides nothing renders with the built-in theme, so its files would differ too.
    other = tmp_path / "other"
    shutil.copytree(ROOT / "toolbox", other / "toolbox", ignore=shutil.ignore_patterns("__pycache__", "_theme"))
    shutil.copytree(ROOT / "templates", other / "templates")
    (other / "locales").symlink_to(ROOT / "locales")
    with (other / "templates/print/print.css").open("a") as css:
        css.write("\n/* a designer's edit on one machine only */\n")
    with (other / "templates/fonts/NotoSans-Regular.ttf").open("ab") as font:
        font.write(b"\0\0\0\0")
    project = tmp_path / "p"
    (project / "campaigns").mkdir(parents=True)  # no templates/ of its own: the built-in theme draws everything
    assert run_toolbox("new", "jobs", cwd=project).returncode == 0
    with dask_cluster(tmp_path / "dask", workers=1, env={"PYTHONPATH": str(other)}) as (address, _):
        result = run_toolbox("build", "--executor", address, "--out", str(project / "dist"), cwd=project)
    assert result.returncode == 1
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message, message
    assert "renders with other inputs than this build (fonts " in message and "; theme " in message, message
    differs = message.split("(", 1)[1].split(")", 1)[0]
    assert [part.split()[0] for part in differs.split("; ")] == ["fonts", "theme"], differs  # the same version
    assert not (project / "dist").exists()


def test_the_time_limit_stops_a_render_on_a_worker(cluster: str, tmp_path: Path):
    """A worker renders in a thread, which gets no alarm signal: the limit still stops the slow output."""
    from test_invalid_input import case_project

    project = case_project(Path(__file__).parent / "fixtures" / "invalid" / "render-time-limit", tmp_path / "p")
    toml = project / "campaigns/render-time-limit/campaign.toml"
    toml.write_text(toml.read_text().replace('formats = ["hostile"]', 'formats = ["hostile", "card"]'))
    started = time.monotonic()
    result = run_toolbox("build", "--executor", cluster, "--out", "dist", env={"TOOLBOX_TIME_LIMIT": "10"}, cwd=project,
                         timeout=300)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "jobs-en-mk-hostile.pdf: en hostile: rendering took longer than 10 s and was stopped" in result.stderr, result.stderr
    assert time.monotonic() - started < 120
    assert (project / "dist/render-time-limit/en/jobs/render-time-limit-jobs-en-mk-card.pdf").is_file()
    assert not (project / "dist/render-time-limit/en/jobs/render-time-limit-jobs-en-mk-hostile.pdf").exists()
