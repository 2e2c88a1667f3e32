"""The payload codec (workers.codec): encryption with the data key ring, rotation, pass-through of
payloads recorded in clear, and the codec server the Web UI reads payloads through (a real HTTP
server on a free port)."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter

from domain.title import ReviewApplication
from tests.helpers import example
from workers.codec import (
    ENCODING,
    KEY_ID,
    CodecServer,
    EncryptionCodec,
    PayloadKeyError,
    codec_data_converter,
    data_converter,
    is_encrypted,
)
from workers.keyring import KeyRing, KeyRingError, keyring_file
from workers.settings import Settings

NAME, ID_NUMBER = "李知远", "110105198503150019"
UI = "http://127.0.0.1:8233"


def plain(value: Any) -> Payload:
    return pydantic_data_converter.payload_converter.to_payloads([value])[0]


def secrets_in(data: bytes) -> list[str]:
    """Which of the applicant's name and ID number the bytes show, in UTF-8 or JSON's escapes."""
    shown = []
    for secret in (NAME, ID_NUMBER):
        forms = {secret.encode(), json.dumps(secret).strip('"').encode(), secret.encode("utf-16-be")}
        if any(form in data for form in forms):
            shown.append(secret)
    return shown


@pytest.fixture
def ring() -> KeyRing:
    return KeyRing.generated()


async def test_a_payload_round_trips_and_shows_nothing_of_its_value(ring: KeyRing) -> None:
    codec = EncryptionCodec(ring)
    original = plain({"name": NAME, "id_number": ID_NUMBER})
    assert secrets_in(original.SerializeToString())  # the check can see them
    [sealed] = await codec.encode([original])
    assert sealed.metadata["encoding"] == ENCODING
    assert sealed.metadata[KEY_ID] == ring.current.encode()
    assert set(sealed.metadata) == {"encoding", KEY_ID}  # the value's own encoding is sealed too
    assert secrets_in(sealed.SerializeToString()) == []
    assert await codec.decode([sealed]) == [original]


async def test_the_same_value_encrypts_differently_each_time(ring: KeyRing) -> None:
    codec = EncryptionCodec(ring)
    first, second = await codec.encode([plain("x"), plain("x")])
    assert first.data != second.data


async def test_the_converter_round_trips_a_title_application(ring: KeyRing) -> None:
    converter = codec_data_converter(EncryptionCodec(ring))
    application = ReviewApplication.model_validate(example("title-review", "start"))
    payloads = await converter.encode([application])
    assert all(is_encrypted(p) for p in payloads)
    assert all(secrets_in(p.SerializeToString()) == [] for p in payloads)
    assert await converter.decode(payloads, [ReviewApplication]) == [application]


async def test_a_rotated_ring_reads_the_old_key_and_seals_with_the_new(ring: KeyRing) -> None:
    [under_k1] = await EncryptionCodec(ring).encode([plain({"name": NAME})])
    rotated = ring.rotated()
    codec = EncryptionCodec(rotated)
    assert (await pydantic_data_converter.decode(await codec.decode([under_k1])))[0] == {"name": NAME}
    [under_k2] = await codec.encode([plain({"name": NAME})])
    assert under_k2.metadata[KEY_ID] == rotated.current.encode() != ring.current.encode()
    assert (await pydantic_data_converter.decode(await codec.decode([under_k2])))[0] == {"name": NAME}


async def test_a_key_the_ring_does_not_hold_is_a_clear_error(ring: KeyRing) -> None:
    [sealed] = await EncryptionCodec(ring).encode([plain("x")])
    stranger = KeyRing.generated()
    with pytest.raises(PayloadKeyError, match=f"encrypted under key '{ring.current}'.*GOVFLOW_DATA_KEYS"):
        await EncryptionCodec(stranger).decode([sealed])
    assert issubclass(PayloadKeyError, KeyRingError)


async def test_an_altered_payload_does_not_decrypt(ring: KeyRing) -> None:
    codec = EncryptionCodec(ring)
    [sealed] = await codec.encode([plain("x")])
    altered = Payload(metadata=dict(sealed.metadata), data=sealed.data[:-1] + bytes([sealed.data[-1] ^ 1]))
    with pytest.raises(PayloadKeyError, match="does not decrypt"):
        await codec.decode([altered])
    # Nor does a value the same key sealed for another place (the label binds it to payloads).
    kid, elsewhere = ring.encrypt(plain("x").SerializeToString())
    with pytest.raises(PayloadKeyError, match="does not decrypt"):
        await codec.decode([Payload(metadata={"encoding": ENCODING, KEY_ID: kid.encode()}, data=elsewhere)])


async def test_a_payload_recorded_in_clear_passes_through(ring: KeyRing) -> None:
    codec = EncryptionCodec(ring)
    kept = [plain({"name": NAME}), plain(None), Payload(metadata={"encoding": b"binary/plain"}, data=b"\x00")]
    assert await codec.decode(kept) == kept


async def test_a_key_added_elsewhere_is_found_by_reading_the_ring_again(tmp_path: Path) -> None:
    settings = Settings(GOVFLOW_STATE_DIR=tmp_path, GOVFLOW_DATA_KEYS=None)  # the folder's ring
    old = KeyRing.generated()
    keyring_file(settings).write_text(json.dumps(old.to_document()), encoding="utf-8")
    running = EncryptionCodec.from_settings(settings)  # a worker started before the rotation
    rotated = old.rotated()
    keyring_file(settings).write_text(json.dumps(rotated.to_document()), encoding="utf-8")
    [sealed] = await EncryptionCodec(rotated).encode([plain("x")])
    assert await running.decode([sealed]) == [plain("x")]
    assert running.ring.current == rotated.current


def test_no_key_ring_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(KeyRingError, match=r"no data key ring.*GOVFLOW_DATA_KEYS"):
        data_converter(Settings(GOVFLOW_STATE_DIR=tmp_path, GOVFLOW_DATA_KEYS=None))


def test_a_key_ring_in_the_environment_is_used(ring: KeyRing, tmp_path: Path) -> None:
    settings = Settings(GOVFLOW_STATE_DIR=tmp_path, GOVFLOW_DATA_KEYS=json.dumps(ring.to_document()))
    codec = data_converter(settings).payload_codec
    assert isinstance(codec, EncryptionCodec) and codec.ring == ring


# -- the codec server --------------------------------------------------------------------------


@pytest.fixture
def server(ring: KeyRing) -> Iterator[CodecServer]:
    running = CodecServer(EncryptionCodec(ring), "127.0.0.1", 0, origins=[UI])
    running.start()
    try:
        yield running
    finally:
        running.stop()


def post(
    url: str, body: bytes, headers: dict[str, str] | None = None, method: str = "POST"
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=body if method == "POST" else None, method=method)
    for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def as_json(payload: Payload) -> dict[str, Any]:
    """A payload as the UI sends it: protobuf JSON, base64 data and metadata values."""
    return {
        "metadata": {k: base64.b64encode(v).decode() for k, v in payload.metadata.items()},
        "data": base64.b64encode(payload.data).decode(),
    }


def from_json(payload: dict[str, Any]) -> Payload:
    return Payload(
        metadata={k: base64.b64decode(v) for k, v in payload.get("metadata", {}).items()},
        data=base64.b64decode(payload.get("data", "")),
    )


async def test_the_codec_server_decodes_what_the_workers_encoded(server: CodecServer, ring: KeyRing) -> None:
    original = [plain({"name": NAME, "id_number": ID_NUMBER}), plain(42)]
    sealed = await EncryptionCodec(ring).encode(original)
    body = json.dumps({"payloads": [as_json(p) for p in sealed]}).encode()
    status, headers, answer = post(f"{server.url}/decode", body, {"Origin": UI, "X-Namespace": "default"})
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert headers["Access-Control-Allow-Origin"] == UI
    assert [from_json(p) for p in json.loads(answer)["payloads"]] == original


async def test_the_codec_server_encodes_and_decodes_back(server: CodecServer, ring: KeyRing) -> None:
    original = [plain({"name": NAME})]
    body = json.dumps({"payloads": [as_json(p) for p in original]}).encode()
    status, _, encoded = post(f"{server.url}/encode", body)
    assert status == 200
    sealed = [from_json(p) for p in json.loads(encoded)["payloads"]]
    assert all(is_encrypted(p) for p in sealed) and secrets_in(encoded) == []
    assert await EncryptionCodec(ring).decode(sealed) == original
    status, _, decoded = post(f"{server.url}/decode", encoded)
    assert status == 200 and [from_json(p) for p in json.loads(decoded)["payloads"]] == original


def test_the_codec_server_answers_the_ui_preflight(server: CodecServer) -> None:
    status, headers, _ = post(
        f"{server.url}/decode",
        b"",
        {
            "Origin": UI,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-namespace",
        },
        method="OPTIONS",
    )
    assert status in (200, 204)
    assert headers["Access-Control-Allow-Origin"] == UI
    assert set(headers["Access-Control-Allow-Headers"].split(",")) == {"Content-Type", "X-Namespace"}
    assert "POST" in headers["Access-Control-Allow-Methods"].split(",")


def test_the_codec_server_allows_no_other_origin(server: CodecServer) -> None:
    for method in ("OPTIONS", "POST"):
        _, headers, _ = post(
            f"{server.url}/decode", b'{"payloads": []}', {"Origin": "http://evil.example"}, method=method
        )
        assert not any(name.lower().startswith("access-control-") for name in headers)


def test_the_codec_server_refuses_what_is_not_the_protocol(server: CodecServer, ring: KeyRing) -> None:
    assert post(f"{server.url}/decode", b"not json")[0] == 400
    assert post(f"{server.url}/decode", b'{"payloads": []}', {"Content-Type": "text/plain"})[0] == 415
    assert post(f"{server.url}/elsewhere", b'{"payloads": []}')[0] == 404
    status, _, answer = post(f"{server.url}/decode", b'{"payloads": []}')
    assert (status, json.loads(answer)) == (200, {"payloads": []})
    stranger = KeyRing.generated()
    sealed = EncryptionCodec(stranger).encode_sync([plain("x")])
    status, _, answer = post(f"{server.url}/decode", json.dumps({"payloads": [as_json(sealed[0])]}).encode())
    assert status == 422 and stranger.current in json.loads(answer)["error"]


# -- `govflow dev` wires the UI to it ------------------------------------------------------------


def test_the_dev_stack_starts_the_ui_with_its_codec_server(tmp_path: Path) -> None:
    from workers.devstack import TemporalDevServer, _start_codec_server

    settings = Settings(GOVFLOW_STATE_DIR=tmp_path)
    keyring_file(settings).write_text(json.dumps(KeyRing.generated().to_document()), encoding="utf-8")
    temporal = TemporalDevServer(tmp_path, "127.0.0.1", 17233, 18233, "default")
    assert "--ui-codec-endpoint" not in temporal.command()
    codec = _start_codec_server(settings, temporal)
    try:
        command = temporal.command()
        assert command[command.index("--ui-codec-endpoint") + 1] == codec.url == temporal.codec_endpoint
        for origin in ("http://127.0.0.1:18233", "http://localhost:18233"):
            _, headers, _ = post(f"{codec.url}/decode", b"", {"Origin": origin}, method="OPTIONS")
            assert headers["Access-Control-Allow-Origin"] == origin
    finally:
        codec.stop()
