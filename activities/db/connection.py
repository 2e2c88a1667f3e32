"""Connections to PostgreSQL: the server named by DATABASE_URL, or the embedded one."""

from __future__ import annotations

import json
from typing import Any, TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

# A connection of its own or one lent by the pool: the queries do not care which.
Connection: TypeAlias = "asyncpg.Connection[Any] | PoolConnectionProxy[Any]"


class DatabaseUnreachableError(RuntimeError):
    """No database to talk to, or the one named does not answer."""


async def _init_connection(conn: asyncpg.Connection) -> None:
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(
            type_name,
            encoder=lambda v: json.dumps(v, ensure_ascii=False),
            decoder=json.loads,
            schema="pg_catalog",
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
