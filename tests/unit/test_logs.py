import json
import logging
from collections.abc import Iterator

import pytest

from workers.logs import configure_logging, get_logger


@pytest.fixture(autouse=True)
def _restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_workflow_logger_lines_carry_case_workflow_and_run(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("json", "INFO")
    # What temporalio's workflow.logger attaches to each record.
    logging.getLogger("temporalio.workflow").info(
        "case opened in stage intake",
        extra={
            "temporal_workflow": {"workflow_id": "DEMO-2026-000001", "run_id": "r-1", "workflow_type": "demo"}
        },
    )
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["event"] == "case opened in stage intake"
    assert line["case_no"] == line["workflow_id"] == "DEMO-2026-000001"
    assert line["run_id"] == "r-1"
    assert line["level"] == "info"


def test_structlog_lines_keep_what_they_were_bound_with(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("json", "INFO")
    get_logger(
        "govflow.activities", case_no="DEMO-2026-000002", workflow_id="DEMO-2026-000002", run_id="r-2"
    ).warning("clock breached and escalated", clock="review")
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["case_no"] == "DEMO-2026-000002"
    assert line["run_id"] == "r-2"
    assert line["clock"] == "review"
    assert line["event"] == "clock breached and escalated"


def test_console_format_is_for_people(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("console", "INFO")
    get_logger("govflow", case_no="DEMO-2026-000003").info("worker polling")
    err = capsys.readouterr().err
    assert "worker polling" in err
    assert "case_no=DEMO-2026-000003" in err
