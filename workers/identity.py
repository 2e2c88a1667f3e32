"""Identity tokens: verified by the worker before a case takes any request, issued locally for
development.

Every start, decision and resume carries a signed identity token (a JWT as an OpenID Connect
provider issues them: asymmetric keys named by `kid`, an expiry, an issuer and an audience) in
the Temporal header `govflow-identity` (govflow.client.identity puts it there). The worker's
IdentityInterceptor checks it in every update's validator, before anything is written: no token,
an expired one, one signed by a key the worker does not hold, or one that does not name the
request's actor is refused with one line (domain.identity). Whoever reaches Temporal directly
(`temporal workflow update execute`) meets the same validator.

Validators do not run when a history is replayed, so rotating or withdrawing a key never
breaks a running case: the token was judged once, when the request came, and the decision it
let in is in the history.

Keys: `GOVFLOW_JWKS` names the identity provider's key set, a JWKS file or an https URL (read
at start and every KEYS_REFRESH while the worker runs); `GOVFLOW_JWT_ISSUER` and
`GOVFLOW_JWT_AUDIENCE` what the tokens must say. Unset, the development key set that
`govflow dev` creates under the state folder (DevIdentityProvider) is used.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm
from temporalio import workflow
from temporalio.api.common.v1 import Payload
from temporalio.client import (
    Interceptor as ClientInterceptor,
)
from temporalio.client import (
    OutboundInterceptor,
    StartWorkflowInput,
    StartWorkflowUpdateInput,
    WorkflowHandle,
    WorkflowUpdateHandle,
)
from temporalio.converter import default as default_converter
from temporalio.worker import (
    ExecuteWorkflowInput,
    HandleUpdateInput,
    Interceptor,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
)

from activities.boundary import to_application_error
from activities.db.ballots import TallyKeys
from domain.case import Actor
from domain.errors import DomainError, NotPermittedError, UnauthenticatedError
from domain.identity import Identity, check_actor
from domain.reads import ACT_WORKFLOW
from workers.settings import Settings

HEADER = "govflow-identity"
"""The Temporal header that carries the caller's identity token."""
DEV_ISSUER = "govflow-dev"
AUDIENCE = "govflow"
ALGORITHMS = ("ES256", "RS256", "PS256", "EdDSA")
"""What an OpenID Connect provider signs with; never HS256 (a shared secret is no proof)."""
LEEWAY = timedelta(seconds=30)
"""Clock difference tolerated between the identity provider and the worker."""
KEYS_REFRESH = timedelta(minutes=10)
IDENTITY_MODULES = ("jwt", "cryptography", "_cffi_backend")
"""Passed through the workflow sandbox: the validators verify tokens with them."""


class KeySetError(RuntimeError):
    """The key set named by GOVFLOW_JWKS cannot be read: the worker does not start without it."""


