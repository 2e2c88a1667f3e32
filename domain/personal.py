"""Personal data in the event log: which fields of an event hold a person's data, and how they
are sealed (encrypted) on the way into `case_events` and opened on the way out.

The one list of personal fields is here. A value of such a field, anywhere in an event's
`data` (nested mappings and lists included), is stored as `{"enc": kid, "v": base64(sealed)}`:
AES-256-GCM under the data key ring's current key, its context binding it to its place (case
number, sequence number, field path), so that a sealed value copied to another field or case
does not open. A value that is not such an object is plaintext (rows written before sealing).

Which fields hold a person's data, read from the application and event models of domain/:

- `id_number`: the title applicant's ID number (title_eligibility.Applicant), and the certified
  (TitleCertified) or blacklisted (PersonBlacklisted) person's;
- `name` of a person: in a mapping that also holds an `id_number` (the title applicant, a
  certified or blacklisted person), the complaint's `agent` (第九条, a person), the
  `complainant` (a foreign investor may be a natural person), and the experts drawn or offered
  for a panel or committee (`members`, `pool`). A company's name (a demo, permit, subsidy or
  credit applicant: `uscc` and `name`) is public and stays readable;
- `contact`, `contact_person`, `address`: a complainant's (or respondent's) contact details;
- `objector`: who objects in a publicity window (a person's name, or 匿名);
- a notice's `recipient` and `body` (NoticeIssued): addressed to the applicant by name;
- `phone`, `mobile`, `email`, `birth_date`: no model has them today; listed so that a model that
  adds one is sealed from its first event.

A company's unified social credit code and a case's `applicant_id` are not sealed: the code is
public, and a person's `applicant_id` in CaseOpened is their pseudonym (see `DataKeys.pseudonym`).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any, Protocol

SEALED_KEYS = frozenset({"enc", "v"})

PERSONAL_FIELDS = frozenset(
    {
        "id_number",
        "contact",
        "contact_person",
        "address",
        "objector",
        "phone",
        "mobile",
        "email",
        "birth_date",
        "holder",  # a qualification certificate's holder (qualification-verification)
    }
)
"""Fields whose value is a person's data wherever they appear."""

PERSON_HOLDERS = frozenset({"agent", "complainant", "members", "pool"})
"""Keys under which a `name` is a person's (a mapping, or a list of mappings)."""

PERSON_MARKER = "id_number"
"""A mapping holding this field is a person: its `name` is theirs."""

EVENT_FIELDS: Mapping[str, frozenset[str]] = {"NoticeIssued": frozenset({"recipient", "body"})}
"""Top-level fields personal in one event type only."""


class DataKeys(Protocol):
    """What the event log needs of the data key ring (workers.keyring.KeyRing)."""

    def encrypt(self, plaintext: bytes, context: bytes = b"") -> tuple[str, bytes]: ...

    def decrypt(self, kid: str, sealed: bytes, context: bytes = b"") -> bytes: ...

    def pseudonym(self, value: str) -> str: ...


class PersonalDataError(ValueError):
    """A sealed value met without a key ring, or one that does not open."""


def is_sealed(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and value.keys() == SEALED_KEYS
        and isinstance(value["enc"], str)
        and isinstance(value["v"], str)
    )


def context(case_no: str, seq: int, path: str) -> bytes:
    """What a sealed value is bound to: its case, its event, its field."""
    return f"{case_no}\x1f{seq}\x1f{path}".encode()


def seal(data: Mapping[str, Any], keys: DataKeys | None, case_no: str, seq: int, event_type: str = "") -> Any:
    """`data` with every personal value sealed. Without a key ring, data holding a personal value
    is refused (PersonalDataError): it is never stored in clear by mistake."""

    def one(value: Any, path: str) -> Any:
        if value is None or is_sealed(value):
            return value
        if keys is None:
            raise PersonalDataError(
                f"{case_no} event {seq}: {path} is personal data and no data key ring is set"
            )
        plaintext = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        kid, sealed = keys.encrypt(plaintext, context(case_no, seq, path))
        return {"enc": kid, "v": base64.b64encode(sealed).decode()}

    return _walk(data, one, event_type)


def unseal(data: Mapping[str, Any], keys: DataKeys | None, case_no: str, seq: int) -> Any:
    """`data` with every sealed value opened (plaintext values are left as they are)."""

    def one(value: Any, path: str) -> Any:
        if not is_sealed(value):
            return value
        if keys is None:
            raise PersonalDataError(f"{case_no} event {seq}: {path} is sealed and no data key ring is set")
        try:
            sealed = base64.b64decode(value["v"], validate=True)
        except (binascii.Error, ValueError):
            raise PersonalDataError(f"{case_no} event {seq}: {path} is not a sealed value") from None
        return json.loads(keys.decrypt(value["enc"], sealed, context(case_no, seq, path)))

    return _open_all(data, one, "")


def _walk(data: Any, one: Any, event_type: str) -> Any:
    top = EVENT_FIELDS.get(event_type, frozenset())

    def walk(value: Any, path: str, person_holder: bool) -> Any:
        if isinstance(value, dict):
            person = person_holder or PERSON_MARKER in value
            out: dict[str, Any] = {}
            for key, item in value.items():
                where = f"{path}.{key}" if path else key
                personal = key in PERSONAL_FIELDS or (key == "name" and person) or (not path and key in top)
                out[key] = one(item, where) if personal else walk(item, where, key in PERSON_HOLDERS)
            return out
        if isinstance(value, list | tuple):
            return [walk(item, f"{path}[{i}]", person_holder) for i, item in enumerate(value)]
        return value

    return walk(data, "", False)


def _open_all(value: Any, one: Any, path: str) -> Any:
    """Every sealed value opened, wherever it is (the rules that sealed it need not be known:
    a field once sealed opens even if the list above changes)."""
    if is_sealed(value):
        return one(value, path)
    if isinstance(value, dict):
        return {k: _open_all(v, one, f"{path}.{k}" if path else k) for k, v in value.items()}
    if isinstance(value, list):
        return [_open_all(v, one, f"{path}[{i}]") for i, v in enumerate(value)]
    return value
