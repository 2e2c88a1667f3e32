"""Confidential payloads: every payload the SDK sends to Temporal is encrypted with the data key
ring (workers.keyring), and the Temporal UI reads them through a codec server.

`EncryptionCodec` seals a whole payload (its metadata too: the encoding and the pydantic type
say something about a case) with the ring's current key, AES-256-GCM, into a payload of its
own: metadata `encoding: binary/encrypted` and `encryption-key-id: <kid>`, data nonce +
ciphertext. Decoding uses the key the payload names, so a ring that has been rotated still reads
what older keys sealed; a payload that is not encrypted (a history recorded before payloads were
encrypted, the kept histories under tests/histories) passes through unchanged. The ciphertext
is bound to a fixed label only (nothing that could change between encode and decode), so that a
value sealed elsewhere with the same keys (the event log) is not taken for a payload.

Headers are left as they are (the SDK's default, HeaderCodecBehavior.NO_CODEC): the identity
token in `govflow-identity` is not personal data, and the worker's interceptor reads it before
any payload is decoded. Search attributes are never encoded by a codec (the server indexes them).

`CodecServer` is the Temporal codec server protocol (POST /encode and /decode with
`{"payloads": [...]}`, payloads in protobuf JSON), with CORS for the Web UI's origin; it runs
`govflow codec-server` and, on a free port, inside `govflow dev`.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, PayloadCodec

from workers.keyring import KeyRing, KeyRingError, ensure_dev_keyring, load_keyring
from workers.settings import Settings

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
# Authenticated with every payload, stored nowhere: it separates payloads from the other values
# the same keys encrypt. Never to be changed (payloads sealed under another label do not open).
CONTEXT = b"govflow/temporal-payload/v1"


class PayloadKeyError(KeyRingError):
    """A payload names a key the ring does not hold, or does not decrypt under its key."""


def is_encrypted(payload: Payload) -> bool:
    return payload.metadata.get("encoding") == ENCODING


class EncryptionCodec(PayloadCodec):
    """AES-256-GCM over whole payloads, with the key ring's keys (see the module's docstring).

    `reload`, if given, reads the key ring again when a payload names a key the ring in memory
    does not hold: a key added to GOVFLOW_DATA_KEYS (or the development ring) elsewhere is then
    found without restarting the process; it also makes a new current key the encrypting one.
    """

    def __init__(self, ring: KeyRing, reload: Callable[[], KeyRing] | None = None) -> None:
        super().__init__()
        self._ring = ring
        self._reload = reload
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> EncryptionCodec:
        """The key ring of `settings` (GOVFLOW_DATA_KEYS, else the state folder's development
        ring); KeyRingError, one line, when there is none."""
        return cls(load_keyring(settings), reload=lambda: load_keyring(settings))

    @property
    def ring(self) -> KeyRing:
        return self._ring

    # -- the codec, synchronous (the codec server calls these from its threads) --------------

    def encode_sync(self, payloads: Iterable[Payload]) -> list[Payload]:
        ring = self._ring
        sealed: list[Payload] = []
        for payload in payloads:
            kid, data = ring.encrypt(payload.SerializeToString(), CONTEXT)
            sealed.append(Payload(metadata={"encoding": ENCODING, KEY_ID: kid.encode()}, data=data))
        return sealed

    def decode_sync(self, payloads: Iterable[Payload]) -> list[Payload]:
        return [self._open(payload) if is_encrypted(payload) else payload for payload in payloads]

    def _open(self, payload: Payload) -> Payload:
        kid = payload.metadata.get(KEY_ID, b"").decode("utf-8", "replace")
        if not kid:
            raise PayloadKeyError(f"an encrypted payload names no key ({KEY_ID} is missing)")
        ring = self._ring_with(kid)
        try:
            opened = ring.decrypt(kid, payload.data, CONTEXT)
        except KeyRingError as error:
            raise PayloadKeyError(f"an encrypted payload does not decrypt: {error}") from None
        return Payload.FromString(opened)

    def _ring_with(self, kid: str) -> KeyRing:
        ring = self._ring
        if kid in ring.keys:
            return ring
        if self._reload is not None:
            with self._lock:
                try:
                    ring = self._reload()
                except KeyRingError:
                    ring = self._ring
                else:
                    self._ring = ring
        if kid not in ring.keys:
            raise PayloadKeyError(
                f"a payload is encrypted under key {kid!r}, which the data key ring does not hold "
                f"(it holds {', '.join(sorted(ring.keys))}): add it to GOVFLOW_DATA_KEYS"
            )
        return ring

    # -- PayloadCodec -----------------------------------------------------------------------

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return self.encode_sync(payloads)

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return self.decode_sync(payloads)


def codec_data_converter(codec: PayloadCodec) -> DataConverter:
    """The project's converter (pydantic v2 payloads) with `codec` over every payload."""
    return dataclasses.replace(pydantic_data_converter, payload_codec=codec)