@dataclass
class Verifier:
    """Checks identity tokens against a key set (JWKS), an issuer and an audience."""

    source: str
    issuer: str
    audience: str
    keys: jwt.PyJWKSet | None = None
    service: dict[str, Any] | None = None  # the workers' own key (ServiceSigner.public_jwk)

    def __post_init__(self) -> None:
        if self.keys is None:
            self.reload()

    def reload(self) -> None:
        """Read the key set again (an identity provider publishes its next key before using it)."""
        try:
            if self.source.startswith(("https://", "http://")):
                with urllib.request.urlopen(self.source, timeout=10) as answer:  # the configured JWKS URL
                    document = json.load(answer)
            else:
                document = json.loads(Path(self.source).read_text(encoding="utf-8"))
            self.keys = jwt.PyJWKSet.from_dict(document)
        except (OSError, ValueError, jwt.PyJWKSetError) as error:
            raise KeySetError(
                f"cannot read the identity key set {self.source} ({error}); "
                "`govflow dev` creates a development key set, or set GOVFLOW_JWKS"
            ) from None

    def verify(self, token: str | None) -> Identity:
        """The identity the token proves; UnauthenticatedError, one line, if it proves none."""
        if not token:
            raise UnauthenticatedError(
                "no identity token came with the request: log in first (`govflow login`, or GOVFLOW_TOKEN)"
            )
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.DecodeError:
            raise UnauthenticatedError("the identity token is not a signed token (JWT)") from None
        key = self._key(kid)
        from_a_worker = self.service is not None and kid == self.service["kid"]
        try:
            claims = jwt.decode(
                token,
                key=key.key,
                algorithms=[key.algorithm_name] if key.algorithm_name in ALGORITHMS else [],
                audience=self.audience,
                issuer=SERVICE_ISSUER if from_a_worker else self.issuer,
                leeway=LEEWAY,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise UnauthenticatedError(
                f"the identity token expired ({_expiry(token)}); log in again"
            ) from None
        except jwt.InvalidAudienceError:
            raise UnauthenticatedError(f"the identity token is not for {self.audience!r}") from None
        except jwt.InvalidIssuerError:
            raise UnauthenticatedError(f"the identity token was not issued by {self.issuer!r}") from None
        except jwt.InvalidTokenError as error:
            raise UnauthenticatedError(f"the identity token does not verify ({error})") from None
        roles = claims.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
            raise UnauthenticatedError("the identity token's roles are not a list of names")
        party = claims.get("pid")
        return Identity(subject=str(claims["sub"]), roles=tuple(roles), party=str(party) if party else None)

    def _key(self, kid: Any) -> jwt.PyJWK:
        assert self.keys is not None  # read in __post_init__
        if self.service is not None and kid == self.service["kid"]:
            return jwt.PyJWK(self.service)
        for key in self.keys.keys:
            if key.key_id == kid:
                return key
        raise UnauthenticatedError(
            f"the identity token is signed by a key this worker does not hold (kid {kid!r})"
        )


def _new_private_pem() -> bytes:
    private = ec.generate_private_key(ec.SECP256R1())
    return private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _public_jwk(private_pem: bytes) -> dict[str, Any]:
    private = serialization.load_pem_private_key(private_pem, password=None)
    jwk: dict[str, Any] = json.loads(ECAlgorithm.to_jwk(private.public_key()))  # type: ignore[arg-type]  # an EC key, by construction
    return jwk


def _expiry(token: str) -> str:
    claims = jwt.decode(token, options={"verify_signature": False})
    return datetime.fromtimestamp(int(claims.get("exp", 0)), UTC).isoformat()


# -- development keys ---------------------------------------------------------------------------


class DevIdentityProvider:
    """A local identity provider for `govflow dev` and the tests: an ES256 key under the state
    folder (`identity/signing-key-<kid>.pem`, readable by its owner only) and its public key
    set (`identity/jwks.json`). `rotate()` adds a new key; the old public keys stay in the set
    until removed, so tokens already issued keep verifying until they expire."""

    def __init__(self, state_dir: Path, issuer: str = DEV_ISSUER, audience: str = AUDIENCE) -> None:
        self.folder = state_dir / "identity"
        self.issuer, self.audience = issuer, audience

    @property
    def jwks_file(self) -> Path:
        return self.folder / "jwks.json"

    def ensure(self) -> None:
        """Create the first key if there is none, and the workers' service key beside it."""
        if not self.jwks_file.exists():
            self.rotate()
        service = self.folder / SERVICE_KEY_NAME
        if not service.exists():
            service.touch(mode=0o600)
            service.write_bytes(_new_private_pem())

    def rotate(self) -> str:
        """A new signing key, used from now on; returns its kid."""
        self.folder.mkdir(parents=True, exist_ok=True)
        kid = f"dev-{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(4)}"
        pem = _new_private_pem()
        key_file = self.folder / f"signing-key-{kid}.pem"
        key_file.touch(mode=0o600)
        key_file.write_bytes(pem)
        public = _public_jwk(pem)
        keys = [*self._public_keys(), public | {"kid": kid, "alg": "ES256", "use": "sig"}]
        self.jwks_file.write_text(json.dumps({"keys": keys}, indent=2), encoding="utf-8")
        (self.folder / "current").write_text(kid, encoding="utf-8")
        return kid

    def issue(
        self, role: str, subject: str, ttl: timedelta = timedelta(hours=8), party: str | None = None
    ) -> str:
        """A token for `role:subject`, valid for `ttl`."""
        self.ensure()
        kid = (self.folder / "current").read_text(encoding="utf-8").strip()
        private = (self.folder / f"signing-key-{kid}.pem").read_bytes()
        now = datetime.now(UTC)
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "roles": [role],
            "iat": now,
            "exp": now + ttl,
        }
        if party:
            claims["pid"] = party
        return jwt.encode(claims, private, algorithm="ES256", headers={"kid": kid})

    def token_for(self, actor: Actor) -> str:
        return self.issue(actor.role, actor.id)

    def _public_keys(self) -> list[dict[str, Any]]:
        if not self.jwks_file.exists():
            return []
        keys: list[dict[str, Any]] = json.loads(self.jwks_file.read_text(encoding="utf-8"))["keys"]
        return keys


# -- the workers' own identity ------------------------------------------------------------------

SERVICE_ISSUER = "govflow-worker"
SERVICE_KEY_NAME = "service-key.pem"
SERVICE_TTL = timedelta(minutes=5)


