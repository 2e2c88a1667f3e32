"""`govflow calendar` as an operator uses it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import govflow_command, run_govflow

pytestmark = pytest.mark.e2e


@pytest.fixture
def no_database(tmp_path: Path) -> dict[str, str]:
    return {"GOVFLOW_STATE_DIR": str(tmp_path), "DATABASE_URL": ""}


def govflow(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    environment = dict(env)
    done = run_govflow(*args, env=environment)
    return done.returncode, done.stdout, done.stderr


def test_add_gives_the_worked_examples_of_time_md(no_database: dict[str, str]) -> None:
    assert govflow("calendar", "add", "2026-09-28", "7", env=no_database)[1] == (
        "2026-09-28 + 7 working-days = 2026-10-13 (ends 2026-10-13 23:59:59 +08:00)\n"
    )
    assert "= 2026-10-23 " in govflow("calendar", "add", "2026-09-28", "15", env=no_database)[1]
    assert "= 2026-08-25 " in govflow("calendar", "add", "2026-06-01", "60", env=no_database)[1]
    months = govflow("calendar", "add", "2026-11-30", "3", "--unit", "months", env=no_database)[1]
    assert "= 2027-02-28 " in months and "PROVISIONAL" not in months


def test_a_period_into_2027_is_flagged_provisional(no_database: dict[str, str]) -> None:
    code, out, _ = govflow("calendar", "add", "2026-12-15", "30", env=no_database)
    assert code == 0
    assert out.rstrip().endswith("PROVISIONAL: counts days of a year with no official schedule")


def test_check_says_why(no_database: dict[str, str]) -> None:
    assert govflow("calendar", "check", "2026-10-10", env=no_database)[1].startswith(
        "2026-10-10 Saturday: working day: make-up working day (调休上班) [official;"
    )
    assert govflow("calendar", "check", "2027-01-01", env=no_database)[1].startswith(
        "2027-01-01 Friday: not a working day: public holiday (元旦) [PROVISIONAL (no official schedule);"
    )


def test_status_names_version_and_official_year(no_database: dict[str, str]) -> None:
    out = govflow("calendar", "status", env=no_database)[1]
    assert "official through 2026" in out
    assert "loaded schedules none" in out
    assert "source           no stack to ask (" in out and out.rstrip().endswith("package data only")


def test_bad_input_is_one_line_and_loads_nothing(tmp_path: Path, postgres_url: str) -> None:
    env = {"DATABASE_URL": postgres_url, "GOVFLOW_STATE_DIR": str(tmp_path)}
    bad = tmp_path / "2027.json"
    bad.write_text(json.dumps({"year": 2027, "days": [{"date": "2027-01-04", "isOffDay": False}]}))
    cases = [
        (["calendar", "check", "2026-02-30"], "govflow: '2026-02-30' is not a date (YYYY-MM-DD)\n"),
        (["calendar", "add", "2026-09-28", "-1"], "govflow: N: a period cannot be negative\n"),
        (
            ["calendar", "load", str(bad)],
            f"govflow: {bad}: days[0]: 2027-01-04 is a weekday; "
            "only a Saturday or Sunday can be made a working day\n",
        ),
    ]
    for args, message in cases:
        code, out, err = govflow(*args, env=env)
        assert (code, out, err) == (1, "", message)
    assert "loaded schedules none" in govflow("calendar", "status", env=env)[1]


def test_a_reader_that_stops_reading_ends_the_command_quietly(no_database: dict[str, str]) -> None:
    """`govflow … | head`: the reader goes away; the command ends with SIGPIPE's status (141),
    and says nothing on stderr (no traceback, no "internal error")."""
    import os
    import shlex
    import subprocess

    command = " ".join(shlex.quote(part) for part in govflow_command())
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{command} calendar add 2026-09-28 7 | head -c 0"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **no_database},
    )
    assert (done.returncode, done.stderr) == (141, "")