def data_converter(settings: Settings) -> DataConverter:
    """The converter every client and worker of the project uses: pydantic payloads, encrypted
    with the key ring of `settings`. KeyRingError when there is no key ring."""
    return codec_data_converter(EncryptionCodec.from_settings(settings))


def development_data_converter(settings: Settings) -> DataConverter:
    """`data_converter` for a development state folder, its key ring created if it has none
    (tests, benchmarks and recording scripts that make a state folder of their own)."""
    ensure_dev_keyring(settings)
    return data_converter(settings)


def plaintext_history(history: WorkflowHistory, converter: DataConverter) -> WorkflowHistory:
    """A copy of `history` with its payloads decrypted by `converter`'s codec: what is kept
    under tests/histories must replay without the key of the run that recorded it."""
    events = [HistoryEvent.FromString(event.SerializeToString()) for event in history.events]
    if isinstance(converter.payload_codec, EncryptionCodec):
        for event in events:
            decode_message(event, converter.payload_codec)
    return WorkflowHistory(history.workflow_id, events)


def payloads_in(message: Any, skip: Iterable[str] = ()) -> Iterator[Payload]:
    """Every payload inside a protobuf message (a history event, say), however deep, but for
    those under a field named in `skip` (e.g. "header", "search_attributes")."""
    skipped = frozenset(skip)
    for field, value in message.ListFields():
        if field.message_type is None or field.name in skipped:
            continue
        if field.message_type.GetOptions().map_entry:
            if field.message_type.fields_by_name["value"].message_type is None:
                continue
            items: Iterable[Any] = value.values()
        elif field.is_repeated:
            items = value
        else:
            items = [value]
        for item in items:
            if isinstance(item, Payload):
                yield item
            else:
                yield from payloads_in(item, skipped)


LOCAL_ACTIVITY_MARKER = "core_local_activity"
PATCH_MARKER = "core_patch"


def codec_payloads(event: HistoryEvent) -> list[Payload]:
    """The payloads of a history event that pass through the codec: all but headers (the
    identity token), search attributes, the SDK's patch markers (a `workflow.patched` id) and
    the bookkeeping of a local activity's marker (its id, type and times under `data`), which
    the SDK's core writes past any codec; a local activity's result does pass through it."""
    marker = event.marker_recorded_event_attributes
    if event.HasField("marker_recorded_event_attributes"):
        if marker.marker_name == PATCH_MARKER:
            return []
        if marker.marker_name == LOCAL_ACTIVITY_MARKER:
            return [p for key, ps in marker.details.items() if key != "data" for p in ps.payloads]
    return list(payloads_in(event, skip=("header", "search_attributes")))


def decode_message(message: Any, codec: EncryptionCodec) -> None:
    """Decrypt, in place, every encrypted payload inside a protobuf message."""
    for payload in list(payloads_in(message)):
        if is_encrypted(payload):
            payload.CopyFrom(codec.decode_sync([payload])[0])


