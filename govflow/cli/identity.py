"""Who the command line acts as: `govflow login` (a development token from the local key) and
`govflow whoami`. Every command sends the saved token (or GOVFLOW_TOKEN); the worker verifies it
(workers.identity) and takes a request only if the token names its actor."""

from __future__ import annotations

import argparse
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import overload

import jwt

from domain.calendar import SHANGHAI
from domain.case import Actor
from govflow.cli.common import Commands
from govflow.client import errors
from govflow.client.identity import SavedToken
from workers.identity import DevIdentityProvider
from workers.settings import Settings

OPERATOR = frozenset({"operator"})
NOT_LOGGED_IN = "not logged in: `govflow login --as ROLE:ID` first (or set GOVFLOW_TOKEN)"
TTL = re.compile(r"^(\d{1,4})([mhd])$")
MAX_TTL = timedelta(days=7)


def parse_actor(text: str) -> Actor:
    role, _, subject = text.partition(":")
    try:
        return Actor(role=role, id=subject)
    except ValueError:
        raise errors.InputError(f"--as: {text!r} is not ROLE:ID (e.g. clerk:clerk-001)") from None


def example_actor(path: str) -> Actor:
    """Whom an example decision file is for: its folder's actors.json names them."""
    file = Path(path)
    try:
        named = json.loads((file.parent / "actors.json").read_text(encoding="utf-8"))[file.stem]
    except (OSError, ValueError, KeyError):
        raise errors.InputError(
            f"--for: {path} is not an example decision file named in its actors.json"
        ) from None
    return parse_actor(str(named))


def parse_ttl(text: str) -> timedelta:
    found = TTL.match(text)
    if not found:
        raise errors.InputError(f"--ttl: {text!r} is not a duration such as 30m, 8h or 2d")
    number, unit = int(found.group(1)), found.group(2)
    ttl = {"m": timedelta(minutes=number), "h": timedelta(hours=number), "d": timedelta(days=number)}[unit]
    if not timedelta(minutes=1) <= ttl <= MAX_TTL:
        raise errors.InputError(f"--ttl: between 1m and {MAX_TTL.days}d")
    return ttl


async def cmd_login(args: argparse.Namespace, settings: Settings) -> int:
    """A development token, signed with the local stack's key (`govflow dev` created it)."""
    if settings.jwks:
        raise errors.InputError(
            "GOVFLOW_JWKS names a real identity provider: get a token from it and set GOVFLOW_TOKEN"
        )
    actor = parse_actor(args.as_) if args.as_ else example_actor(args.for_)
    provider = DevIdentityProvider(settings.state_dir)
    if not provider.jwks_file.exists():
        raise errors.InputError(
            f"no development key under {settings.state_dir}: start the local stack (`govflow dev`) first"
        )
    token = provider.issue(actor.role, actor.id, parse_ttl(args.ttl), party=args.party)
    settings.token_file.touch(mode=0o600)
    settings.token_file.write_text(token, encoding="utf-8")
    print(
        f"已登录 logged in as {actor.role}:{actor.id} until {_until(token)} (token in {settings.token_file})"
    )
    return 0


async def cmd_rotate_key(args: argparse.Namespace, settings: Settings) -> int:
    """A new development signing key; the old public keys stay in the set (tokens issued keep
    verifying until they expire). The worker reads the set at start and every 10 minutes."""
    if settings.jwks:
        raise errors.InputError("GOVFLOW_JWKS names a real identity provider: it rotates its own keys")
    provider = DevIdentityProvider(settings.state_dir)
    if not provider.jwks_file.exists():
        raise errors.InputError(f"no development key under {settings.state_dir}: start `govflow dev` first")
    print(f"新密钥 signing with {provider.rotate()} from now on ({provider.jwks_file})")
    return 0


async def cmd_whoami(args: argparse.Namespace, settings: Settings) -> int:
    token = SavedToken(settings)(None)
    if not token:
        print("未登录 not logged in (govflow login --as ROLE:ID)")
        return 1
    claims = jwt.decode(token, options={"verify_signature": False})
    roles = ",".join(claims.get("roles", []))
    print(f"{roles}:{claims.get('sub')} until {_until(token)} (issuer {claims.get('iss')})")
    return 0


@overload
def token_actor(settings: Settings, roles: frozenset[str]) -> Actor: ...
@overload
def token_actor(settings: Settings, roles: frozenset[str], *, required: bool) -> Actor | None: ...


def token_actor(settings: Settings, roles: frozenset[str], *, required: bool = True) -> Actor | None:
    """The actor the saved token names, in the role (of `roles`, those a decision takes) it holds
    (None, if not `required` and no one is logged in). Only what the token says is read here;
    the worker verifies it."""
    token = SavedToken(settings)(None)
    if not token:
        if not required:
            return None
        raise errors.InputError(NOT_LOGGED_IN)
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.DecodeError:
        raise errors.InputError("the saved identity token is not a token: log in again") from None
    held = [role for role in claims.get("roles", []) if isinstance(role, str)]
    chosen = next((role for role in held if role in roles), held[0] if held else "")
    if not chosen:
        raise errors.InputError("the identity token grants no role")
    return Actor(role=chosen, id=str(claims.get("sub", "")))


def _until(token: str) -> str:
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]
    return f"{datetime.fromtimestamp(int(expires), UTC).astimezone(SHANGHAI):%Y-%m-%d %H:%M} 北京时间"


def register(commands: Commands) -> None:
    login = commands.add_parser(
        "login", help="act as ROLE:ID with a development token (the local stack's key)"
    )
    who = login.add_mutually_exclusive_group(required=True)
    who.add_argument("--as", dest="as_", metavar="ROLE:ID", help="e.g. clerk:clerk-001")
    who.add_argument(
        "--for", dest="for_", metavar="FILE", help="whom an example decision file is for (its actors.json)"
    )
    login.add_argument("--ttl", default="8h", help="how long the token holds: 30m, 8h, 2d (at most 7d)")
    login.add_argument(
        "--party", help="the ID number or credit code the person or company is (for party rules)"
    )
    login.set_defaults(run=cmd_login)
    rotate = commands.add_parser("rotate-key", help="a new development signing key (old tokens still verify)")
    rotate.set_defaults(run=cmd_rotate_key)
    whoami = commands.add_parser("whoami", help="who the saved token says you are")
    whoami.set_defaults(run=cmd_whoami)
