"""One settings object, read from the environment (the contract's names) and overridden by flags."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# The one task queue every procedure runs on; GOVFLOW_TASK_QUEUE renames it.
DEFAULT_TASK_QUEUE = "govflow"
STATE_FOLDER = ".govflow"


def find_state_dir(cwd: Path, project: Path | None) -> Path:
    """The state folder when GOVFLOW_STATE_DIR is not set, the same wherever a command runs from.

    Run from a source checkout (scripts/bootstrap installs it editable into its .venv), the
    checkout's own `.govflow`: `./scripts/dev` keeps the stack's state there, and every command
    finds it from any folder. Installed as a package (no checkout), the nearest `.govflow` folder
    from the working directory upward, else `.govflow` in the working directory.
    """
    if project is not None:
        return project / STATE_FOLDER
    for folder in (cwd, *cwd.parents):
        if (folder / STATE_FOLDER).is_dir():
            return folder / STATE_FOLDER
    return cwd / STATE_FOLDER


@functools.cache
def source_checkout() -> Path | None:
    """The project folder this code runs from, if it is a checkout of govflow: the folder above
    the packages holds the pyproject.toml that names the project. (Not resolved: a checkout
    reached through a link is the one its user named.)"""
    folder = Path(__file__).absolute().parent.parent
    try:
        project = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return folder if project.get("project", {}).get("name") == "govflow" else None


def default_state_dir() -> Path:
    return find_state_dir(Path.cwd(), source_checkout())


class Settings(BaseSettings):
    """Where Temporal and PostgreSQL are, where state lives, how to log.

    `DATABASE_URL` unset means the embedded PostgreSQL (pgserver) kept under the state folder.
    """

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    temporal_address: str = Field(default="127.0.0.1:7233", alias="TEMPORAL_ADDRESS")
    temporal_namespace: str = Field(default="default", alias="TEMPORAL_NAMESPACE")
    temporal_tls_cert: Path | None = Field(default=None, alias="TEMPORAL_TLS_CERT")
    temporal_tls_key: Path | None = Field(default=None, alias="TEMPORAL_TLS_KEY")
    temporal_tls_ca: Path | None = Field(default=None, alias="TEMPORAL_TLS_CA")
    temporal_tls_server_name: str | None = Field(default=None, alias="TEMPORAL_TLS_SERVER_NAME")
    database_url: str | None = Field(default=None, alias="DATABASE_URL", repr=False)  # may hold a password
    # Unset: the checkout's .govflow, found from any working directory (find_state_dir).
    state_dir: Path = Field(default_factory=default_state_dir, alias="GOVFLOW_STATE_DIR")
    task_queue: str = Field(default=DEFAULT_TASK_QUEUE, alias="GOVFLOW_TASK_QUEUE")
    log_format: Literal["json", "console"] = Field(default="console", alias="GOVFLOW_LOG_FORMAT")
    log_level: str = Field(default="INFO", alias="GOVFLOW_LOG_LEVEL")
    ui_port: int = Field(default=8233, alias="GOVFLOW_UI_PORT")
    # Where a worker serves Prometheus metrics (workers.metrics): HOST:PORT, or "off".
    metrics_address: str = Field(default="127.0.0.1:9464", alias="GOVFLOW_METRICS_ADDRESS")
    # Identity (workers.identity): the key set the worker verifies tokens with, what tokens must
    # say, and the caller's own token (else the one `govflow login` keeps in the state folder).
    jwks: str | None = Field(default=None, alias="GOVFLOW_JWKS")
    jwt_issuer: str = Field(default="govflow-dev", alias="GOVFLOW_JWT_ISSUER")
    jwt_audience: str = Field(default="govflow", alias="GOVFLOW_JWT_AUDIENCE")
    token: str | None = Field(default=None, alias="GOVFLOW_TOKEN", repr=False)
    service_key: str | None = Field(default=None, alias="GOVFLOW_SERVICE_KEY")  # a PEM file's path
    # The committee's ballot key (activities.db.ballots): base64 of 32 random bytes, kept off the
    # database; else the one `govflow dev` keeps in the state folder.
    ballot_key: str | None = Field(default=None, alias="GOVFLOW_BALLOT_KEY", repr=False)
    # The data key ring (workers.keyring): encrypts personal data in payloads and the event log.
    data_keys: str | None = Field(default=None, alias="GOVFLOW_DATA_KEYS", repr=False)

    @property
    def uses_tls(self) -> bool:
        return any((self.temporal_tls_cert, self.temporal_tls_key, self.temporal_tls_ca))

    @property
    def serves_metrics(self) -> bool:
        return self.metrics_address.strip().lower() not in ("", "off")

    @property
    def jwks_source(self) -> str:
        """GOVFLOW_JWKS, or the development key set of the state folder."""
        return self.jwks or str(self.state_dir / "identity" / "jwks.json")

    @property
    def ballot_key_file(self) -> Path:
        return self.state_dir / "ballot.key"

    @property
    def token_file(self) -> Path:
        """Where `govflow login` keeps the caller's token."""
        return self.state_dir / "token"

    @property
    def notices_dir(self) -> Path:
        return self.state_dir / "notices"

    @property
    def embedded_postgres_dir(self) -> Path:
        return self.state_dir / "postgres"

    @property
    def database_url_file(self) -> Path:
        """Where `govflow dev` writes the embedded database's address for other commands."""
        return self.state_dir / "database_url"
