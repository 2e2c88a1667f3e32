from pathlib import Path

from temporalio.client import TLSConfig

from workers.settings import Settings
from workers.temporal import tls_config


def test_no_tls_files_means_a_plain_connection() -> None:
    assert tls_config(Settings(TEMPORAL_ADDRESS="127.0.0.1:7233")) is False


def test_tls_files_are_read_into_the_client_config(tmp_path: Path) -> None:
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / name).write_bytes(f"-----{name}-----".encode())
    config = tls_config(
        Settings(
            TEMPORAL_TLS_CA=tmp_path / "ca.pem",
            TEMPORAL_TLS_CERT=tmp_path / "cert.pem",
            TEMPORAL_TLS_KEY=tmp_path / "key.pem",
            TEMPORAL_TLS_SERVER_NAME="temporal.gov.internal",
        )
    )
    assert isinstance(config, TLSConfig)
    assert config.server_root_ca_cert == b"-----ca.pem-----"
    assert config.client_cert == b"-----cert.pem-----"
    assert config.client_private_key == b"-----key.pem-----"
    assert config.domain == "temporal.gov.internal"