# -- the codec server --------------------------------------------------------------------------

ALLOWED_HEADERS = "Content-Type,X-Namespace"
ALLOWED_METHODS = "POST,OPTIONS"
MAX_BODY = 64 * 1024 * 1024


class CodecServer:
    """The Temporal codec server protocol over HTTP, in threads of this process.

    POST /encode and POST /decode take and return `{"payloads": [...]}` (protobuf JSON: base64
    data and metadata values); an OPTIONS preflight, and every answer, carries CORS headers for
    the origins given (the Web UI's) and for no other. Listens on `host` (127.0.0.1 by default:
    whoever reaches it can read every case, so it is not to be exposed without a guard in front).
    `port` 0 means a free one; `url` says which.
    """

    def __init__(
        self, codec: EncryptionCodec, host: str = "127.0.0.1", port: int = 8888, origins: Iterable[str] = ()
    ) -> None:
        self.codec = codec
        self.origins = frozenset(origin.rstrip("/") for origin in origins)
        self._httpd = ThreadingHTTPServer((host, port), _handler(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        """Serve in a thread of its own until `stop()`."""
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="govflow-codec", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    # -- what a request gets ----------------------------------------------------------------

    def cors(self, origin: str | None) -> dict[str, str]:
        if origin is None or origin.rstrip("/") not in self.origins:
            return {}
        return {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": ALLOWED_METHODS,
            "Access-Control-Allow-Headers": ALLOWED_HEADERS,
            "Access-Control-Max-Age": "600",
            "Vary": "Origin",
        }

    def apply(self, path: str, content_type: str, body: bytes) -> tuple[HTTPStatus, dict[str, Any]]:
        """The status and JSON answer to a POST."""
        route = path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        if route not in ("encode", "decode"):
            return HTTPStatus.NOT_FOUND, {"error": f"no {path}: POST /encode or /decode"}
        if content_type.split(";", 1)[0].strip().lower() != "application/json":
            return HTTPStatus.UNSUPPORTED_MEDIA_TYPE, {"error": "send Content-Type: application/json"}
        try:
            payloads = json_format.Parse(body, Payloads())
        except (json_format.ParseError, UnicodeDecodeError) as error:
            return HTTPStatus.BAD_REQUEST, {"error": f'not {{"payloads": [...]}} ({error})'}
        try:
            if route == "encode":
                done = self.codec.encode_sync(payloads.payloads)
            else:
                done = self.codec.decode_sync(payloads.payloads)
        except KeyRingError as error:
            return HTTPStatus.UNPROCESSABLE_ENTITY, {"error": str(error)}
        answer: dict[str, Any] = json_format.MessageToDict(Payloads(payloads=done))
        answer.setdefault("payloads", [])
        return HTTPStatus.OK, answer


def _handler(server: CodecServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "govflow-codec"

        def do_OPTIONS(self) -> None:
            self._answer(HTTPStatus.NO_CONTENT, None)

        def do_POST(self) -> None:
            try:
                length = int(self.headers.get("Content-Length", "0"))
            except ValueError:
                length = -1
            if length < 0 or length > MAX_BODY:
                self.close_connection = True
                self._answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": "no body, or too large"})
                return
            body = self.rfile.read(length)
            status, answer = server.apply(self.path, self.headers.get("Content-Type", ""), body)
            self._answer(status, answer)

        def do_GET(self) -> None:
            self._answer(HTTPStatus.METHOD_NOT_ALLOWED, {"error": "POST /encode or /decode"})

        def _answer(self, status: HTTPStatus, answer: dict[str, Any] | None) -> None:
            body = b"" if answer is None else json.dumps(answer).encode()
            self.send_response(status)
            for name, value in server.cors(self.headers.get("Origin")).items():
                self.send_header(name, value)
            if answer is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return  # payloads are confidential; not even their paths go to stderr

    return Handler
