"""The ballot box of the committee vote (京人社事业发〔2021〕32号 五(二)5): secret, one ballot per
member, countable — secret even from whoever reads PostgreSQL's data files.

Why sealing, and not a cleverer layout of rows. Whatever a ballot's transaction writes stays on
disk: the new tuple versions carry its transaction id (xmin), the versions it replaced keep it
as xmax until a vacuum (and their bytes until overwritten), and the WAL keeps every record.
The close step reads nothing but this database, so a reader of the disk can run the close step
on the rows as they stood after any transaction and see the tally grow by one choice there;
and the member who voted in that transaction is written in it too (one vote per member needs
an attendance row in the same transaction, or in one right beside it: two transactions of
one terminal have neighbouring ids and the same order as everyone else's). Splitting the
ballot in two transactions, pre-created anonymous slots, or rewriting every row on every
ballot only moves the link (tests/integration/test_ballot_secrecy.py reads the pages and tries
the attacker's ways of pairing). So the one thing that can keep the choice from the disk is a
key that is not on it.

The design:

- Opening a box derives an X25519 tally key pair for it from the ballot key (TallyKeys: the
  worker's GOVFLOW_BALLOT_KEY) and stores only the public key with the box.
- The member's terminal seals the choice to that public key (an ephemeral X25519 exchange,
  HKDF-SHA256, ChaCha20-Poly1305 bound to the case and ballot number) before it reaches the
  server: PostgreSQL, its WAL and its statement log only ever see a sealed value of 56 bytes,
  the same length for every choice and never the same twice.
- One transaction checks the member and the open box, inserts the attendance row and the
  sealed ballot. They share a transaction id — by design: the id links the member to a value
  nobody without the key can open or tell from any other ballot, and writing both at once
  keeps a ballot whole (no attendance without its ballot, no ballot without its attendance,
  whatever fails or runs concurrently). No counter, no time, no sequence number is written.
- Closing the box (the secretary's close step, in the worker) derives the private key, opens
  every sealed ballot, counts them and writes the tally with the box in one transaction;
  closing again gives the stored tally.

What is still trusted: the ballot key. Whoever holds it and a copy of the disk (the data
files, or WAL kept since) can open each sealed ballot and read the member beside it from the
transaction id, for as long as the sealed values last; destroying the ballot key once its
boxes are closed makes them unreadable for good (and unrecountable). Also trusted: the member's
terminal while it seals, and the worker's memory while it counts. Without GOVFLOW_BALLOT_KEY a
worker draws a ballot key of its own for its lifetime (the development stack, the tests): a
box it opened cannot be closed by another worker or after a restart — the close then fails
for an operator instead of counting wrong.

Ballots never pass through Temporal (whose history keeps every update's input) nor through
`case_events`; the case records the tally when the box is closed.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from collections import Counter
from typing import ClassVar

import asyncpg
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from activities.db.connection import Connection
from domain.errors import BallotRefusedError, InvalidInputError, NoBallotOpenError
from domain.title import Choice, Tally

BALLOT_KEY_VARIABLE = "GOVFLOW_BALLOT_KEY"
SEALED_LENGTH = 56  # 32 (ephemeral public key) + 8 (padded choice) + 16 (tag): see 0010
_PADDED = 8  # every choice padded to one length, so that the length tells nothing
_NONCE = bytes(12)  # each seal has a key of its own (a fresh ephemeral exchange)


class TallyKeyError(RuntimeError):
    """The worker's ballot key is not the one the box was opened with: the sealed ballots
    cannot be opened here. Not a domain refusal and not transient; an operator starts a worker
    with the right GOVFLOW_BALLOT_KEY and resumes the case."""


class TamperedBoxError(RuntimeError):
    """A sealed ballot that does not open with the box's own key: written by something other
    than a member's terminal. The box is not counted."""


