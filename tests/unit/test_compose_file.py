"""temporal-dev.yml cannot run here (no Docker engine): check that it parses and is wired."""

from pathlib import Path

import yaml

from workers.settings import Settings
from workflows import search_attributes

REPO = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((REPO / "temporal-dev.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]


def test_it_has_temporal_on_postgres_the_ui_the_app_database_and_the_worker() -> None:
    assert set(SERVICES) >= {
        "temporal-db",
        "temporal",
        "temporal-ui",
        "app-db",
        "worker",
        "register-search-attributes",
    }
    temporal = SERVICES["temporal"]["environment"]
    assert temporal["DB"] == "postgres12"
    assert temporal["POSTGRES_SEEDS"] == "temporal-db"
    assert SERVICES["temporal"]["depends_on"]["temporal-db"]["condition"] == "service_healthy"
    assert SERVICES["temporal-ui"]["environment"]["TEMPORAL_ADDRESS"] == "temporal:7233"


def test_the_worker_is_built_here_and_configured_with_the_contract_variables() -> None:
    worker = SERVICES["worker"]
    assert worker["build"]["dockerfile"] == "Dockerfile"
    assert (REPO / worker["build"]["dockerfile"]).is_file()
    assert worker["command"] == ["govflow", "worker"]
    env = worker["environment"]
    settings = Settings(**{k: v for k, v in env.items()})
    assert settings.temporal_address == "temporal:7233"
    assert settings.database_url is not None
    db = SERVICES["app-db"]["environment"]
    expected = f"postgresql://{db['POSTGRES_USER']}:{db['POSTGRES_PASSWORD']}@app-db:5432/{db['POSTGRES_DB']}"
    assert settings.database_url == expected
    assert settings.log_format == "json"
    assert set(worker["depends_on"]) == {"register-search-attributes", "app-db"}


def registration_script() -> str:
    """The registration service's shell command, as the shell inside the container gets it."""
    [script] = SERVICES["register-search-attributes"]["command"]
    return str(script).replace("$$", "$")


def test_the_registration_names_the_six_search_attributes_with_their_types() -> None:
    script = registration_script()
    pairs = script[script.index("for pair in") + len("for pair in") : script.index("; do")].split()
    registered = dict(pair.split(":") for pair in pairs)
    kinds = {"KEYWORD": "Keyword", "DATETIME": "Datetime"}
    assert registered == {k.name: kinds[k.indexed_value_type.name] for k in search_attributes.ALL}
