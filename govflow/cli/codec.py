"""`govflow codec-server`: the Temporal codec server (workers.codec) that lets the Web UI, or
`temporal workflow show --codec-endpoint URL`, read the encrypted payloads with the data key ring.
`govflow dev` runs one of its own; this command is for a Temporal UI elsewhere."""

from __future__ import annotations

import argparse
import sys

from govflow.cli.common import EXIT_REFUSED, Commands
from workers.settings import Settings

DEFAULT_ORIGIN = "http://127.0.0.1:8233"


async def cmd_codec_server(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from workers.codec import CodecServer, EncryptionCodec
    from workers.devstack import until_interrupted
    from workers.keyring import KeyRingError

    origins = args.origin or [DEFAULT_ORIGIN]
    try:
        codec = EncryptionCodec.from_settings(settings)
        server = CodecServer(codec, args.host, args.port, origins=origins)
    except KeyRingError as error:
        print(f"govflow: {error}", file=sys.stderr)
        return EXIT_REFUSED
    except OSError as error:
        print(
            f"govflow: codec server: cannot listen on {args.host}:{args.port} ({error.strerror})",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    server.start()
    print(
        f"govflow codec-server: {server.url} (POST /encode, /decode; CORS for {', '.join(origins)}; "
        f"keys {', '.join(sorted(codec.ring.keys))}, current {codec.ring.current})",
        flush=True,
    )
    try:
        async with until_interrupted() as stop:
            await stop.wait()
    finally:
        await asyncio.to_thread(server.stop)
    return 0


def register(commands: Commands) -> None:
    server = commands.add_parser(
        "codec-server", help="decrypt payloads for the Temporal Web UI (the codec server protocol)"
    )
    server.add_argument("--port", type=int, default=8888, help="port to listen on (default: 8888)")
    server.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1; whoever reaches it can read every case)",
    )
    server.add_argument(
        "--origin",
        action="append",
        help=f"the Web UI's origin, allowed by CORS (repeatable; default: {DEFAULT_ORIGIN})",
    )
    server.set_defaults(run=cmd_codec_server)
