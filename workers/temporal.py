"""Connecting to Temporal with the project's data converter (pydantic v2 payloads, encrypted with
the data key ring: workers.codec)."""

from __future__ import annotations

import re

from temporalio.client import Client, TLSConfig
from temporalio.common import HeaderCodecBehavior
from temporalio.runtime import Runtime

from workers.codec import data_converter
from workers.settings import Settings


class TemporalUnreachableError(RuntimeError):
    """The Temporal server named by TEMPORAL_ADDRESS does not answer."""


def tls_config(settings: Settings) -> TLSConfig | bool:
    if not settings.uses_tls:
        return False
    return TLSConfig(
        server_root_ca_cert=settings.temporal_tls_ca.read_bytes() if settings.temporal_tls_ca else None,
        client_cert=settings.temporal_tls_cert.read_bytes() if settings.temporal_tls_cert else None,
        client_private_key=settings.temporal_tls_key.read_bytes() if settings.temporal_tls_key else None,
        domain=settings.temporal_tls_server_name,
    )


async def connect(settings: Settings, runtime: Runtime | None = None) -> Client:
    """A client whose payloads are encrypted with the key ring of `settings`; KeyRingError (one
    line) when there is none, TemporalUnreachableError when the server does not answer.

    A worker passes the runtime that serves its metrics (workers.metrics); everything else runs
    on the SDK's default runtime, which serves none."""
    converter = data_converter(settings)
    try:
        return await Client.connect(
            settings.temporal_address,
            namespace=settings.temporal_namespace,
            data_converter=converter,
            tls=tls_config(settings),
            runtime=runtime,
        )
    except RuntimeError as error:
        raise TemporalUnreachableError(
            f"Temporal server unreachable at {settings.temporal_address} ({_reason(error)})"
        ) from None


def _reason(error: RuntimeError) -> str:
    """The OS's words from the SDK's long transport error, e.g. 'Connection refused'."""
    found = re.search(r'message: "([^"]+)"', str(error))
    return found.group(1) if found else str(error).splitlines()[0]


def with_sealed_headers(client: Client) -> Client:
    """The client with its headers passed through the payload codec too: the identity token a
    request carries is then sealed in the history like every other payload (a token read from
    a history could otherwise be used again until it expires). A worker decodes them before
    its interceptors read them; a plain header (a request of before, a client without the
    codec) passes through the codec as it is."""
    if client.data_converter.payload_codec is None:
        return client
    config = client.config()
    config["header_codec_behavior"] = HeaderCodecBehavior.CODEC
    return Client(**config)
