"""Confidential payloads end to end (workers.codec), on the time-skipping server with the tests'
worker: a title review (a person: name, ID number) and a complaint (a contact person and phone)
started through the SDK leave nothing of those in Temporal's history; a client without the key
ring sees ciphertext only, the project's client reads the cases back. And `govflow codec-server`
serves the protocol the Web UI speaks."""

from __future__ import annotations

import asyncio
import base64
import copy
import json
import os
import signal
import socket
import urllib.request
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.case import Actor
from domain.complaint import ComplaintFiling
from domain.inputs import resident_id_check_character
from domain.intake import intake_id
from domain.title import ReviewApplication
from govflow.client import Govflow
from tests.helpers import dev_tokens, example, govflow_command, wait_for_status
from workers.codec import ENCODING, EncryptionCodec, codec_payloads, is_encrypted
from workers.keyring import keyring_file
from workers.registry import get_procedure
from workers.settings import Settings

pytestmark = pytest.mark.workflow

NAME = "李知远"
CONTACT_PERSON, PHONE = "王经理", "010-65000000"


def fresh_id_number() -> str:
    """A person of their own (a title case is one per person): a citizen identity number with
    the right GB 11643 check character."""
    drawn = uuid.uuid4().int
    born = date(1960, 1, 1) + timedelta(days=drawn % 12_000)
    body = f"110105{born:%Y%m%d}{(drawn >> 16) % 1000:03d}"
    return body + resident_id_check_character(body)


def forms(secret: str) -> set[bytes]:
    """A value as bytes may show it: UTF-8, and JSON's \\u escapes (either case of hex)."""
    escaped = json.dumps(secret).strip('"')
    return {secret.encode(), escaped.encode(), escaped.upper().replace("\\U", "\\u").encode()}


def shown(data: bytes, secrets: list[str]) -> list[str]:
    return [secret for secret in secrets if any(form in data for form in forms(secret))]


def without_search_attributes(event: HistoryEvent) -> HistoryEvent:
    """The event but for its search attributes (indexed by the server, so never encoded: see
    test_the_search_attributes_name_no_person)."""
    copied = HistoryEvent.FromString(event.SerializeToString())
    for name in (
        "workflow_execution_started_event_attributes",
        "upsert_workflow_search_attributes_event_attributes",
    ):
        if copied.HasField(name):
            getattr(copied, name).ClearField("search_attributes")
    return copied


ISSUED: list[str] = []
"""Every identity token the tests' client sent: none may be readable in a history."""


@pytest.fixture
def gf(time_skipping_env: WorkflowEnvironment, time_skipping_worker: Worker, settings: Settings) -> Govflow:
    minted = dev_tokens(settings)

    def remembered(actor: Actor | None) -> str | None:
        token = minted(actor)
        ISSUED.append(str(token))
        return token

    return Govflow(
        time_skipping_env.client, settings, tokens=remembered, clock=time_skipping_env.get_current_time
    )


def plain_client(env: WorkflowEnvironment) -> Client:
    """A client of the same server without the key ring: what Temporal, its operators and its
    backups have."""
    return Client(
        env.client.service_client, namespace=env.client.namespace, data_converter=pydantic_data_converter
    )


async def raw_events(client: Client, workflow_id: str) -> list[HistoryEvent]:
    return list((await client.get_workflow_handle(workflow_id).fetch_history()).events)


async def start_cases(gf: Govflow) -> tuple[str, str, str]:
    """A title review and a complaint, each past its first steps: (review, complaint, ID number)."""
    id_number = fresh_id_number()
    review = copy.deepcopy(example("title-review", "start"))
    review["applicant"]["id_number"] = id_number
    assert review["applicant"]["name"] == NAME
    ref = await gf.start_case("title-review", ReviewApplication.model_validate(review))
    await wait_for_status(
        gf, ref.case_no, lambda s: any(e.type in ("EligibilityAssessed", "CaseClosed") for e in s.history)
    )
    complaint = copy.deepcopy(example("complaint", "start"))
    assert (complaint["complainant"]["contact_person"], complaint["complainant"]["contact"]) == (
        CONTACT_PERSON,
        PHONE,
    )
    complaint["received_on"] = None
    filed = await gf.start_case("complaint", ComplaintFiling.model_validate(complaint))
    await wait_for_status(gf, filed.case_no, lambda s: any(e.type == "ClockStarted" for e in s.history))
    return ref.case_no, filed.case_no, id_number


