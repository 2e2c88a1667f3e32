"""Identity tokens: what the worker's verifier takes and what it refuses, and the party rules.
No servers: the keys are made in a temporary folder as `govflow dev` makes them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from domain.case import Actor
from domain.errors import NotPermittedError, UnauthenticatedError
from domain.identity import Identity, check_actor
from workers.identity import (
    AUDIENCE,
    DEV_ISSUER,
    SERVICE_ISSUER,
    DevIdentityProvider,
    KeySetError,
    ServiceSigner,
    Verifier,
    ensure_dev_ballot_key,
    tally_keys,
)
from workers.settings import Settings


@pytest.fixture
def provider(tmp_path: Path) -> DevIdentityProvider:
    made = DevIdentityProvider(tmp_path)
    made.ensure()
    return made


def verifier_of(provider: DevIdentityProvider) -> Verifier:
    return Verifier(str(provider.jwks_file), issuer=DEV_ISSUER, audience=AUDIENCE)


def test_a_token_of_the_key_set_proves_its_subject_and_roles(provider: DevIdentityProvider) -> None:
    token = provider.issue("receiving-officer", "swj-001", party="110101199003077777")
    assert verifier_of(provider).verify(token) == Identity(
        subject="swj-001", roles=("receiving-officer",), party="110101199003077777"
    )


@pytest.mark.parametrize(
    ("token", "refusal"),
    [
        (None, "no identity token came with the request"),
        ("", "no identity token came with the request"),
        ("not-a-token", "is not a signed token"),
    ],
)
def test_no_token_or_no_jwt_is_refused(
    provider: DevIdentityProvider, token: str | None, refusal: str
) -> None:
    with pytest.raises(UnauthenticatedError, match=refusal):
        verifier_of(provider).verify(token)


def test_an_expired_token_is_refused_past_the_leeway(provider: DevIdentityProvider) -> None:
    verifier = verifier_of(provider)
    assert verifier.verify(provider.issue("clerk", "c1", ttl=timedelta(seconds=-10))).subject == "c1"
    with pytest.raises(UnauthenticatedError, match="the identity token expired"):
        verifier.verify(provider.issue("clerk", "c1", ttl=timedelta(seconds=-45)))


def test_a_token_signed_by_another_key_is_refused(provider: DevIdentityProvider, tmp_path: Path) -> None:
    stranger = DevIdentityProvider(tmp_path / "elsewhere")
    with pytest.raises(UnauthenticatedError, match="a key this worker does not hold"):
        verifier_of(provider).verify(stranger.issue("clerk", "c1"))


def test_a_token_forged_under_a_known_kid_does_not_verify(
    provider: DevIdentityProvider, tmp_path: Path
) -> None:
    """Another key's signature under the kid of ours."""
    kid = json.loads(provider.jwks_file.read_text())["keys"][0]["kid"]
    stranger = DevIdentityProvider(tmp_path / "elsewhere")
    forged = stranger.issue("clerk", "c1")
    claims = jwt.decode(forged, options={"verify_signature": False})
    private = next((stranger.folder).glob("signing-key-*.pem")).read_bytes()
    forged = jwt.encode(claims, private, algorithm="ES256", headers={"kid": kid})
    with pytest.raises(UnauthenticatedError, match="does not verify"):
        verifier_of(provider).verify(forged)


def test_a_token_signed_with_the_public_key_as_a_shared_secret_is_refused(
    provider: DevIdentityProvider,
) -> None:
    """The algorithm-confusion attack: HS256 keyed with the public key the key set publishes."""
    published = json.loads(provider.jwks_file.read_text())["keys"][0]
    public_pem = jwt.PyJWK(published).key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    now = int(datetime.now(UTC).timestamp())
    claims = {
        "iss": DEV_ISSUER,
        "aud": AUDIENCE,
        "sub": "x",
        "roles": ["operator"],
        "iat": now,
        "exp": now + 3600,
    }
    signing_input = f"{_b64({'alg': 'HS256', 'typ': 'JWT', 'kid': published['kid']})}.{_b64(claims)}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    forged = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    with pytest.raises(UnauthenticatedError, match="does not verify"):
        verifier_of(provider).verify(forged)


def _b64(part: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("issuer", "audience", "refusal"),
    [("someone-else", AUDIENCE, "not issued by"), (DEV_ISSUER, "another-app", "is not for")],
)
def test_a_token_of_another_issuer_or_audience_is_refused(
    tmp_path: Path, issuer: str, audience: str, refusal: str
) -> None:
    other = DevIdentityProvider(tmp_path, issuer=issuer, audience=audience)
    other.ensure()
    with pytest.raises(UnauthenticatedError, match=refusal):
        verifier_of(other).verify(other.issue("clerk", "c1"))


def test_a_rotated_key_signs_from_then_on_and_earlier_tokens_still_verify(
    provider: DevIdentityProvider,
) -> None:
    before = provider.issue("clerk", "c1")
    provider.rotate()
    after = provider.issue("clerk", "c1")
    assert jwt.get_unverified_header(before)["kid"] != jwt.get_unverified_header(after)["kid"]
    verifier = verifier_of(provider)
    assert verifier.verify(before).subject == verifier.verify(after).subject == "c1"