class TallyKeys:
    """The ballot key, kept off the database, from which each box's tally key pair derives."""

    _process_key: ClassVar[bytes | None] = None

    def __init__(self, ballot_key: bytes) -> None:
        if len(ballot_key) < 32:
            raise ValueError(f"{BALLOT_KEY_VARIABLE}: at least 32 bytes")
        self._ballot_key = ballot_key

    @classmethod
    def from_environment(cls) -> TallyKeys:
        """GOVFLOW_BALLOT_KEY (base64 of at least 32 random bytes), else a key of this process's
        own (see the module docstring)."""
        configured = os.environ.get(BALLOT_KEY_VARIABLE)
        if configured:
            try:
                return cls(base64.b64decode(configured, validate=True))
            except binascii.Error:
                raise ValueError(f"{BALLOT_KEY_VARIABLE}: not base64") from None
        if cls._process_key is None:
            cls._process_key = secrets.token_bytes(32)
        return cls(cls._process_key)

    def private_key(self, case_no: str, ballot_no: int) -> X25519PrivateKey:
        derived = HKDF(
            algorithm=hashes.SHA256(),
            length=32,
            salt=None,
            info=b"govflow tally key\x1f" + _box_label(case_no, ballot_no),
        ).derive(self._ballot_key)
        return X25519PrivateKey.from_private_bytes(derived)

    def public_key(self, case_no: str, ballot_no: int) -> bytes:
        return self.private_key(case_no, ballot_no).public_key().public_bytes_raw()


def _box_label(case_no: str, ballot_no: int) -> bytes:
    return f"{case_no}\x1f{ballot_no}".encode()


def _seal_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> ChaCha20Poly1305:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"govflow sealed ballot" + ephemeral + recipient
    ).derive(shared)
    return ChaCha20Poly1305(key)