class ServiceSigner:
    """The workers' own identity, for what a case asks of another case (a spot check's breach
    reported to the company's credit record, as `credit-officer:spot-check`): a short token for
    the request's actor, signed with the service key that the workers alone hold
    (GOVFLOW_SERVICE_KEY, a PEM file; in development `identity/service-key.pem`). Every worker
    verifies it with the public half of the same key, issuer `govflow-worker`. The workers run
    every case already: the key gives them nothing more than they have; it only proves that a
    request came from one of them."""

    def __init__(self, private_pem: bytes, audience: str = AUDIENCE) -> None:
        self._private = private_pem
        self.audience = audience
        jwk = _public_jwk(private_pem)
        thumb = hashlib.sha256(json.dumps(jwk, sort_keys=True).encode()).hexdigest()[:16]
        self.public_jwk: dict[str, Any] = jwk | {"kid": f"service-{thumb}", "alg": "ES256", "use": "sig"}

    @classmethod
    def of(cls, settings: Settings) -> ServiceSigner:
        path = (
            Path(settings.service_key)
            if settings.service_key
            else settings.state_dir / "identity" / SERVICE_KEY_NAME
        )
        try:
            return cls(path.read_bytes(), settings.jwt_audience)
        except (OSError, ValueError) as error:
            raise KeySetError(
                f"cannot read the workers' service key {path} ({error}); `govflow dev` creates a "
                "development one, or set GOVFLOW_SERVICE_KEY"
            ) from None

    def issue(self, actor: Actor) -> str:
        now = datetime.now(UTC)
        claims = {
            "iss": SERVICE_ISSUER,
            "aud": self.audience,
            "sub": actor.id,
            "roles": [actor.role],
            "iat": now,
            "exp": now + SERVICE_TTL,
        }
        return jwt.encode(claims, self._private, algorithm="ES256", headers={"kid": self.public_jwk["kid"]})

    def tokens(self) -> TokenSource:
        return lambda actor: self.issue(actor or SYSTEM_ACTOR)


SYSTEM_ACTOR = Actor(role="system", id="govflow")


# -- the worker's check -------------------------------------------------------------------------


def token_in(headers: Mapping[str, Payload]) -> str | None:
    payload = headers.get(HEADER)
    if payload is None:
        return None
    token = default_converter().payload_converter.from_payload(payload, str)
    return token if isinstance(token, str) else None


def check_request(verifier: Verifier, headers: Mapping[str, Payload], args: Sequence[Any]) -> Identity:
    """The identity the request's token proves, bound to the request's actor (if it names one)
    and, in a case, to the case's party rules. Raises the DomainError to refuse it with."""
    identity = verifier.verify(token_in(headers))
    actor = getattr(args[0], "actor", None) if args else None
    if isinstance(actor, Actor):
        applicant_id = getattr(workflow.instance(), "applicant_id", None)
        check_actor(identity, actor, applicant_id if isinstance(applicant_id, str) else None)
    return identity


START_REFUSED = "identity-refused-the-start"
"""A marker (recorded with workflow.patched) that the start's token did not prove it."""


def _refused_start(verifier: Verifier, input: ExecuteWorkflowInput) -> DomainError | None:
    """Why a start is refused, or None. Judged once, when the workflow first runs; a replay
    (a query of a refused act, a worker restarted under a credit record that runs for years)
    does not judge again (a key since rotated out must not change the past) but reads the
    verdict from the history: the START_REFUSED marker is there only if the start was refused."""
    if workflow.unsafe.is_replaying():
        if workflow.patched(START_REFUSED):
            return UnauthenticatedError("the start was refused: its identity token did not prove it")
        return None
    try:
        check_request(verifier, input.headers, input.args)
        opening = input.args[0] if input.args else None
        carried = (getattr(opening, "carried_case", None), getattr(opening, "carried_record", None))
        if any(state is not None for state in carried) or workflow.info().cron_schedule:
            # An earlier run's state is handed over by continue-as-new only (checked then).
            raise NotPermittedError("a new case carries no state of an earlier run and runs on no schedule")
    except DomainError as error:
        workflow.patched(START_REFUSED)  # records the verdict for replay
        return error
    return None