def test_a_key_set_that_cannot_be_read_stops_the_worker_with_one_line(tmp_path: Path) -> None:
    with pytest.raises(KeySetError, match="govflow dev` creates a development key set, or set GOVFLOW_JWKS"):
        Verifier(str(tmp_path / "missing.json"), issuer=DEV_ISSUER, audience=AUDIENCE)


def test_the_signing_key_is_readable_by_its_owner_only(provider: DevIdentityProvider) -> None:
    [key] = provider.folder.glob("signing-key-*.pem")
    assert key.stat().st_mode & 0o777 == 0o600


OFFICER = Identity(subject="swj-001", roles=("receiving-officer",))


def test_the_request_must_be_signed_as_the_token_s_subject_in_one_of_its_roles() -> None:
    check_actor(OFFICER, Actor(role="receiving-officer", id="swj-001"))
    with pytest.raises(NotPermittedError, match="signed as handling-officer:swj-001"):
        check_actor(OFFICER, Actor(role="handling-officer", id="swj-001"))
    with pytest.raises(NotPermittedError, match="signed as receiving-officer:swj-002"):
        check_actor(OFFICER, Actor(role="receiving-officer", id="swj-002"))


def test_an_applicant_never_takes_an_officer_s_decision_on_their_own_case() -> None:
    uscc = "91110108MA01ABCD1E"
    officer_and_party = Identity(subject="swj-001", roles=("receiving-officer", "enterprise"), party=uscc)
    check_actor(officer_and_party, Actor(role="receiving-officer", id="swj-001"), "91110000000000000X")
    check_actor(officer_and_party, Actor(role="enterprise", id="swj-001"), uscc)  # a party's step
    with pytest.raises(NotPermittedError, match="is the applicant of this case"):
        check_actor(officer_and_party, Actor(role="receiving-officer", id="swj-001"), uscc)


def test_a_worker_s_request_is_signed_with_the_service_key_and_verified_as_a_worker_s(
    provider: DevIdentityProvider,
) -> None:
    """What a case asks of another case (a spot check's breach to a credit record) carries a
    token of the workers' own key, issuer govflow-worker; a token of the identity provider's
    key cannot pass for one, nor one of another service key."""
    service = ServiceSigner.of(Settings(GOVFLOW_STATE_DIR=provider.folder.parent))
    verifier = Verifier(
        str(provider.jwks_file), issuer=DEV_ISSUER, audience=AUDIENCE, service=service.public_jwk
    )
    actor = Actor(role="credit-officer", id="spot-check")
    assert verifier.verify(service.tokens()(actor)) == Identity(
        subject="spot-check", roles=("credit-officer",)
    )
    assert verifier.verify(service.tokens()(None)).roles == ("system",)
    other = DevIdentityProvider(provider.folder.parent / "elsewhere")
    other.ensure()
    stranger = ServiceSigner.of(Settings(GOVFLOW_STATE_DIR=other.folder.parent))
    with pytest.raises(UnauthenticatedError, match="a key this worker does not hold"):
        verifier.verify(stranger.issue(actor))
    posing = DevIdentityProvider(provider.folder.parent, issuer=SERVICE_ISSUER)
    with pytest.raises(UnauthenticatedError, match="not issued by 'govflow-dev'"):
        verifier.verify(posing.issue("credit-officer", "spot-check"))


def test_an_applicant_s_step_is_the_applicant_s_own_and_ids_are_compared_as_typed() -> None:
    """A company claims its own subsidy, an applicant objects to their own credit entry: the
    token must be that applicant's (its subject or its pid); case and spaces change no one."""
    uscc = "91110108MA01ABCD1E"
    check_actor(Identity(subject=uscc, roles=("enterprise",)), Actor(role="enterprise", id=uscc), uscc)
    other = Identity(subject="91110105MA01FDQ8KY", roles=("enterprise",))
    with pytest.raises(NotPermittedError, match="is not the applicant of this case"):
        check_actor(other, Actor(role="enterprise", id="91110105MA01FDQ8KY"), uscc)
    person = "11010519491231002x"
    officer = Identity(subject="rsj-01", roles=("hr-bureau",), party=f" {person} ")
    with pytest.raises(NotPermittedError, match="is the applicant of this case"):
        check_actor(officer, Actor(role="hr-bureau", id="rsj-01"), person.upper())


def test_a_worker_without_a_ballot_key_does_not_start(tmp_path: Path) -> None:
    """A key of the worker's own would die with it: the boxes it opened could never be counted."""
    with pytest.raises(KeySetError, match="no ballot key: set GOVFLOW_BALLOT_KEY"):
        tally_keys(Settings(GOVFLOW_STATE_DIR=tmp_path, GOVFLOW_BALLOT_KEY=None))
    ensure_dev_ballot_key(Settings(GOVFLOW_STATE_DIR=tmp_path))
    assert tally_keys(Settings(GOVFLOW_STATE_DIR=tmp_path, GOVFLOW_BALLOT_KEY=None)) is not None
