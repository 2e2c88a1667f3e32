"""Where the database is: DATABASE_URL, or the embedded PostgreSQL the local stack runs."""

from __future__ import annotations

from typing import Any

from activities.db.connection import DatabaseUnreachableError
from workers.settings import Settings


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
    server = pgserver.get_server(settings.embedded_postgres_dir.resolve(), cleanup_mode="stop")
    return server, server.get_uri()
