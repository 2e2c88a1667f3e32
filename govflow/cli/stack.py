"""Running and checking the stack: dev, worker, doctor, and rebuild-projections (an operator's, on
the database)."""

from __future__ import annotations

import argparse
import sys

from govflow.cli.common import (
    EXIT_REFUSED,
    Commands,
)
from workers.settings import Settings


async def cmd_dev(args: argparse.Namespace, settings: Settings) -> int:
    from workers.devstack import run_dev_stack, stop_dev_stack

    if args.stop:
        print(await stop_dev_stack(settings))
        return 0
    await run_dev_stack(settings, temporal_port=args.port, ui_port=args.ui_port)
    return 0


async def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    """Is everything a case needs there, and if not, what is missing (one line a check)."""
    from govflow.doctor import format_checks, run_doctor

    checks = await run_doctor(settings)
    print(format_checks(checks))
    return 0 if all(check.ok for check in checks) else EXIT_REFUSED


async def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from workers.devstack import until_interrupted
    from workers.main import run_worker

    async with until_interrupted() as stop:
        await run_worker(settings, stop=stop)
    return 0


async def cmd_rebuild(args: argparse.Namespace, settings: Settings) -> int:
    """The read models again from the log alone; the log's personal data is opened, and the
    pseudonyms the read models keep computed, with the data key ring (the worker's)."""
    from activities.db.event_log import install_data_keys
    from activities.db.read_models.titles import pseudonymize_revocations
    from workers.keyring import KeyRingError, load_keyring
    from workers.main import database, projections

    try:
        install_data_keys(load_keyring(settings))
    except KeyRingError as error:
        print(f"rebuild-projections: {error}", file=sys.stderr)
        return EXIT_REFUSED
    kept = projections()
    async with database(settings) as pool, pool.acquire() as conn:
        count = await kept.rebuild(conn)
        await pseudonymize_revocations(conn)  # rows of before migration 0011
    print(f"rebuilt {', '.join(kept.tables)} from {count} events")
    return 0


def register(commands: Commands) -> None:
    dev = commands.add_parser("dev", help="run the local stack: Temporal + UI, PostgreSQL, a worker")
    dev.add_argument("--port", type=int, help="Temporal frontend port (default: from TEMPORAL_ADDRESS)")
    dev.add_argument("--ui-port", type=int, help="Web UI port (default: GOVFLOW_UI_PORT, else 8233)")
    dev.add_argument(
        "--stop", action="store_true", help="stop the local stack of this state folder, started elsewhere"
    )
    dev.set_defaults(run=cmd_dev)

    commands.add_parser(
        "doctor", help="check the stack, search attributes, schema, worker and stuck cases"
    ).set_defaults(run=cmd_doctor)

    commands.add_parser("worker", help="run a worker on the task queue").set_defaults(run=cmd_worker)

    commands.add_parser(
        "rebuild-projections", help="rebuild every read model from case_events alone (an operator's)"
    ).set_defaults(run=cmd_rebuild)