async def test_no_personal_data_is_in_the_history_yet_the_client_reads_it_back(
    gf: Govflow, time_skipping_env: WorkflowEnvironment, settings: Settings
) -> None:
    review_no, complaint_no, id_number = await start_cases(gf)
    secrets = [NAME, id_number, CONTACT_PERSON, PHONE]
    plain = plain_client(time_skipping_env)
    intakes = [intake_id(settings.task_queue, get_procedure(p).prefix) for p in ("title-review", "complaint")]

    for workflow_id in (review_no, complaint_no, *intakes):
        events = await raw_events(plain, workflow_id)
        assert events, workflow_id
        # Every byte of the history but the search attributes: payloads, failures, markers.
        for event in events:
            kept = without_search_attributes(event)
            assert shown(kept.SerializeToString(), secrets) == [], (workflow_id, event.event_type)
            assert shown(json_format.MessageToJson(kept).encode(), secrets) == [], (
                workflow_id,
                event.event_type,
            )
        # Every payload the codec sees is encrypted; the headers too: the identity token a
        # request carried is sealed, not there to be read and used again.
        sent = [p for e in events for p in codec_payloads(e)]
        assert sent and all(is_encrypted(p) for p in sent), workflow_id
        history = b"".join(event.SerializeToString() for event in events)
        assert ISSUED and not any(token.encode() in history for token in ISSUED), workflow_id
        assert not any(token.split(".")[2].encode() in history for token in ISSUED), workflow_id

    # Without the key ring the case's input is ciphertext; with it, the person is there.
    [started] = [
        e
        for e in await raw_events(plain, review_no)
        if e.HasField("workflow_execution_started_event_attributes")
    ]
    opening = started.workflow_execution_started_event_attributes.input.payloads
    assert opening[0].metadata["encoding"] == ENCODING
    with pytest.raises(Exception, match="binary/encrypted"):
        await pydantic_data_converter.decode(opening)
    [decoded] = await time_skipping_env.client.data_converter.decode(opening)
    assert decoded["application"]["applicant"]["id_number"] == id_number
    assert decoded["application"]["applicant"]["name"] == NAME

    # The SDK's client, with the key ring, reads both cases back.
    assert (await gf.status(review_no)).case_no == review_no
    assert (await gf.status(complaint_no)).case_no == complaint_no
    filing = (await gf.status(complaint_no)).history[0].data
    assert PHONE in json.dumps(filing, ensure_ascii=False)


async def test_the_search_attributes_name_no_person(
    gf: Govflow, time_skipping_env: WorkflowEnvironment
) -> None:
    """Search attributes are indexed by the server and no codec encodes them: what is in them is
    in clear. The review's ApplicantId must not be the person's ID number."""
    review_no, _, id_number = await start_cases(gf)
    events = await raw_events(plain_client(time_skipping_env), review_no)
    attributes = [
        p
        for e in events
        for name in (
            "workflow_execution_started_event_attributes",
            "upsert_workflow_search_attributes_event_attributes",
        )
        if e.HasField(name)
        for p in getattr(e, name).search_attributes.indexed_fields.values()
    ]
    assert attributes
    assert shown(b"".join(p.data for p in attributes), [NAME, id_number]) == []


# -- `govflow codec-server` ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def post(url: str, document: dict[str, Any], origin: str) -> tuple[int, dict[str, str], Any]:
    request = urllib.request.Request(url, data=json.dumps(document).encode(), method="POST")
    for name, value in {
        "Content-Type": "application/json",
        "X-Namespace": "default",
        "Origin": origin,
    }.items():
        request.add_header(name, value)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, dict(answer.headers), json.loads(answer.read())


async def test_the_codec_server_command_decodes_for_the_ui(settings: Settings, tmp_path: Path) -> None:
    port, origin = free_port(), "http://127.0.0.1:18233"
    env = {
        **os.environ,
        "GOVFLOW_DATA_KEYS": settings.data_keys or str(keyring_file(settings)),
        "GOVFLOW_STATE_DIR": str(tmp_path),
    }
    process = await asyncio.create_subprocess_exec(
        *govflow_command(),
        "codec-server",
        "--port",
        str(port),
        "--origin",
        origin,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        assert f"http://127.0.0.1:{port}" in line, line
        [sealed] = await EncryptionCodec.from_settings(settings).encode(
            await pydantic_data_converter.encode([{"name": NAME}])
        )
        document = {"payloads": [json_format.MessageToDict(sealed)]}
        status, headers, answer = await asyncio.to_thread(
            post, f"http://127.0.0.1:{port}/decode", document, origin
        )
        assert status == 200 and headers["Access-Control-Allow-Origin"] == origin
        [payload] = answer["payloads"]
        assert base64.b64decode(payload["metadata"]["encoding"]) == b"json/plain"
        assert json.loads(base64.b64decode(payload["data"])) == {"name": NAME}
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
    assert process.returncode == 0
