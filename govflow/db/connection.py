"""Connections to PostgreSQL: the server named by DATABASE_URL, or the embedded one."""

from __future__ import annotations

import json
from typing import Any, TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from govflow.settings import Settings

# A connection of its own or one lent by the pool: the queries do not care which.
Connection: TypeAlias = "asyncpg.Connection[Any] | PoolConnectionProxy[Any]"


class DatabaseUnreachableError(RuntimeError):
    """No database to talk to, or the one named does not answer."""


def resolve_database_url(settings: Settings) -> str:
    """DATABASE_URL, or the address `govflow dev` wrote for its embedded PostgreSQL."""
    if settings.database_url:
        return settings.database_url
    if settings.database_url_file.is_file():
        return settings.database_url_file.read_text(encoding="utf-8").strip()
    raise DatabaseUnreachableError(
        "database unreachable: DATABASE_URL is not set and no local stack is running "
        f"(no {settings.database_url_file}); start one with `govflow dev`"
    )


def start_embedded_postgres(settings: Settings) -> tuple[Any, str]:
    """Start (or join) the embedded PostgreSQL kept under the state folder; stops with its user."""
    import pgserver

    settings.embedded_postgres_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(  # type: ignore[attr-defined]
        settings.embedded_postgres_dir.resolve(), cleanup_mode="stop"
    )
    return server, server.get_uri()


async def _init_connection(conn: asyncpg.Connection) -> None:
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(
            type_name, encoder=lambda v: json.dumps(v, ensure_ascii=False),
            decoder=json.loads, schema="pg_catalog",
        )


async def create_pool(url: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    try:
        pool = await asyncpg.create_pool(
            url, min_size=min_size, max_size=max_size, init=_init_connection, timeout=10
        )
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        raise DatabaseUnreachableError(f"database unreachable at {redact(url)}: {error}") from None
    if pool is None:
        raise DatabaseUnreachableError(f"database unreachable at {redact(url)}")
    return pool


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, at, host = rest.rpartition("@")
    user, _, password = credentials.partition(":")
    return f"{scheme}://{user}{':***' if password else ''}{at}{host}"
