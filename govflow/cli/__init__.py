"""`govflow`: the command line, a thin layer over the client SDK.

One module per area, each command's flags beside its code: cases (start, decide, resume,
status, list), stack (dev, worker, doctor, rebuild-projections), calendar, and the modules the
registered procedures bring (workers.registry: complaints, permits, subsidies, titles).

Exit status: 0 done; 1 refused (bad input, unknown case, a decision the case refuses, a case
that is stuck); 2 wrong usage; 3 Temporal or PostgreSQL unreachable, or no worker answered;
4 accepted but still being carried out when the wait ran out. Errors are one line on stderr,
Chinese first with the English after it (govflow.client.errors.for_people).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import sys
import traceback
import warnings

from pydantic import ValidationError

from activities.db.connection import DatabaseUnreachableError
from domain.case import describe_validation_error
from govflow.cli import calendar, cases, codec, identity, inbox, stack
from govflow.cli.common import EXIT_PENDING, EXIT_REFUSED, EXIT_UNREACHABLE, EXIT_USAGE
from govflow.client import errors
from workers.devstack import DevStackError
from workers.identity import KeySetError
from workers.keyring import KeyRingError
from workers.logs import configure_logging
from workers.registry import cli_modules
from workers.settings import Settings
from workers.temporal import TemporalUnreachableError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="govflow", description=__doc__.splitlines()[0])
    parser.add_argument("--temporal-address", help="overrides TEMPORAL_ADDRESS")
    parser.add_argument("--namespace", help="overrides TEMPORAL_NAMESPACE")
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    parser.add_argument("--state-dir", help="overrides GOVFLOW_STATE_DIR")
    parser.add_argument("--task-queue", help="overrides GOVFLOW_TASK_QUEUE")
    parser.add_argument("--log-format", choices=["json", "console"], help="overrides GOVFLOW_LOG_FORMAT")
    commands = parser.add_subparsers(dest="command", required=True)
    for module in (
        cases,
        inbox,
        identity,
        stack,
        codec,
        calendar,
        *map(importlib.import_module, cli_modules()),
    ):
        module.register(commands)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    overrides = {
        "TEMPORAL_ADDRESS": args.temporal_address,
        "TEMPORAL_NAMESPACE": args.namespace,
        "DATABASE_URL": args.database_url,
        "GOVFLOW_STATE_DIR": args.state_dir,
        "GOVFLOW_TASK_QUEUE": args.task_queue,
        "GOVFLOW_LOG_FORMAT": args.log_format,
    }
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


def run(argv: list[str] | None = None) -> int:
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")  # pgserver's platformdirs
    args = build_parser().parse_args(argv)
    try:
        settings = settings_from(args)
    except ValidationError as error:
        print(f"govflow: configuration: {describe_validation_error(error)}", file=sys.stderr)
        return EXIT_USAGE
    configure_logging(
        settings.log_format, settings.log_level if args.command in ("dev", "worker") else "WARNING"
    )
    try:
        status: int = asyncio.run(args.run(args, settings))
        return status
    except (
        errors.ServerUnreachableError,
        errors.DatabaseUnreachableError,
        errors.NoAnswerError,
        DatabaseUnreachableError,
        TemporalUnreachableError,
    ) as error:
        print(f"govflow: {errors.for_people(error)}", file=sys.stderr)
        return EXIT_UNREACHABLE
    except errors.DecisionPendingError as error:
        print(f"govflow: {errors.for_people(error)}", file=sys.stderr)
        return EXIT_PENDING
    except (errors.GovflowError, DevStackError, KeyRingError, KeySetError) as error:
        print(f"govflow: {errors.for_people(error)}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader has gone (`govflow list | head`): end quietly
        _stdout_to_devnull()
        return EXIT_BROKEN_PIPE
    except ValidationError as error:  # a value given on the command line (an operator's id)
        print(f"govflow: {describe_validation_error(error)}", file=sys.stderr)
        return EXIT_REFUSED
    except Exception as error:  # a fault of ours: one line, the traceback in the log
        if os.environ.get("GOVFLOW_LOG_LEVEL", "").upper() == "DEBUG":
            traceback.print_exc()
        print(
            f"govflow: 内部错误（internal error ({type(error).__name__}: {error}); "
            "GOVFLOW_LOG_LEVEL=DEBUG shows where）",
            file=sys.stderr,
        )
        return EXIT_REFUSED


EXIT_BROKEN_PIPE = 141
"""As a Unix tool ended by SIGPIPE (128 + 13): its reader stopped reading."""


def _stdout_to_devnull() -> None:
    """What is left in stdout's buffer goes nowhere, instead of raising again at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def main() -> None:
    """Leave with os._exit: the Temporal SDK's threads can abort a clean interpreter shutdown
    (temporalio/sdk-python#300), which must not turn a command that succeeded into a failure."""
    status = run()
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away after the last line was written
        _stdout_to_devnull()
        status = status or EXIT_BROKEN_PIPE
    sys.stderr.flush()
    os._exit(status)
