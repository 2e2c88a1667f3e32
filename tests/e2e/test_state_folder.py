"""The local stack's state folder is found from any working directory: a stack started in a
checkout without GOVFLOW_STATE_DIR (as `./scripts/dev` starts it) is the one `govflow` run from
/tmp logs in to, starts cases on, reports on and stops.

The checkout is a linked copy of this one (its packages and examples linked, its own
pyproject.toml), so that the stack's state is the test's and not this checkout's `.govflow`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_command_line import free_port

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
LINKED = ("domain", "activities", "workflows", "workers", "govflow", "examples")


class Checkout:
    """A checkout of govflow at `folder` whose `govflow` command is run with its packages first
    on the path, as its own .venv/bin/govflow would run them."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir()
        for name in LINKED:
            (folder / name).symlink_to(REPO / name, target_is_directory=True)
        (folder / "pyproject.toml").write_text((REPO / "pyproject.toml").read_text(encoding="utf-8"))
        self.folder = folder
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVFLOW_", "DATABASE_URL"))}
        self.env["TEMPORAL_ADDRESS"] = f"127.0.0.1:{free_port()}"
        self.stack: subprocess.Popen[str] | None = None

    def python(self, code: str) -> list[str]:
        return [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(self.folder)!r}); {code}"]

    def command(self, *args: str) -> list[str]:
        return [*self.python("from govflow.cli import main; main()"), *args]

    def run(self, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(*args), cwd=cwd, env=self.env, capture_output=True, text=True, timeout=90
        )

    def start_stack(self) -> None:
        """`govflow dev` from the checkout's folder, as scripts/dev runs it."""
        self.stack = subprocess.Popen(
            self.command("dev", "--ui-port", str(free_port())),
            cwd=self.folder,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        assert self.stack.stdout is not None
        seen, deadline = [], time.monotonic() + 120
        for line in self.stack.stdout:
            seen.append(line)
            if "worker polling" in line or time.monotonic() > deadline:
                break
        assert any("worker polling" in line for line in seen), "".join(seen)


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Checkout]:
    linked = Checkout(tmp_path_factory.mktemp("linked") / "govflow")
    linked.start_stack()
    yield linked
    if linked.stack is not None and linked.stack.poll() is None:
        linked.stack.terminate()
        linked.stack.communicate(timeout=60)


def test_the_linked_checkout_runs_its_own_code(checkout: Checkout) -> None:
    done = subprocess.run(
        checkout.python("import workers; print(workers.__file__)"),
        cwd="/tmp",
        env=checkout.env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.stdout.strip() == str(checkout.folder / "workers" / "__init__.py"), done.stderr


def test_from_tmp_the_command_line_finds_the_stack_of_the_checkout(checkout: Checkout) -> None:
    state = checkout.folder / ".govflow"
    assert (state / "dev.pid").is_file()  # the stack keeps its state in the checkout

    login = checkout.run("login", "--as", "clerk:clerk-001", cwd=Path("/tmp"))
    assert login.returncode == 0, login.stderr
    assert f"(token in {state / 'token'})" in login.stdout

    started = checkout.run(
        "start", "demo", str(checkout.folder / "examples" / "demo" / "start.json"), "--json", cwd=Path("/tmp")
    )
    assert started.returncode == 0, started.stderr
    case_no = json.loads(started.stdout)["case_no"]

    listed = checkout.run("list", "--json", cwd=Path("/tmp"))
    assert case_no in [c["case_no"] for c in json.loads(listed.stdout)], listed.stderr

    doctor = checkout.run("doctor", cwd=Path("/tmp"))
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    stack_line = doctor.stdout.splitlines()[0]  # the stack's check comes first: running, on this state
    assert stack_line.startswith("✓ ") and stack_line.endswith(f"state {state}"), doctor.stdout

    stopped = checkout.run("dev", "--stop", cwd=Path("/tmp"))
    assert stopped.returncode == 0 and "stopped the local stack" in stopped.stdout, stopped.stderr
    assert checkout.stack is not None
    checkout.stack.communicate(timeout=60)
    assert checkout.stack.returncode == 0
