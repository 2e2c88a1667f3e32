"""The caller's identity token, sent with every start and request (workers.identity checks it).

The token travels in the Temporal header `govflow-identity`, put there by a client
interceptor, so that no payload of a case carries it. Where it comes from is a TokenSource:
the token `govflow login` saved (or GOVFLOW_TOKEN), for a person at a terminal; or, for the
tests and the benchmarks, a development identity provider that signs a token for whichever
actor a request is signed as.
"""

from __future__ import annotations

from domain.case import Actor
from workers.identity import DevIdentityProvider, IdentityHeaders, TokenSource, acting_as
from workers.settings import Settings

__all__ = ["IdentityHeaders", "MintedTokens", "SavedToken", "TokenSource", "acting_as"]


class SavedToken:
    """GOVFLOW_TOKEN, else the token `govflow login` saved (read at each request: a login in
    another terminal is used at once)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, actor: Actor | None) -> str | None:
        if self.settings.token:
            return self.settings.token
        try:
            return self.settings.token_file.read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None


class MintedTokens:
    """A development token for each request's actor, signed with the local development key;
    requests signed by no actor (starts, reads) go as `default`."""

    def __init__(self, provider: DevIdentityProvider, default: Actor) -> None:
        self.provider, self.default = provider, default

    def __call__(self, actor: Actor | None) -> str | None:
        return self.provider.token_for(actor or self.default)
