from pathlib import Path

import pytest

from workers.settings import Settings


def test_settings_come_from_the_contract_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEMPORAL_ADDRESS", "temporal.internal:7233")
    monkeypatch.setenv("TEMPORAL_NAMESPACE", "govflow-prod")
    monkeypatch.setenv("DATABASE_URL", "postgresql://app@db/govflow")
    monkeypatch.setenv("GOVFLOW_STATE_DIR", "/var/lib/govflow")
    monkeypatch.setenv("GOVFLOW_TASK_QUEUE", "cases")
    monkeypatch.setenv("GOVFLOW_LOG_FORMAT", "json")
    settings = Settings()
    assert settings.temporal_address == "temporal.internal:7233"
    assert settings.temporal_namespace == "govflow-prod"
    assert settings.database_url == "postgresql://app@db/govflow"
    assert settings.state_dir == Path("/var/lib/govflow")
    assert settings.task_queue == "cases"
    assert settings.log_format == "json"
    assert not settings.uses_tls


def test_defaults_are_the_local_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "TEMPORAL_ADDRESS",
        "TEMPORAL_NAMESPACE",
        "DATABASE_URL",
        "GOVFLOW_STATE_DIR",
        "GOVFLOW_TASK_QUEUE",
        "GOVFLOW_LOG_FORMAT",
    ):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert (settings.temporal_address, settings.temporal_namespace) == ("127.0.0.1:7233", "default")
    assert settings.database_url is None
    assert settings.task_queue == "govflow"


def test_an_unknown_log_format_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVFLOW_LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match="GOVFLOW_LOG_FORMAT"):
        Settings()
