"""The procedures of the contract (spec/README.md), with the prefix of their case numbers.

The names are the `CaseType` search attribute and the command line's PROCEDURE.
`demo` is not in the gazette: it is the platform's own small procedure that
exercises the case core (intake, review clock, notices, escalation, verification)
until the gazette's procedures land, and it stays as the core's reference test.
"""

from __future__ import annotations

from domain.errors import UnknownProcedureError

CASE_NO_PREFIXES: dict[str, str] = {
    "complaint": "CMPL",
    "auction-permit": "AUCP",
    "spot-check": "SPCK",
    "credit-record": "CRED",
    "subsidy": "SUBS",
    "ecommerce-subsidy": "ECOM",
    "title-exam": "TEXM",
    "title-review": "TREV",
    "qualification-verification": "QVER",
    "hr-park": "HRPK",
    "demo": "DEMO",
}


def case_no_prefix(procedure: str) -> str:
    try:
        return CASE_NO_PREFIXES[procedure]
    except KeyError:
        known = ", ".join(CASE_NO_PREFIXES)
        raise UnknownProcedureError(f"unknown procedure {procedure!r}; the contract names: {known}") from None