def seal(tally_key: bytes, case_no: str, ballot_no: int, choice: Choice) -> bytes:
    """The choice sealed to the box's public tally key: only the private key opens it, and
    two seals of the same choice share nothing."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(tally_key))
    padded = choice.value.encode().ljust(_PADDED, b"\0")
    sealed = _seal_key(shared, ephemeral_public, tally_key).encrypt(
        _NONCE, padded, _box_label(case_no, ballot_no)
    )
    return ephemeral_public + sealed


def open_sealed(private_key: X25519PrivateKey, case_no: str, ballot_no: int, sealed: bytes) -> Choice | None:
    """The choice a sealed ballot holds, or None if it does not open with this key and box."""
    if len(sealed) != SEALED_LENGTH:
        return None
    ephemeral_public, body = sealed[:32], sealed[32:]
    recipient = private_key.public_key().public_bytes_raw()
    shared = private_key.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    try:
        padded = _seal_key(shared, ephemeral_public, recipient).decrypt(
            _NONCE, body, _box_label(case_no, ballot_no)
        )
    except InvalidTag:
        return None
    try:
        return Choice(padded.rstrip(b"\0").decode())
    except (UnicodeDecodeError, ValueError):
        return None


async def open_box(
    conn: Connection, case_no: str, ballot_no: int, members: tuple[str, ...], *, keys: TallyKeys | None = None
) -> None:
    """Open ballot `ballot_no` of the case with its public tally key (idempotent: an activity
    may run twice)."""
    tally_key = (keys or TallyKeys.from_environment()).public_key(case_no, ballot_no)
    await conn.execute(
        """INSERT INTO ballot_boxes (case_no, ballot_no, members, tally_key) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING""",
        case_no,
        ballot_no,
        list(members),
        tally_key,
    )


async def cast(conn: Connection, case_no: str, member: str, choice: str) -> int:
    """Cast `member`'s ballot in the open box of the case, sealed here before it is sent;
    returns the ballot number. Refused, with nothing written: no open box, a non-member, a
    second ballot, an unknown choice."""
    try:
        chosen = Choice(choice)
    except ValueError:
        raise InvalidInputError(f"choice: one of {', '.join(Choice)}") from None
    async with conn.transaction():
        # FOR SHARE: ballots go in side by side; closing (FOR UPDATE) waits for them, and a
        # ballot that waited for the closing finds the box closed.
        box = await conn.fetchrow(
            """SELECT ballot_no, members, tally_key FROM ballot_boxes WHERE case_no = $1 AND NOT closed
               ORDER BY ballot_no DESC LIMIT 1 FOR SHARE""",
            case_no,
        )
        if box is None:
            raise NoBallotOpenError(f"{case_no}: no ballot is open for this case")
        if member not in box["members"]:
            raise BallotRefusedError(f"{member} is not a member of this committee")
        if box["tally_key"] is None:
            raise NoBallotOpenError(
                f"{case_no}: ballot {box['ballot_no']} was opened before ballots were sealed; "
                "the secretary closes it and the vote is held again"
            )
        ballot_no = int(box["ballot_no"])
        sealed = seal(bytes(box["tally_key"]), case_no, ballot_no, chosen)
        try:
            await conn.execute(
                "INSERT INTO ballot_attendance (case_no, ballot_no, member) VALUES ($1, $2, $3)",
                case_no,
                ballot_no,
                member,
            )
        except asyncpg.UniqueViolationError:
            raise BallotRefusedError(f"{member} has already voted on this applicant") from None
        await conn.execute(
            "INSERT INTO sealed_ballots (case_no, ballot_no, sealed) VALUES ($1, $2, $3)",
            case_no,
            ballot_no,
            sealed,
        )
        return ballot_no


async def close_box(
    conn: Connection, case_no: str, ballot_no: int, *, keys: TallyKeys | None = None
) -> Tally:
    """Close the box: open the sealed ballots and take the tally (idempotent: a closed box
    gives the tally it was closed with)."""
    async with conn.transaction():
        box = await conn.fetchrow(
            """SELECT members, closed, tally_key, approve, reject, abstain FROM ballot_boxes
               WHERE case_no = $1 AND ballot_no = $2 FOR UPDATE""",
            case_no,
            ballot_no,
        )
        if box is None:
            raise NoBallotOpenError(f"{case_no}: ballot {ballot_no} was never opened")
        attendance = await conn.fetch(
            """SELECT member FROM ballot_attendance WHERE case_no = $1 AND ballot_no = $2
               ORDER BY member""",
            case_no,
            ballot_no,
        )
        counts = Counter({c: int(box[c.value]) for c in Choice})  # a box of before 0010 has some
        if not box["closed"]:
            if box["tally_key"] is not None:
                counts += await _count_sealed(
                    conn, keys or TallyKeys.from_environment(), case_no, ballot_no, box
                )
                if sum(counts.values()) != len(attendance):  # a ballot slipped in without its voter
                    raise TamperedBoxError(
                        f"{case_no} ballot {ballot_no}: {sum(counts.values())} ballots for "
                        f"{len(attendance)} members who voted; the box is not counted"
                    )
            await conn.execute(
                """UPDATE ballot_boxes SET closed = true, approve = $3, reject = $4, abstain = $5
                   WHERE case_no = $1 AND ballot_no = $2""",
                case_no,
                ballot_no,
                counts[Choice.APPROVE],
                counts[Choice.REJECT],
                counts[Choice.ABSTAIN],
            )
    return Tally(
        ballot_no=ballot_no,
        members=tuple(sorted(box["members"])),
        attendance=tuple(r["member"] for r in attendance),
        approve=counts[Choice.APPROVE],
        reject=counts[Choice.REJECT],
        abstain=counts[Choice.ABSTAIN],
    )


async def _count_sealed(
    conn: Connection, keys: TallyKeys, case_no: str, ballot_no: int, box: asyncpg.Record
) -> Counter[Choice]:
    private_key = keys.private_key(case_no, ballot_no)
    if private_key.public_key().public_bytes_raw() != bytes(box["tally_key"]):
        raise TallyKeyError(
            f"{case_no}: ballot {ballot_no} was opened with another {BALLOT_KEY_VARIABLE} than this "
            "worker's; its ballots can be counted only by a worker with that key"
        )
    counts: Counter[Choice] = Counter()
    spoiled = 0
    for row in await conn.fetch(
        "SELECT sealed FROM sealed_ballots WHERE case_no = $1 AND ballot_no = $2", case_no, ballot_no
    ):
        choice = open_sealed(private_key, case_no, ballot_no, bytes(row["sealed"]))
        if choice is None:
            spoiled += 1
        else:
            counts[choice] += 1
    if spoiled:
        raise TamperedBoxError(
            f"{case_no}: ballot {ballot_no} holds {spoiled} sealed ballots that do not open"
        )
    return counts