class IdentityInterceptor(Interceptor):
    """Refuses, in every update's validator and at the start of an officer's act, a request
    whose identity token does not prove it."""

    def __init__(self, verifier: Verifier, direct_starts: frozenset[str] = frozenset()) -> None:
        self.verifier = verifier
        self.direct_starts = direct_starts  # procedures whose cases are started without an intake

    def workflow_interceptor_class(
        self, input: WorkflowInterceptorClassInput
    ) -> type[WorkflowInboundInterceptor] | None:
        verifier, direct_starts = self.verifier, self.direct_starts

        class _CheckedRequests(WorkflowInboundInterceptor):
            async def execute_workflow(self, input: ExecuteWorkflowInput) -> Any:
                # An officer's act on the read models is a workflow of its own (operator-act),
                # and a case numbered by its subject (a credit record) is started directly, not
                # through an intake: their start is checked when it runs. Only then: on replay,
                # the history holds the verdict (a refused start failed at its first task,
                # before recording anything).
                info = workflow.info()
                direct = (  # (a record handed over to a new run has proven its start already)
                    info.workflow_type in direct_starts
                    and info.parent is None
                    and info.continued_run_id is None
                )
                if info.workflow_type == ACT_WORKFLOW or direct:
                    refusal = _refused_start(verifier, input)
                    if refusal is not None:
                        raise to_application_error(refusal)
                return await super().execute_workflow(input)

            def handle_update_validator(self, input: HandleUpdateInput) -> None:
                # Runs when the update comes, never on replay: a key rotated or withdrawn since
                # cannot make a running case's history fail to replay.
                try:
                    check_request(verifier, input.headers, input.args)
                except DomainError as error:
                    raise to_application_error(error) from None
                super().handle_update_validator(input)

        return _CheckedRequests


# -- the committee's ballot key -----------------------------------------------------------------


def tally_keys(settings: Settings) -> TallyKeys:
    """The ballot key the worker counts sealed ballots with (activities.db.ballots):
    GOVFLOW_BALLOT_KEY, else the development one `govflow dev` keeps in the state folder. A
    worker without one does not start: a key of its own would die with it, and the boxes it
    opened could never be counted after a restart."""
    encoded = settings.ballot_key
    if not encoded and settings.ballot_key_file.exists():
        encoded = settings.ballot_key_file.read_text(encoding="utf-8").strip()
    if not encoded:
        raise KeySetError(
            f"no ballot key: set GOVFLOW_BALLOT_KEY (base64 of 32 random bytes, the same for every "
            f"worker), or run `govflow dev` for a development one ({settings.ballot_key_file})"
        )
    try:
        return TallyKeys(base64.b64decode(encoded, validate=True))
    except (binascii.Error, ValueError) as error:
        raise KeySetError(f"GOVFLOW_BALLOT_KEY: not base64 of at least 32 bytes ({error})") from None


def ensure_dev_ballot_key(settings: Settings) -> None:
    """A development ballot key under the state folder, readable by its owner only."""
    if settings.ballot_key or settings.ballot_key_file.exists():
        return
    settings.ballot_key_file.parent.mkdir(parents=True, exist_ok=True)
    settings.ballot_key_file.touch(mode=0o600)
    settings.ballot_key_file.write_text(base64.b64encode(secrets.token_bytes(32)).decode(), encoding="utf-8")


# -- the caller's side: the token in the header --------------------------------------------------

_ACTING: ContextVar[Actor | None] = ContextVar("govflow_acting", default=None)


@contextmanager
def acting_as(actor: Actor | None) -> Iterator[None]:
    """The actor the requests sent inside are signed as (a source may sign a token for it)."""
    reset = _ACTING.set(actor)
    try:
        yield
    finally:
        _ACTING.reset(reset)


TokenSource = Callable[[Actor | None], str | None]
"""The token to send with a request signed as an actor (None: a start, a read)."""


class IdentityHeaders(ClientInterceptor):
    """Puts the caller's token in the header of every workflow start and update."""

    def __init__(self, tokens: TokenSource) -> None:
        self.tokens = tokens

    def intercept_client(self, next: OutboundInterceptor) -> OutboundInterceptor:
        return _WithToken(next, self.tokens)


class _WithToken(OutboundInterceptor):
    def __init__(self, next: OutboundInterceptor, tokens: TokenSource) -> None:
        super().__init__(next)
        self.tokens = tokens

    def _headers(self, headers: Any, args: Sequence[Any]) -> Any:
        """The token for the actor the request is signed as (acting_as, else its argument's)."""
        actor = _ACTING.get() or getattr(args[0] if args else None, "actor", None)
        token = self.tokens(actor if isinstance(actor, Actor) else None)
        if not token:
            return headers
        return {**headers, HEADER: default_converter().payload_converter.to_payload(token)}

    async def start_workflow(self, input: StartWorkflowInput) -> WorkflowHandle[Any, Any]:
        input.headers = self._headers(input.headers, input.args)
        return await super().start_workflow(input)

    async def start_workflow_update(self, input: StartWorkflowUpdateInput) -> WorkflowUpdateHandle[Any]:
        input.headers = self._headers(input.headers, input.args)
        return await super().start_workflow_update(input)
