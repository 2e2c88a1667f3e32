"""The data keys: what encrypts the personal data a case carries, wherever it is stored
outside the worker's memory (Temporal's payloads, the event log), and what turns a person's ID
number into a pseudonym that can be searched for but not read.

A key ring holds several AES-256-GCM keys, each named by a key id (`kid`); the current one
encrypts, every one decrypts, so a key is rotated by adding a new current key and keeping the
old ones until nothing they encrypted is kept any more. The pseudonym key is separate and never
rotates (a pseudonym must stay the same for the same person, or a search would miss their
older cases).

Configured by GOVFLOW_DATA_KEYS, a JSON document (or the path of one):

    {"current": "k2", "keys": {"k1": "<base64 of 32 bytes>", "k2": "…"}, "pseudonym": "<base64>"}

Unset, the development key ring that `govflow dev` keeps in the state folder (`data-keys.json`,
readable by its owner only) is used.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from workers.settings import Settings

NONCE_BYTES = 12
KEY_BYTES = 32


class KeyRingError(RuntimeError):
    """The key ring cannot be read, or does not hold the key a value was encrypted with."""


@dataclass(frozen=True)
class KeyRing:
    current: str
    keys: dict[str, bytes] = field(repr=False)
    pseudonym_key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if self.current not in self.keys:
            raise KeyRingError(f"the current key {self.current!r} is not in the key ring")
        if any(len(key) != KEY_BYTES for key in (*self.keys.values(), self.pseudonym_key)):
            raise KeyRingError(f"every key of the key ring is {KEY_BYTES} bytes")

    # -- encryption -------------------------------------------------------------------------

    def encrypt(self, plaintext: bytes, context: bytes = b"") -> tuple[str, bytes]:
        """(kid, nonce + ciphertext) under the current key; `context` is authenticated, not
        stored: the same context must be given to decrypt (it binds a value to its place)."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        return self.current, nonce + AESGCM(self.keys[self.current]).encrypt(nonce, plaintext, context)

    def decrypt(self, kid: str, sealed: bytes, context: bytes = b"") -> bytes:
        key = self.keys.get(kid)
        if key is None:
            raise KeyRingError(f"the key ring does not hold key {kid!r}")
        try:
            return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], context)
        except InvalidTag:
            raise KeyRingError(
                f"a value under key {kid!r} does not decrypt: altered, or another context"
            ) from None

    # -- pseudonyms ---------------------------------------------------------------------------

    def pseudonym(self, value: str) -> str:
        """A keyed pseudonym of `value` (an ID number): the same person always gets the same one,
        and without the key it tells nothing (HMAC-SHA256, 26 characters of base32)."""
        digest = hmac.new(self.pseudonym_key, value.strip().upper().encode(), hashlib.sha256).digest()
        return "P-" + base64.b32encode(digest).decode().rstrip("=")[:26]

    # -- reading and writing ------------------------------------------------------------------

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> KeyRing:
        try:
            return cls(
                current=str(document["current"]),
                keys={str(kid): _key(value) for kid, value in dict(document["keys"]).items()},
                pseudonym_key=_key(document["pseudonym"]),
            )
        except (KeyError, TypeError, ValueError, binascii.Error) as error:
            raise KeyRingError(f"not a key ring ({error})") from None

    def to_document(self) -> dict[str, Any]:
        return {
            "current": self.current,
            "keys": {kid: base64.b64encode(key).decode() for kid, key in self.keys.items()},
            "pseudonym": base64.b64encode(self.pseudonym_key).decode(),
        }

    def rotated(self) -> KeyRing:
        """The same ring with a new current key (the old ones still decrypt)."""
        kid = f"k{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(3)}"
        return KeyRing(kid, {**self.keys, kid: secrets.token_bytes(KEY_BYTES)}, self.pseudonym_key)

    @classmethod
    def generated(cls) -> KeyRing:
        kid = f"k{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(3)}"
        return cls(kid, {kid: secrets.token_bytes(KEY_BYTES)}, secrets.token_bytes(KEY_BYTES))


def _key(value: Any) -> bytes:
    return base64.b64decode(str(value), validate=True)


def keyring_file(settings: Settings) -> Path:
    return settings.state_dir / "data-keys.json"


def load_keyring(settings: Settings) -> KeyRing:
    """GOVFLOW_DATA_KEYS (a JSON key ring, or its path), else the state folder's development
    ring; KeyRingError, one line, if there is none."""
    configured = settings.data_keys
    try:
        if configured and configured.lstrip().startswith("{"):
            document = json.loads(configured)
        else:
            path = Path(configured) if configured else keyring_file(settings)
            document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise KeyRingError(
            f"no data key ring ({error}): set GOVFLOW_DATA_KEYS, or run `govflow dev` for a development one"
        ) from None
    return KeyRing.from_document(document)


def ensure_dev_keyring(settings: Settings) -> None:
    """A development key ring under the state folder, readable by its owner only."""
    if settings.data_keys:
        return
    path = keyring_file(settings)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(json.dumps(KeyRing.generated().to_document(), indent=2), encoding="utf-8")


def rotate_dev_keyring(settings: Settings) -> str:
    """A new current key in the development ring; returns its kid."""
    ring = load_keyring(settings).rotated()
    keyring_file(settings).write_text(json.dumps(ring.to_document(), indent=2), encoding="utf-8")
    return ring.current
