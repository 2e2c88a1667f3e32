"""The README, run as printed: every ```sh block, command by command and in order, then its SDK
snippet, against a fresh `govflow dev` stack of the test's own (its state folder and ports in
GOVFLOW_STATE_DIR and TEMPORAL_ADDRESS), from the project folder as the README says.

Each command must exit 0. The `# → …` comments are not compared (their wording changes); a
command whose comment names a case number must print that number, since the commands after it
use it. `./scripts/dev` and `govflow dev` are not run: the test's stack stands in for them.
The README's case numbers are those a fresh stack gives in 2026. About 2 minutes on 2 cores.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.calendar import local_date
from domain.labels import vocabulary
from tests.e2e.test_command_line import DevStack
from workers.registry import REGISTRY

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
STARTS_A_STACK = re.compile(r"^(\./scripts/dev|\.venv/bin/govflow dev)\b")
CASE_NO = re.compile(r"\b[A-Z]{4}-(?:\d{4}-\d{6}|[0-9A-Z]{18})\b")
README_YEAR = 2026
MARK = "@@readme-command"


@dataclass(frozen=True)
class Command:
    block: int
    text: str

    @property
    def named_cases(self) -> list[str]:
        """The case numbers its `# → …` comment promises (those the next commands rely on)."""
        _, arrow, promised = self.text.splitlines()[0].partition("# →")
        return CASE_NO.findall(promised) if arrow else []


def blocks(language: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(README.read_text(encoding="utf-8")) if lang == language]


def commands(block: str) -> list[str]:
    """The block's complete commands (a `for … done` loop is one), as bash parses them;
    comment lines alone are left out."""
    found, pending = [], ""
    for line in block.splitlines(keepends=True):
        pending += line
        checked = subprocess.run(["bash", "-n"], input=pending, capture_output=True, text=True)
        if checked.returncode == 0:
            if pending.strip() and not pending.lstrip().startswith("#"):
                found.append(pending.rstrip("\n"))
            pending = ""
    assert not pending.strip(), f"README: an unfinished command at the end of a block:\n{pending}"
    return found


def test_every_sh_block_splits_into_whole_commands() -> None:
    """The parse the run relies on: the blocks are there, loops stay whole, the stack is left out."""
    shell = blocks("sh")
    assert len(shell) >= 8
    every = [c for block in shell for c in commands(block)]
    assert any(c.startswith("for step in accept send-letter") and c.endswith("done") for c in every)
    assert [c.split()[0] for c in every if STARTS_A_STACK.match(c)] == ["./scripts/dev"]


def test_the_sdk_snippet_is_one_whole_python_program() -> None:
    [snippet] = blocks("python")
    compile(snippet, "README.md (python)", "exec")
    assert "\nasyncio.run(main())\nos._exit(0)" in snippet  # runs main, then leaves (sdk-python#300)


@contextlib.contextmanager
def running_stack(state_dir: Path) -> Iterator[DevStack]:
    """A `govflow dev` of the test's own whose output is read all along (a stack whose pipe
    fills up, with a worker's tracebacks say, would stop and hang the test), stopped after."""
    dev = DevStack(state_dir)
    dev.start()
    assert dev.process is not None and dev.process.stdout is not None
    reader = threading.Thread(target=dev.output.extend, args=(dev.process.stdout,), daemon=True)
    reader.start()
    try:
        yield dev
    finally:
        if dev.process.poll() is None:
            dev.process.send_signal(signal.SIGINT)
            dev.process.wait(timeout=60)
        reader.join(timeout=10)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevStack]:
    with running_stack(tmp_path_factory.mktemp("readme-state")) as dev:
        yield dev


def readme_environment(stack: DevStack) -> dict[str, str]:
    """A reader's shell pointed at the test's stack: no token or database of anyone else's."""
    environment = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "GOVFLOW_TOKEN", "PYTHONPATH")
    }
    return environment | {k: v for k, v in stack.env.items() if v}


