"""examples/sdk/complaint.py, the README's SDK example in full, runs as a script against a real
`govflow dev` stack: a complaint started from the example file and taken to its close."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_command_line import DevStack, _without_empty
from tests.e2e.test_readme import running_stack

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "examples" / "sdk" / "complaint.py"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevStack]:
    with running_stack(tmp_path_factory.mktemp("sdk-state")) as dev:
        yield dev


def test_the_sdk_example_takes_a_complaint_from_its_start_file_to_its_close(
    stack: DevStack, tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT)],
        cwd=tmp_path,  # any folder: the script finds the example files beside it
        env=_without_empty(stack.env),
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    started = re.match(r"started (CMPL-\d{4}-\d{6}), stage reviewing\n", done.stdout)
    assert started, done.stdout
    case_no = started.group(1)
    assert f"{case_no}: accept taken by receiving-officer:recv-01; stage now handling" in done.stdout
    assert f"{case_no}: notify-result taken by handling-officer:hand-02; stage now closed" in done.stdout
    assert f"{case_no}  stage closed" in done.stdout
    status = stack.cli("status", case_no, "--json")
    assert status.returncode == 0 and '"stage": "closed"' in status.stdout, status.stderr


def test_the_sdk_example_says_in_one_line_when_no_stack_has_a_key(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT)],
        cwd=tmp_path,
        env=_without_empty({"GOVFLOW_STATE_DIR": str(tmp_path / "nothing-here")}),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert (
        done.stderr
        == f"no development key under {tmp_path / 'nothing-here'}: start the local stack (./scripts/dev)\n"
    )
