"""The Compose file's search-attribute registration, run for real against a fresh dev server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.unit.test_compose_file import registration_script
from workers.devstack import installed_binary
from workflows import search_attributes

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("runs", [1, 2], ids=["fresh", "again"])
async def test_the_registration_script_registers_the_six_attributes(runs: int) -> None:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(installed_binary("temporal")), dev_server_log_level="error"
    )
    try:
        address = env.client.service_client.config.target_host
        shell_env = {
            **os.environ,
            "TEMPORAL_ADDRESS": address,
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        }
        for _ in range(runs):
            done = subprocess.run(
                ["sh", "-c", registration_script()], env=shell_env, capture_output=True, text=True, timeout=60
            )
            assert done.returncode == 0, (done.stdout, done.stderr)
        listing = subprocess.run(
            [
                str(installed_binary("temporal")),
                "operator",
                "search-attribute",
                "list",
                "--address",
                address,
                "--output",
                "json",
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        custom = json.loads(listing.stdout)["customAttributes"]
        assert custom == {
            key.name: f"INDEXED_VALUE_TYPE_{key.indexed_value_type.name}" for key in search_attributes.ALL
        }
    finally:
        await env.shutdown()