def run_block(block: int, listed: list[Command], env: dict[str, str]) -> list[tuple[Command, str, float]]:
    """One shell per block, as a reader pastes it (a variable set in it holds for the rest of
    it), stopping at the first command that fails; each command's output and seconds."""
    script = ["set -e -o pipefail"]
    for n, command in enumerate(listed):
        script += [f'printf "\\n{MARK} {n} %s\\n" "$EPOCHREALTIME"', command.text]
    script.append(f'printf "\\n{MARK} end %s\\n" "$EPOCHREALTIME"')
    done = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    parts = re.split(rf"\n{MARK} (\d+|end) ([\d.,]+)\n", done.stdout)  # the locale's decimal mark
    seconds = [float(mark.replace(",", ".")) for mark in parts[2::3]]
    marks = list(zip(parts[1::3], seconds, parts[3::3], strict=True))
    ran = []
    for (index, began, output), (_, ended, _) in itertools.pairwise(marks):
        ran.append((listed[int(index)], output, ended - began))
    if done.returncode != 0:
        failed = listed[int(marks[-1][0])]
        raise AssertionError(
            f"README block {block}: exit {done.returncode} from\n{failed.text}\n"
            f"stdout:\n{marks[-1][2]}\nstderr:\n{done.stderr}"
        )
    return ran


def test_the_readme_runs_as_printed(stack: DevStack, tmp_path: Path) -> None:
    today = local_date(datetime.now(UTC))
    assert today.year == README_YEAR, (
        f"the README's case numbers are those of {README_YEAR}: a stack started in {today.year} "
        f"numbers its cases {today.year}; bring the README's numbers and dates up to date"
    )
    assert (REPO / ".venv" / "bin" / "govflow").is_file(), (
        "the README runs .venv/bin/govflow (scripts/bootstrap)"
    )
    env = readme_environment(stack)
    timings: list[tuple[float, str]] = []
    for number, block in enumerate(blocks("sh")):
        listed = [Command(number, c) for c in commands(block) if not STARTS_A_STACK.match(c)]
        if not listed:
            continue
        for command, output, seconds in run_block(number, listed, env):
            timings.append((seconds, command.text.splitlines()[0]))
            for case_no in command.named_cases:
                assert case_no in output, (
                    f"README: `{command.text}` promises {case_no}; it printed:\n{output}"
                )

    # The SDK snippet, as printed, from the project folder.
    [snippet] = blocks("python")
    program = tmp_path / "snippet.py"
    program.write_text(snippet, encoding="utf-8")
    began = time.monotonic()
    ran = subprocess.run(
        [sys.executable, str(program)], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    timings.append((time.monotonic() - began, "the SDK snippet"))
    assert ran.returncode == 0, ran.stderr
    assert re.fullmatch(rf"CMPL-{README_YEAR}-\d{{6}} handling\n", ran.stdout), ran.stdout
    # What the newcomer then sees of each procedure's case: Chinese status, the next step first.
    listed = json.loads(stack.cli("list", "--json", "--limit", "500").stdout)
    seen = {case["procedure"]: case for case in reversed(listed)}  # the first of each procedure
    assert sorted(seen) == sorted(REGISTRY)
    for procedure, case in sorted(seen.items()):
        shown = stack.cli("status", case["case_no"])
        assert shown.returncode == 0, shown.stderr
        words = vocabulary(procedure)
        lines = shown.stdout.splitlines()
        assert lines[0] == f"{case['case_no']}  {words.name}（{words.basis}）{procedure}", shown.stdout
        assert re.fullmatch(r"环节      [\u4e00-\u9fff（）]+ [a-z-]+", lines[1]), shown.stdout  # 审查 review
        if case["status"] == "running":
            assert lines[2].startswith("下一步    "), shown.stdout
        else:
            assert lines[2].startswith("已办结："), shown.stdout
    slowest = sorted(timings, reverse=True)[:5]
    print("slowest README commands:", *(f"{s:5.1f}s  {c}" for s, c in slowest), sep="\n  ")
