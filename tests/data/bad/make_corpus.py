"""Make the bad-input corpus: start and decision files that no person could mean, each a small
variation of a file under examples/, and manifest.json saying what each must be refused for.

    .venv/bin/python tests/data/bad/make_corpus.py

writes tests/data/bad/<procedure>/<start-or-decision>--<fault>.json (the procedures' folders
are emptied first) and tests/data/bad/manifest.json: `case_numbers`, the CASE each procedure's
decision files are sent to on the command line, and `entries`, one per file:

    file       the file, relative to tests/data/bad
    kind       "start" (govflow start PROCEDURE FILE) or "decide" (govflow decide CASE DECISION FILE)
    procedure  the procedure
    decision   the decision named on the command line (decide only; "" is a fault of its own)
    example    the example file the bad file varies, relative to the repository
    case       the example start file of the case the file applies to
    field      what the one-line refusal must name: the field's path (payload.reason,
               applicant.id_number) or, for a fault of the whole file, a phrase (not UTF-8)
    fault      what is wrong, in words
    whole_file true for a fault of the file as a whole (encoding, size, nesting, not an object)
    gaps       (only where known) {"sdk" | "cli": why that path does not refuse it yet}: the test
               expects those to fail until they are mended, and fails once they no longer do

Dates that must lie in the future are 2100-06-30 (still within the 1950–2100 every date must
keep), so that the files mean the same for as long as the code does.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
EXAMPLES = REPO / "examples"

FUTURE = "2100-06-30"  # after today for decades, and within the dates any record keeps
DELETE = object()

# Longer than each kind of text takes (domain.inputs): names and contacts 200, addresses
# 300, free text 5,000, identifiers 64; and longer than any text at all (20,000).
NAME_TOO_LONG = "名" * 201
ADDRESS_TOO_LONG = "路" * 301
CONTACT_TOO_LONG = "1" * 201
TEXT_TOO_LONG = "文" * 5001
ANY_TEXT_TOO_LONG = "长" * 20_001
IDENTIFIER_TOO_LONG = "A" * 65


class Raw:
    """A JSON text put into a document as is (1e400, NaN), not as Python would write it."""

    def __init__(self, text: str) -> None:
        self.text = text


@dataclass
class Corpus:
    entries: list[dict[str, Any]] = field(default_factory=list)
    names: set[str] = field(default_factory=set)

    # -- variations of an example ------------------------------------------------------------

    def start(
        self,
        procedure: str,
        slug: str,
        expect: str,
        fault: str,
        changes: dict[str, Any],
        *,
        example: str | None = None,
        gaps: dict[str, str] | None = None,
    ) -> None:
        example = example or START[procedure]
        document = _load(procedure, example)
        self._write(
            procedure,
            f"{example}--{slug}",
            _changed(document, changes),
            {
                "kind": "start",
                "procedure": procedure,
                "example": _example_path(procedure, example),
                "case": _example_path(procedure, example),
                "field": expect,
                "fault": fault,
            },
            gaps,
        )

    def decide(
        self,
        procedure: str,
        decision: str,
        slug: str,
        expect: str,
        fault: str,
        changes: dict[str, Any],
        *,
        example: str | None = None,
        name: str | None = None,
        gaps: dict[str, str] | None = None,
    ) -> None:
        """A decision file from examples/PROCEDURE/EXAMPLE.json (default: the decision's own),
        sent as `name` (default: the decision)."""
        example = example or decision
        document = _load(procedure, example)
        entry = {
            "kind": "decide",
            "procedure": procedure,
            "decision": decision if name is None else name,
            "example": _example_path(procedure, example),
            "case": _example_path(procedure, START[procedure]),
            "field": expect,
            "fault": fault,
        }
        if any(path.split(".")[0] == "actor" for path in changes):
            # A file names no actor (the token does): one that does is refused by the command
            # line for that alone; the SDK, which signs a request as an actor, checks the actor.
            role, _, subject = _load(procedure, "actors")[example].partition(":")
            document = {"actor": {"role": role, "id": subject}, **document}
            entry["cli_field"] = "actor"
        self._write(
            procedure,
            f"{decision}--{slug}",
            _changed(document, changes),
            entry,
            gaps,
        )

    # -- whole files ---------------------------------------------------------------------------

    def raw(
        self,
        kind: str,
        procedure: str,
        slug: str,
        expect: str,
        fault: str,
        content: bytes,
        *,
        decision: str | None = None,
        example: str | None = None,
        gaps: dict[str, str] | None = None,
    ) -> None:
        example = example or (decision if kind == "decide" else START[procedure])
        assert example is not None, "a decision file's fault names its decision"
        entry: dict[str, Any] = {
            "kind": kind,
            "procedure": procedure,
            "example": _example_path(procedure, example),
            "case": _example_path(procedure, START[procedure]),
            "field": expect,
            "fault": fault,
            "whole_file": True,
        }
        if kind == "decide":
            entry = {"kind": kind, "procedure": procedure, "decision": decision, **entry}
        stem = f"{decision if kind == 'decide' else 'start'}--{slug}"
        self._store(procedure, stem, content, entry, gaps)

    def _write(
        self, procedure: str, stem: str, document: Any, entry: dict[str, Any], gaps: dict[str, str] | None
    ) -> None:
        self._store(procedure, stem, _dumps(document).encode("utf-8"), entry, gaps)

    def _store(
        self, procedure: str, stem: str, content: bytes, entry: dict[str, Any], gaps: dict[str, str] | None
    ) -> None:
        name = f"{procedure}/{stem}.json"
        if name in self.names:
            raise ValueError(f"two cases are named {name}")
        self.names.add(name)
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        ordered = {"file": name, **entry}
        if gaps:
            ordered["gaps"] = gaps
        self.entries.append(ordered)


START = {
    "demo": "start",
    "complaint": "start",
    "auction-permit": "start-general",
    "spot-check": "start",
    "credit-record": "start",
    "subsidy": "start-district",
    "ecommerce-subsidy": "start",
    "title-exam": "start",
    "title-review": "start",
    "qualification-verification": "start",
    "hr-park": "start",
}

CASE_NUMBERS = {
    "demo": "DEMO-2026-000001",
    "complaint": "CMPL-2026-000001",
    "auction-permit": "AUCP-2026-000001",
    "spot-check": "SPCK-2026-000001",
    "credit-record": "CRED-91110108MA01ABCD1E",
    "subsidy": "SUBS-2026-000001",
    "ecommerce-subsidy": "ECOM-2026-000001",
    "title-exam": "TEXM-2026-000001",
    "title-review": "TREV-2026-000001",
    "qualification-verification": "QVER-2026-000001",
    "hr-park": "HRPK-2026-000001",
}
"""The CASE a decision file is sent to on the command line: nothing listens, so any case will do."""


def _example_path(procedure: str, name: str) -> str:
    return f"examples/{procedure}/{name}.json"


def _load(procedure: str, name: str) -> Any:
    return json.loads((EXAMPLES / procedure / f"{name}.json").read_text(encoding="utf-8"))


def _changed(document: Any, changes: dict[str, Any]) -> Any:
    """The document with each dotted path (`claims.0.spend`) set, or removed for DELETE; a value
    that is a function gets the present value and returns the new one."""
    document = copy.deepcopy(document)
    for path, value in changes.items():
        *parents, last = path.split(".")
        node = document
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        key: Any = int(last) if isinstance(node, list) else last
        if value is DELETE:
            del node[key]
        elif callable(value):
            node[key] = value(node[key] if isinstance(node, list) or key in node else None)
        else:
            node[key] = copy.deepcopy(value)
    return document


def _dumps(document: Any) -> str:
    """JSON as a person's editor would write it; Raw values go in as their own text."""
    raws: dict[str, str] = {}

    def mark(value: Any) -> Any:
        if isinstance(value, Raw):
            token = f"@@raw{len(raws)}@@"
            raws[token] = value.text
            return token
        if isinstance(value, dict):
            return {k: mark(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mark(v) for v in value]
        return value

    text = json.dumps(mark(document), ensure_ascii=False, indent=1)
    for token, raw in raws.items():
        text = text.replace(f'"{token}"', raw)
    return text + "\n"


def insert(character: str) -> Callable[[Any], str]:
    """The present text with `character` put in after its first two characters."""
    return lambda text: f"{str(text)[:2]}{character}{str(text)[2:]}"


def last_character(replacement: str) -> Callable[[Any], str]:
    return lambda text: str(text)[:-1] + replacement


# -- the cases ------------------------------------------------------------------------------------


def text_faults(
    corpus: Corpus,
    procedure: str,
    path: str,
    *,
    long: str,
    kind: str = "start",
    decision: str = "",
    example: str | None = None,
    faults: tuple[str, ...] = ("nul", "control", "blank", "long"),
) -> None:
    """The faults of a text field: a NUL, another control character, blank, too long."""
    variants = {
        "nul": ("nul", insert("\x00"), "a NUL character"),
        "control": ("bell", insert("\x07"), "a control character (BEL)"),
        "escape": ("escape", insert("\x1b"), "an escape character"),
        "delete": ("delete", insert("\x7f"), "a DEL character"),
        "separator": ("line-separator", insert("\u2028"), "a Unicode line separator"),
        "formfeed": ("form-feed", insert("\x0c"), "a form feed"),
        "c1": ("c1-control", insert("\x85"), "a C1 control character (NEL)"),
        "zero-width": ("zero-width-space", insert("\u200b"), "a zero-width space"),
        "bidi": ("direction-override", insert("\u202e"), "a right-to-left override"),
        "surrogate": ("lone-surrogate", Raw('"ab\\ud800cd"'), "a lone surrogate (no UTF-8 for it)"),
        "blank": ("blank", "   ", "blank (spaces only)"),
        "empty": ("empty", "", "empty"),
        "long": ("too-long", long, f"{len(long)} characters"),
        "huge": ("20001-characters", ANY_TEXT_TOO_LONG, "longer than any text (20,001 characters)"),
        "number": ("a-number", 42, "a number, not text"),
        "list": ("a-list", ["x"], "a list, not text"),
    }
    for fault in faults:
        slug, value, words = variants[fault]
        slug = f"{path.replace('.', '-').replace('_', '-')}-{slug}"
        if kind == "start":
            corpus.start(
                procedure, slug, path, f"{path}: {words}", {path: value}, example=example or START[procedure]
            )
        else:
            corpus.decide(procedure, decision, slug, path, f"{path}: {words}", {path: value}, example=example)


def whole_file_faults(
    corpus: Corpus, kind: str, procedure: str, faults: tuple[str, ...], decision: str | None = None
) -> None:
    example = decision if kind == "decide" else START[procedure]
    assert example is not None
    document = _load(procedure, example)
    text = _dumps(document)
    big = copy.deepcopy(document)
    if kind == "decide":
        big.setdefault("payload", {})["annex"] = "附" * 700_000
    else:
        big["annex"] = "附" * 700_000
    nested = copy.deepcopy(document)
    nested["annex"] = Raw("[" * 100 + "]" * 100)
    with_nan = copy.deepcopy(document)
    with_nan["annex"] = Raw("NaN")
    with_infinity = copy.deepcopy(document)
    with_infinity["annex"] = Raw("-Infinity")
    digits = copy.deepcopy(document)
    digits["annex"] = Raw("9" * 5000)
    first_key = next(iter(document))
    twice = text.rstrip().removesuffix("}") + f', "{first_key}": null}}\n'
    variants: dict[str, tuple[bytes, str, str, dict[str, str] | None]] = {
        "gbk": (
            json.dumps(document, ensure_ascii=False).encode("gbk"),
            "not UTF-8",
            "saved in GBK, not UTF-8",
            None,
        ),
        "latin1": (b"\xff\xfe\xfd" + text.encode("utf-8"), "not UTF-8", "bytes that are not UTF-8", None),
        "utf16": (text.encode("utf-16"), "not UTF-8", "saved in UTF-16", None),
        "nested": (_dumps(nested).encode(), "nested deeper", "JSON nested 100 deep", None),
        "two-megabytes": (_dumps(big).encode(), "more than a case file may hold", "a 2 MB file", None),
        "nan": (_dumps(with_nan).encode(), "NaN is not a number", "the constant NaN", None),
        "infinity": (
            _dumps(with_infinity).encode(),
            "Infinity is not a number",
            "the constant -Infinity",
            None,
        ),
        "empty": (b"", "malformed JSON", "an empty file", None),
        "whitespace": (b" \n\t\n", "malformed JSON", "a file of white space only", None),
        "truncated": (text[: len(text) // 2].encode(), "malformed JSON", "JSON cut off halfway", None),
        "array": (_dumps([document]).encode(), "(root)", "a JSON array, not an object", None),
        "string": (b'"start"\n', "(root)", "a JSON string, not an object", None),
        "null": (b"null\n", "(root)", "null, not an object", None),
        "digits": (_dumps(digits).encode(), "digits", "an integer of 5,000 digits", None),
        "duplicate-key": (twice.encode(), "given twice", "a key given twice in one object", None),
    }
    for fault in faults:
        content, expect, words, gaps = variants[fault]
        corpus.raw(kind, procedure, f"file-{fault}", expect, words, content, decision=decision, gaps=gaps)


def demo(corpus: Corpus) -> None:
    p = "demo"
    text_faults(
        corpus, p, "applicant.name", long=NAME_TOO_LONG, faults=("nul", "control", "blank", "long", "number")
    )
    text_faults(
        corpus,
        p,
        "subject",
        long=ANY_TEXT_TOO_LONG,
        faults=("nul", "escape", "separator", "long", "c1", "zero-width", "bidi", "surrogate"),
    )
    corpus.start(
        p,
        "applicant-uscc-check-character",
        "applicant.uscc",
        "USCC with a wrong check character",
        {"applicant.uscc": last_character("F")},
    )
    corpus.start(
        p, "applicant-uscc-lower-case", "applicant.uscc", "USCC in lower case", {"applicant.uscc": str.lower}
    )
    corpus.start(
        p,
        "applicant-uscc-17-characters",
        "applicant.uscc",
        "USCC one character short",
        {"applicant.uscc": lambda v: v[:17]},
    )
    corpus.start(
        p,
        "applicant-uscc-with-letter-o",
        "applicant.uscc",
        "USCC with an O (not in GB 32100)",
        {"applicant.uscc": "91110108MA01ABCDOE"},
    )
    corpus.start(
        p, "district-unknown", "district", "a district Beijing does not have", {"district": "pudong"}
    )
    corpus.start(
        p, "district-chinese", "district", "the district in Chinese, not its code", {"district": "海淀区"}
    )
    corpus.start(p, "materials-empty", "materials", "no materials", {"materials": []})
    corpus.start(
        p, "materials-nul", "materials", "a NUL in a material's title", {"materials.1": insert("\x00")}
    )
    corpus.start(p, "materials-blank", "materials", "a blank material title", {"materials.1": "  "})
    corpus.start(
        p, "materials-201", "materials", "201 materials", {"materials": [f"材料{n}" for n in range(201)]}
    )
    corpus.start(
        p, "materials-a-string", "materials", "materials as one string, not a list", {"materials": "申请书"}
    )
    corpus.start(p, "unknown-field", "urgent", "a field the application does not have", {"urgent": True})
    corpus.start(
        p,
        "applicant-unknown-field",
        "applicant.legal_person",
        "a field the enterprise does not have",
        {"applicant.legal_person": "张三"},
    )
    corpus.start(
        p,
        "applicant-a-list",
        "applicant",
        "the applicant as a list",
        {"applicant": ["91110108MA01ABCD1E", "北京示例科技有限公司"]},
    )
    corpus.start(p, "district-missing", "district", "no district", {"district": DELETE})
    whole_file_faults(
        corpus,
        "start",
        p,
        (
            "gbk",
            "latin1",
            "utf16",
            "nested",
            "two-megabytes",
            "nan",
            "infinity",
            "empty",
            "whitespace",
            "truncated",
            "array",
            "string",
            "null",
            "digits",
        ),
    )

    text_faults(
        corpus,
        p,
        "payload.note",
        long=TEXT_TOO_LONG,
        kind="decide",
        decision="accept",
        faults=("nul", "delete", "long", "huge"),
    )
    corpus.decide(
        p,
        "accept",
        "payload-unknown-field",
        "payload.urgent",
        "a field the decision does not have",
        {"payload.urgent": True},
    )
    corpus.decide(
        p, "accept", "payload-a-list", "payload", "the payload as a list", {"payload": ["材料齐全"]}
    )
    corpus.decide(
        p, "accept", "payload-a-string", "payload", "the payload as a string", {"payload": "材料齐全"}
    )
    corpus.decide(
        p, "accept", "actor-role-capitals", "actor.role", "a role in capitals", {"actor.role": "Clerk"}
    )
    corpus.decide(
        p,
        "accept",
        "actor-role-with-space",
        "actor.role",
        "a role with a space",
        {"actor.role": "clerk officer"},
    )
    corpus.decide(p, "accept", "actor-role-empty", "actor.role", "an empty role", {"actor.role": ""})
    corpus.decide(
        p, "accept", "actor-role-65", "actor.role", "a role of 65 characters", {"actor.role": "c" * 65}
    )
    corpus.decide(
        p, "accept", "actor-role-nul", "actor.role", "a NUL in the role", {"actor.role": insert("\x00")}
    )
    corpus.decide(p, "accept", "actor-id-blank", "actor.id", "a blank actor id", {"actor.id": "   "})
    corpus.decide(
        p,
        "accept",
        "actor-id-newline",
        "actor.id",
        "a newline in the actor id",
        {"actor.id": "clerk-001\nclerk-002"},
    )
    corpus.decide(
        p, "accept", "actor-id-tab", "actor.id", "a tab in the actor id", {"actor.id": "clerk\t001"}
    )
    corpus.decide(
        p, "accept", "actor-id-nul", "actor.id", "a NUL in the actor id", {"actor.id": insert("\x00")}
    )
    corpus.decide(
        p, "accept", "actor-id-129", "actor.id", "an actor id of 129 characters", {"actor.id": "c" * 129}
    )
    corpus.decide(p, "accept", "actor-id-a-number", "actor.id", "an actor id as a number", {"actor.id": 1})
    corpus.decide(p, "accept", "actor-a-string", "actor", "the actor as a string", {"actor": "clerk-001"})
    corpus.decide(
        p,
        "accept",
        "actor-unknown-field",
        "actor.name",
        "a field the actor does not have",
        {"actor.name": "张三"},
    )
    corpus.decide(
        p,
        "accept",
        "request-id-129",
        "request_id",
        "a request id of 129 characters",
        {"request_id": "r" * 129},
    )
    corpus.decide(
        p,
        "accept",
        "request-id-spaces",
        "request_id",
        "a request id with spaces",
        {"request_id": "accept the application"},
    )
    corpus.decide(p, "accept", "request-id-empty", "request_id", "an empty request id", {"request_id": ""})
    corpus.decide(
        p,
        "accept",
        "request-id-leading-hyphen",
        "request_id",
        "a request id starting with -",
        {"request_id": "-r1"},
    )
    corpus.decide(
        p, "accept", "request-id-nul", "request_id", "a NUL in the request id", {"request_id": "r\x001"}
    )
    corpus.decide(
        p, "accept", "request-id-a-number", "request_id", "a request id as a number", {"request_id": 12345}
    )
    corpus.decide(p, "accept", "decision-name-empty", "decision", "an empty decision name", {}, name="")
    corpus.decide(
        p, "accept", "decision-name-capitals", "decision", "a decision name in capitals", {}, name="Accept"
    )
    corpus.decide(
        p, "accept", "decision-name-spaces", "decision", "a decision name with spaces", {}, name="accept it"
    )
    corpus.decide(
        p, "accept", "decision-name-65", "decision", "a decision name of 65 characters", {}, name="a" * 65
    )
    text_faults(
        corpus,
        p,
        "payload.reason",
        long=TEXT_TOO_LONG,
        kind="decide",
        decision="reject",
        faults=("blank", "empty", "long", "list"),
    )
    text_faults(
        corpus,
        p,
        "payload.step",
        long=NAME_TOO_LONG,
        kind="decide",
        decision="verify",
        faults=("nul", "long"),
    )
    corpus.decide(
        p,
        "verify",
        "payload-result-unknown",
        "payload.result",
        "a result that is neither",
        {"payload.result": "maybe"},
    )
    text_faults(
        corpus,
        p,
        "payload.evidence",
        long=TEXT_TOO_LONG,
        kind="decide",
        decision="verify",
        faults=("escape", "blank"),
    )
    text_faults(
        corpus,
        p,
        "payload.conclusion",
        long=TEXT_TOO_LONG,
        kind="decide",
        decision="approve",
        faults=("long",),
    )
    whole_file_faults(
        corpus,
        "decide",
        p,
        ("gbk", "latin1", "nested", "two-megabytes", "nan", "empty", "truncated", "array", "null", "digits"),
        decision="accept",
    )


def complaint(corpus: Corpus) -> None:
    value: object  # the faults' values, of whatever JSON type each loop tries
    p = "complaint"
    c = "complainant"
    for slug, value, words in (
        ("nan", "NaN", "NaN"),
        ("five-digits", "12345", "five digits"),
        ("seven-digits", "0123456", "seven digits"),
        ("leading-zero", "012345", "a leading zero"),
        ("letters", "10002A", "a letter"),
        ("a-number", 100022, "a number"),
    ):
        corpus.start(
            p, f"complainant-postcode-{slug}", f"{c}.postcode", f"postcode: {words}", {f"{c}.postcode": value}
        )
    corpus.start(
        p, "respondent-postcode-nan", "respondent.postcode", "postcode NaN", {"respondent.postcode": "NaN"}
    )
    text_faults(corpus, p, f"{c}.address", long=ADDRESS_TOO_LONG, faults=("nul", "long"))
    text_faults(corpus, p, f"{c}.contact", long=CONTACT_TOO_LONG, faults=("nul", "long", "number"))
    text_faults(corpus, p, f"{c}.name", long=NAME_TOO_LONG, faults=("blank", "empty", "formfeed"))
    text_faults(corpus, p, f"{c}.contact_person", long=NAME_TOO_LONG, faults=("long",))
    corpus.start(
        p, "complainant-id-with-space", f"{c}.id", "an id with a space", {f"{c}.id": "91110105 MA01FDQ8KY"}
    )
    corpus.start(p, "complainant-id-chinese", f"{c}.id", "an id in Chinese", {f"{c}.id": "北京示例外资"})
    corpus.start(
        p, "complainant-id-65", f"{c}.id", "an id of 65 characters", {f"{c}.id": IDENTIFIER_TOO_LONG}
    )
    corpus.start(
        p,
        "complainant-kind-unknown",
        f"{c}.kind",
        "a kind of complainant the measures do not know",
        {f"{c}.kind": "state-owned-enterprise"},
    )
    corpus.start(
        p,
        "complainant-status-proof-maybe",
        f"{c}.status_proof",
        "status_proof neither yes nor no",
        {f"{c}.status_proof": "maybe"},
    )
    text_faults(corpus, p, "respondent.contact", long=CONTACT_TOO_LONG, faults=("nul",))
    corpus.start(
        p,
        "respondent-level-unknown",
        "respondent.level",
        "a level of government not named",
        {"respondent.level": "central-government"},
    )
    corpus.start(
        p,
        "respondent-township-without-district",
        "respondent",
        "a township respondent without its district (no body could be worked out)",
        {"respondent.level": "township"},
    )
    for slug, value, words, expect in (
        ("1900", "1900-01-01", "in 1900", "dated_on"),
        ("1949", "1949-12-31", "in 1949", "dated_on"),
        ("2999", "2999-01-01", "in 2999", "dated_on"),
        ("future", FUTURE, "in the future (a fact)", "dated_on"),
        ("1999", "1999-12-31", "before any case (2000)", "dated_on"),
        ("february-30", "2026-02-30", "a day that does not exist", "dated_on"),
        ("chinese-format", "2026年9月25日", "not an ISO date", "dated_on"),
        ("a-number", 20260925, "a number", "dated_on"),
    ):
        corpus.start(p, f"dated-on-{slug}", expect, f"dated_on {words}", {"dated_on": value})
    corpus.start(p, "received-on-future", "received_on", "received_on in the future", {"received_on": FUTURE})
    corpus.start(p, "received-on-2999", "received_on", "received_on in 2999", {"received_on": "2999-12-31"})
    text_faults(corpus, p, "matter", long=TEXT_TOO_LONG, faults=("long", "control"))
    text_faults(corpus, p, "facts_and_evidence", long=ANY_TEXT_TOO_LONG, faults=("long",))
    corpus.start(
        p, "request-vertical-tab", "request", "a vertical tab in the request", {"request": insert("\x0b")}
    )
    corpus.start(
        p,
        "proceedings-statement-ground-6",
        "proceedings_statement",
        "a 第十一条 ground that is not 7, 8 or 9",
        {"proceedings_statement": [6]},
    )
    corpus.start(
        p,
        "materials-title-blank",
        "materials.0.title",
        "a blank material title",
        {"materials.0.title": "   "},
    )
    corpus.start(
        p,
        "materials-language-space",
        "materials.1.language",
        "a language code with a space",
        {"materials.1.language": "e n"},
    )
    corpus.start(
        p,
        "materials-unknown-field",
        "materials.1.pages",
        "a field a material does not have",
        {"materials.1.pages": 3},
    )
    corpus.start(
        p,
        "agent-name-blank",
        "agent.name",
        "a blank agent name",
        {"agent": {"name": "  ", "identity_proof": True}},
    )
    corpus.start(
        p,
        "appeal-of-with-space",
        "appeal_of",
        "a case number with a space",
        {"appeal_of": "CMPL 2026 000001"},
    )
    corpus.start(p, "kind-c", "kind", "a kind the measures do not know (only A and B)", {"kind": "C"})
    corpus.start(
        p,
        "receiving-body-district-missing",
        "receiving_body",
        "a district body without its district",
        {"receiving_body.level": "district"},
    )
    corpus.start(
        p,
        "complainant-postcode-nan",
        f"{c}.postcode",
        "the incomplete filing, postcode NaN",
        {f"{c}.postcode": "NaN"},
        example="start-incomplete",
    )
    corpus.start(
        p,
        "dated-on-future",
        "dated_on",
        "the incomplete filing dated in the future",
        {"dated_on": FUTURE},
        example="start-incomplete",
    )
    whole_file_faults(corpus, "start", p, ("gbk", "nested", "nan", "array", "duplicate-key"))

    corpus.decide(
        p,
        "accept",
        "payload-departments-nul",
        "payload.departments",
        "a NUL in a department",
        {"payload.departments.0": insert("\x00")},
    )
    corpus.decide(
        p,
        "accept",
        "payload-departments-201",
        "payload.departments",
        "201 departments",
        {"payload.departments": [f"部门{n}" for n in range(201)]},
    )
    text_faults(
        corpus,
        p,
        "payload.department",
        long=NAME_TOO_LONG,
        kind="decide",
        decision="department-reply",
        faults=("long",),
    )
    text_faults(
        corpus,
        p,
        "payload.opinion",
        long=TEXT_TOO_LONG,
        kind="decide",
        decision="department-reply",
        faults=("nul",),
    )
    for slug, value, words in (
        ("60", 60, "not longer than the 60 days it extends"),
        ("100000", 100_000, "100,000 working days"),
        ("words", "ninety", "a word"),
        ("1e30", Raw("1e30"), "1e30"),
        ("negative", -90, "negative"),
    ):
        corpus.decide(
            p,
            "extend",
            f"payload-new-length-{slug}",
            "payload.new_length",
            f"new_length {words}",
            {"payload.new_length": value},
        )
    corpus.decide(
        p,
        "not-accept",
        "payload-ground-10",
        "payload.ground",
        "a 第十一条 ground that does not exist",
        {"payload.ground": 10},
    )
    corpus.decide(
        p,
        "not-accept",
        "payload-ground-words",
        "payload.ground",
        "the ground in words",
        {"payload.ground": "two"},
    )
    text_faults(
        corpus,
        p,
        "payload.explanation",
        long=TEXT_TOO_LONG,
        kind="decide",
        decision="not-accept",
        faults=("blank",),
    )
    text_faults(
        corpus,
        p,
        "payload.result",
        long=TEXT_TOO_LONG,
        kind="decide",
        decision="notify-result",
        faults=("long",),
    )
    corpus.decide(
        p,
        "request-supplement",
        "payload-items-bell",
        "payload.items",
        "a control character in an item",
        {"payload.items": ["投诉人邮编\x07"]},
    )
    corpus.decide(
        p,
        "resolve",
        "payload-way-unknown",
        "payload.way",
        "a way the measures do not know",
        {"payload.way": "magic"},
    )
    text_faults(
        corpus, p, "payload.summary", long=TEXT_TOO_LONG, kind="decide", decision="resolve", faults=("nul",)
    )
    text_faults(
        corpus,
        p,
        "payload.settled_matters",
        long=TEXT_TOO_LONG,
        kind="decide",
        decision="resolve",
        faults=("long",),
    )
    corpus.decide(
        p,
        "send-letter",
        "payload-received-on-future",
        "payload.received_on",
        "received in the future",
        {"payload.received_on": FUTURE},
    )
    corpus.decide(
        p,
        "send-letter",
        "payload-received-on-1900",
        "payload.received_on",
        "received in 1900",
        {"payload.received_on": "1900-01-01"},
    )
    text_faults(
        corpus,
        p,
        "payload.matters",
        long=TEXT_TOO_LONG,
        kind="decide",
        decision="send-letter",
        faults=("nul",),
    )
    corpus.decide(
        p,
        "department-progress",
        "payload-planned-on-too-far",
        "payload.planned_on",
        "a planned date more than a year ahead",
        {"payload": {"department": "北京市某委员会", "next_steps": "正在会商", "planned_on": FUTURE}},
        example="department-reply",
    )
    corpus.decide(
        p,
        "department-progress",
        "payload-planned-on-1999",
        "payload.planned_on",
        "a planned date before any case",
        {"payload": {"department": "北京市某委员会", "next_steps": "正在会商", "planned_on": "1999-01-01"}},
        example="department-reply",
    )
    corpus.decide(
        p,
        "supplement",
        "payload-filing-postcode-nan",
        "payload.filing.complainant.postcode",
        "postcode NaN in the supplemented filing",
        {"payload.filing.complainant.postcode": "NaN"},
    )
    corpus.decide(
        p,
        "supplement",
        "payload-filing-dated-on-2999",
        "payload.filing.dated_on",
        "the supplemented filing dated 2999",
        {"payload.filing.dated_on": "2999-09-25"},
    )
    corpus.decide(
        p,
        "supplement",
        "payload-filing-name-nul",
        "payload.filing.complainant.name",
        "a NUL in the supplemented complainant's name",
        {"payload.filing.complainant.name": insert("\x00")},
    )
    corpus.decide(
        p,
        "terminate",
        "payload-ground-7",
        "payload.ground",
        "a 第十五条 ground that does not exist",
        {"payload.ground": 7},
    )
    text_faults(
        corpus,
        p,
        "payload.explanation",
        long=TEXT_TOO_LONG,
        kind="decide",
        decision="terminate",
        faults=("escape",),
    )
    whole_file_faults(corpus, "decide", p, ("utf16", "whitespace"), decision="resolve")


def permit(corpus: Corpus) -> None:
    p = "auction-permit"
    corpus.start(
        p,
        "applicant-uscc-check-character",
        "applicant.uscc",
        "USCC with a wrong check character",
        {"applicant.uscc": last_character("2")},
    )
    text_faults(corpus, p, "applicant.name", long=NAME_TOO_LONG, faults=("nul", "long"))
    corpus.start(p, "matter-unknown", "matter", "a matter not among the five", {"matter": "renew"})
    corpus.start(p, "route-unknown", "route", "a route that is neither", {"route": "fast"})
    corpus.start(
        p,
        "certificate-no-nul",
        "certificate_no",
        "a NUL in the certificate number",
        {"matter": "change", "certificate_no": "京拍2026\x00-0101"},
    )
    corpus.start(
        p,
        "certificate-no-too-long",
        "certificate_no",
        "a certificate number of 201 characters",
        {"matter": "change", "certificate_no": NAME_TOO_LONG},
    )
    corpus.start(
        p,
        "certificate-no-blank",
        "certificate_no",
        "a blank certificate number",
        {"matter": "renewal", "certificate_no": "  "},
    )
    corpus.start(
        p,
        "commitment-letter-maybe",
        "commitment_letter",
        "commitment_letter neither yes nor no",
        {"commitment_letter": "maybe"},
        example="start-commitment",
    )
    corpus.start(
        p,
        "materials-line-separator",
        "materials",
        "a line separator in a material",
        {"materials.0": insert("\u2028")},
        example="start-commitment",
    )
    corpus.start(p, "unknown-field", "fee", "a field the application does not have", {"fee": 100})
    corpus.start(
        p, "district-unknown", "district", "a district Beijing does not have", {"district": "xinjiang"}
    )
    whole_file_faults(corpus, "start", p, ("latin1", "nested", "empty"))

    text_faults(
        corpus,
        p,
        "payload.opinion",
        long=TEXT_TOO_LONG,
        kind="decide",
        decision="district-consent",
        faults=("nul", "long"),
    )
    corpus.decide(
        p,
        "district-consent",
        "payload-consented-sure",
        "payload.consented",
        "consented neither yes nor no",
        {"payload.consented": "sure"},
    )
    corpus.decide(
        p,
        "formal-review",
        "payload-reasons-too-long",
        "payload.reasons",
        "reasons of 5,001 characters",
        {"payload.compliant": False, "payload.reasons": TEXT_TOO_LONG},
    )
    corpus.decide(
        p,
        "formal-review",
        "payload-certificate-no-nul",
        "payload.certificate_no",
        "a NUL in the certificate number",
        {"payload.certificate_no": "京拍\x002026-0101"},
    )
    corpus.decide(
        p,
        "formal-review",
        "payload-compliant-a-list",
        "payload.compliant",
        "compliant as a list",
        {"payload.compliant": [True]},
    )
    text_faults(
        corpus,
        p,
        "payload.certificate_no",
        long=NAME_TOO_LONG,
        kind="decide",
        decision="grant",
        faults=("blank", "long"),
    )
    corpus.decide(
        p,
        "receive",
        "payload-missing-nul",
        "payload.missing",
        "a NUL in a missing material",
        {"payload.complete": False, "payload.missing": ["营业执照\x00"]},
    )
    corpus.decide(
        p,
        "receive",
        "payload-complete-no-way",
        "payload.complete",
        "complete neither yes nor no",
        {"payload.complete": "no way"},
    )
    whole_file_faults(corpus, "decide", p, ("gbk", "array"), decision="grant")


def spot_check(corpus: Corpus) -> None:
    value: object  # the faults' values, of whatever JSON type each loop tries
    p = "spot-check"
    text_faults(corpus, p, "round_name", long=NAME_TOO_LONG, faults=("blank", "long", "nul"))
    k = "candidates.0"
    corpus.start(
        p,
        "candidate-uscc-check-character",
        f"{k}.uscc",
        "a candidate's USCC with a wrong check character",
        {f"{k}.uscc": last_character("F")},
    )
    for slug, value, words in (
        ("future", FUTURE, "in the future"),
        ("1999", "1999-12-31", "before 2000"),
        ("1900", "1900-01-01", "in 1900"),
    ):
        corpus.start(
            p,
            f"candidate-decided-on-{slug}",
            f"{k}.decided_on",
            f"a decision {words}",
            {f"{k}.decided_on": value},
        )
    corpus.start(
        p,
        "candidate-permit-case-no-space",
        f"{k}.permit_case_no",
        "a case number with a space",
        {f"{k}.permit_case_no": "AUCP 2026 000001"},
    )
    corpus.start(
        p,
        "candidate-certificate-no-nul",
        f"{k}.certificate_no",
        "a NUL in the certificate number",
        {f"{k}.certificate_no": insert("\x00")},
    )
    corpus.start(
        p, "candidate-unknown-field", f"{k}.grade", "a field a candidate does not have", {f"{k}.grade": "A"}
    )
    corpus.start(
        p, "inspectors-one", "inspectors", "one inspector (a check needs two)", {"inspectors": ["insp-1"]}
    )
    corpus.start(
        p, "inspectors-with-space", "inspectors", "an inspector id with a space", {"inspectors.0": "insp 1"}
    )
    corpus.start(
        p, "inspectors-nul", "inspectors", "a NUL in an inspector id", {"inspectors.1": "insp\x00-2"}
    )
    corpus.start(
        p,
        "conflicts-key-not-uscc",
        "conflicts",
        "a conflict keyed by something not a USCC",
        {"conflicts": {"北京示例拍卖有限公司": ["insp-3"]}},
    )
    corpus.start(
        p,
        "conflicts-leave-one-inspector",
        "conflicts",
        "conflicts leave a candidate one inspector",
        {"conflicts": {"91110108MA01ABCD1E": ["insp-2", "insp-3"]}},
    )
    for slug, value, words in (
        ("zero", 0, "0"),
        ("one-and-a-half", 1.5, "1.5"),
        ("nan-string", "NaN", "'NaN'"),
        ("words", "half", "a word"),
    ):
        corpus.start(
            p, f"sampling-rate-{slug}", "sampling_rate", f"sampling rate {words}", {"sampling_rate": value}
        )
    corpus.start(p, "seed-short", "seed", "a seed of 5 characters (the draw takes 8)", {"seed": "short"})
    corpus.start(p, "seed-with-space", "seed", "a seed with spaces", {"seed": "seed of the round"})
    corpus.start(
        p,
        "publicity-months-general-7",
        "publicity_months",
        "a general breach published 7 months",
        {"publicity_months": {"general": 7, "severe": 6}},
    )
    corpus.start(
        p,
        "publicity-months-minor",
        "publicity_months",
        "publicity for a minor breach",
        {"publicity_months": {"minor": 1, "general": 1, "severe": 6}},
    )
    corpus.start(
        p,
        "publicity-months-words",
        "publicity_months",
        "months in words",
        {"publicity_months": {"general": "one", "severe": 6}},
    )
    corpus.start(p, "candidates-empty", "candidates", "no candidates", {"candidates": []})
    whole_file_faults(corpus, "start", p, ("utf16", "string"))

    corpus.decide(
        p,
        "record-finding",
        "payload-entity-check-character",
        "payload.entity",
        "an entity USCC with a wrong check character",
        {"payload.entity": last_character("F")},
    )
    corpus.decide(
        p,
        "record-finding",
        "payload-outcome-unknown",
        "payload.outcome",
        "an outcome not graded",
        {"payload.outcome": "false"},
    )
    text_faults(
        corpus,
        p,
        "payload.findings",
        long=TEXT_TOO_LONG,
        kind="decide",
        decision="record-finding",
        faults=("nul", "long"),
    )
    corpus.decide(
        p,
        "record-finding",
        "payload-rectify-by-too-far",
        "payload.rectify_by",
        "rectify by a day more than a year ahead",
        {"payload.outcome": "minor", "payload.rectify_by": FUTURE},
    )
    corpus.decide(
        p,
        "record-finding",
        "payload-rectify-by-1999",
        "payload.rectify_by",
        "rectify by 1999",
        {"payload.outcome": "general", "payload.rectify_by": "1999-06-30"},
    )
    corpus.decide(
        p,
        "record-finding",
        "payload-rectify-by-2999",
        "payload.rectify_by",
        "rectify by 2999",
        {"payload.outcome": "general", "payload.rectify_by": "2999-06-30"},
    )
    whole_file_faults(corpus, "decide", p, ("nan", "nested"), decision="record-finding")


def credit_record(corpus: Corpus) -> None:
    value: object  # the faults' values, of whatever JSON type each loop tries
    p = "credit-record"
    corpus.start(
        p, "uscc-check-character", "uscc", "USCC with a wrong check character", {"uscc": last_character("F")}
    )
    corpus.start(p, "uscc-lower-case", "uscc", "USCC in lower case", {"uscc": str.lower})
    corpus.start(p, "uscc-19-characters", "uscc", "USCC of 19 characters", {"uscc": lambda v: v + "1"})
    corpus.start(p, "uscc-a-number", "uscc", "USCC as a number", {"uscc": 911101080000000000})
    text_faults(corpus, p, "name", long=NAME_TOO_LONG, faults=("nul", "blank", "long", "list"))
    corpus.start(p, "unknown-field", "grade", "a field the subject does not have", {"grade": "A"})
    whole_file_faults(corpus, "start", p, ("gbk", "infinity", "null"))

    d = "record-breach"
    corpus.decide(
        p,
        d,
        "payload-breach-id-space",
        "payload.breach_id",
        "a breach id with a space",
        {"payload.breach_id": "SPCK 2026 000001"},
    )
    corpus.decide(
        p,
        d,
        "payload-breach-id-65",
        "payload.breach_id",
        "a breach id of 65 characters",
        {"payload.breach_id": IDENTIFIER_TOO_LONG},
    )
    for slug, value, words in (
        ("future", FUTURE, "in the future"),
        ("1949", "1949-12-31", "in 1949"),
        ("2999", "2999-12-31", "in 2999"),
        ("1999", "1999-12-31", "before 2000"),
    ):
        corpus.decide(
            p,
            d,
            f"payload-found-on-{slug}",
            "payload.found_on",
            f"found {words}",
            {"payload.found_on": value},
        )
    corpus.decide(
        p,
        d,
        "payload-grade-unknown",
        "payload.grade",
        "a grade the gazette does not know",
        {"payload.grade": "extreme"},
    )
    text_faults(corpus, p, "payload.matter", long=TEXT_TOO_LONG, kind="decide", decision=d, faults=("nul",))
    for slug, value, words in (
        ("13", 13, "13 months"),
        ("negative", -1, "-1 months"),
        ("1e30", Raw("1e30"), "1e30"),
        ("half", 1.5, "1.5 months"),
    ):
        corpus.decide(
            p,
            d,
            f"payload-publicity-months-{slug}",
            "payload.publicity_months",
            f"publicity of {words}",
            {"payload.publicity_months": value},
        )
    corpus.decide(
        p,
        d,
        "payload-publicity-by-grade-99",
        "payload.publicity_by_grade",
        "a policy of 99 months",
        {"payload.publicity_by_grade": {"general": 99}},
    )
    corpus.decide(
        p,
        d,
        "payload-publicity-by-grade-unknown",
        "payload.publicity_by_grade",
        "a policy for a grade that does not exist",
        {"payload.publicity_by_grade": {"extreme": 6}},
    )
    for slug, value in (("0", 0), ("7", 7), ("words", "two")):
        corpus.decide(
            p,
            "repair",
            f"payload-shortening-months-{slug}",
            "payload.shortening_months",
            f"a repair shortening by {value!r} months",
            {"payload.shortening_months": value},
        )
    text_faults(
        corpus, p, "payload.means", long=TEXT_TOO_LONG, kind="decide", decision="repair", faults=("blank",)
    )
    text_faults(
        corpus,
        p,
        "payload.reasons",
        long=TEXT_TOO_LONG,
        kind="decide",
        decision="object",
        faults=("nul", "long"),
    )
    corpus.decide(
        p,
        "object",
        "payload-breach-id-chinese",
        "payload.breach_id",
        "a breach id in Chinese",
        {"payload.breach_id": "第一条违诺"},
    )
    whole_file_faults(corpus, "decide", p, ("latin1", "empty"), decision="record-breach")


def subsidy(corpus: Corpus) -> None:
    value: object  # the faults' values, of whatever JSON type each loop tries
    p = "subsidy"
    e = "enterprise"
    corpus.start(
        p,
        "enterprise-uscc-check-character",
        f"{e}.uscc",
        "USCC with a wrong check character",
        {f"{e}.uscc": last_character("F")},
    )
    text_faults(corpus, p, f"{e}.name", long=NAME_TOO_LONG, faults=("nul", "long"))
    for slug, value, words in (
        ("negative", -1, "-1"),
        ("1e30", Raw("1e30"), "1e30"),
        ("words", "lots", "a word"),
    ):
        corpus.start(
            p,
            f"enterprise-trade-{slug}",
            f"{e}.trade_usd_last_year",
            f"trade of {words}",
            {f"{e}.trade_usd_last_year": value},
        )
    corpus.start(
        p,
        "enterprise-district-unknown",
        f"{e}.district",
        "a district Beijing does not have",
        {f"{e}.district": "paris"},
    )
    corpus.start(
        p,
        "enterprise-high-tech-valid-until-too-far",
        f"{e}.high_tech_valid_until",
        "a high-tech recognition valid beyond five years ahead",
        {f"{e}.high_tech_valid_until": FUTURE},
    )
    corpus.start(
        p,
        "enterprise-high-tech-valid-until-1900",
        f"{e}.high_tech_valid_until",
        "a high-tech recognition valid until 1900",
        {f"{e}.high_tech_valid_until": "1900-12-31"},
    )
    corpus.start(
        p,
        "enterprise-dual-basis-unknown",
        f"{e}.dual_basis",
        "a dual-autonomous basis not in 一(一)3(2)",
        {f"{e}.dual_basis": "fame"},
        example="start-municipal",
    )
    corpus.start(
        p,
        "enterprise-comprehensive-service-maybe",
        f"{e}.comprehensive_service",
        "comprehensive_service neither yes nor no",
        {f"{e}.comprehensive_service": "maybe"},
        example="start-group",
    )
    text_faults(corpus, p, "project", long=NAME_TOO_LONG, faults=("blank", "long", "control"))
    for slug, value, words in (
        ("1e30", Raw("1e30"), "1e30"),
        ("1999", 1999, "1999"),
        ("2101", 2101, "2101"),
        ("fraction", 2026.5, "2026.5"),
        ("chinese", "二〇二六", "in Chinese numerals"),
    ):
        corpus.start(p, f"year-{slug}", "year", f"a plan year {words}", {"year": value})
    corpus.start(
        p, "group-perhaps", "group", "group neither yes nor no", {"group": "perhaps"}, example="start-group"
    )
    corpus.start(
        p,
        "enterprise-unknown-field",
        f"{e}.revenue",
        "a field the enterprise does not have",
        {f"{e}.revenue": 1},
    )
    whole_file_faults(corpus, "start", p, ("gbk", "truncated", "array"))

    claim = "payload.claims.0"
    for slug, value, words in (
        ("1e400", "1e400", "'1e400'"),
        ("negative", "-1", "'-1'"),
        ("nan", "NaN", "'NaN'"),
        ("infinity", "Infinity", "'Infinity'"),
        ("tenth-of-a-fen", "0.001", "'0.001'"),
        ("1e13", Raw("1e13"), "1e13"),
        ("words", "八十万", "in Chinese"),
        ("bare-1e400", Raw("1e400"), "the bare number 1e400"),
    ):
        corpus.decide(
            p,
            "apply-plan",
            f"payload-spend-{slug}",
            f"{claim}.spend",
            f"spend of {words}",
            {f"{claim}.spend": value},
        )
    for slug, value, words in (
        ("future", FUTURE, "in the future"),
        ("1999", "1999-12-31", "before 2000"),
        ("1900", "1900-01-01", "in 1900"),
    ):
        corpus.decide(
            p,
            "apply-plan",
            f"payload-incurred-on-{slug}",
            f"{claim}.incurred_on",
            f"incurred {words}",
            {f"{claim}.incurred_on": value},
        )
    corpus.decide(
        p,
        "apply-plan",
        "payload-item-unknown",
        f"{claim}.item",
        "an item attachment 2 does not list",
        {f"{claim}.item": "lunch"},
    )
    corpus.decide(
        p,
        "apply-plan",
        "payload-booth-area-zero",
        f"{claim}.booth_area_m2",
        "a booth of 0 m²",
        {f"{claim}.booth_area_m2": "0"},
    )
    corpus.decide(
        p,
        "apply-plan",
        "payload-booth-area-1e9",
        f"{claim}.booth_area_m2",
        "a booth of 10⁹ m²",
        {f"{claim}.booth_area_m2": "1000000000"},
    )
    corpus.decide(
        p, "apply-plan", "payload-claims-empty", "payload.claims", "no claims", {"payload.claims": []}
    )
    corpus.decide(
        p,
        "apply-plan",
        "payload-certificate-on-2999",
        "payload.claims.1.certificate_on",
        "a certificate obtained in 2999",
        {"payload.claims.1.certificate_on": "2999-06-18"},
    )
    corpus.decide(
        p,
        "apply-plan",
        "payload-claim-unknown-field",
        f"{claim}.discount",
        "a field a claim does not have",
        {f"{claim}.discount": "0.1"},
    )
    corpus.decide(
        p,
        "apply-disbursement",
        "payload-completed-on-future",
        "payload.completed_on",
        "completed in the future",
        {"payload.completed_on": FUTURE},
    )
    corpus.decide(
        p,
        "apply-disbursement",
        "payload-market-unknown",
        f"{claim}.market",
        "a market on Mars",
        {f"{claim}.market": "mars"},
    )
    corpus.decide(
        p,
        "apply-disbursement",
        "payload-countries-1000",
        "payload.claims.1.countries",
        "a trademark claim in 1,000 countries",
        {"payload.claims.1.countries": 1000},
    )
    corpus.decide(
        p,
        "audit",
        "payload-audited-spend-negative",
        "payload.audited_spend",
        "a negative audited spend",
        {"payload.audited_spend.0": "-1"},
    )
    corpus.decide(
        p,
        "audit",
        "payload-audited-spend-nan",
        "payload.audited_spend",
        "an audited spend of NaN",
        {"payload.audited_spend.0": "NaN"},
    )
    corpus.decide(
        p,
        "audit",
        "payload-audited-spend-fen-fraction",
        "payload.audited_spend",
        "an audited spend to a tenth of a fen",
        {"payload.audited_spend.1": "30000.001"},
    )
    text_faults(
        corpus,
        p,
        "payload.auditor",
        long=NAME_TOO_LONG,
        kind="decide",
        decision="audit",
        faults=("nul", "long"),
    )
    text_faults(
        corpus, p, "payload.findings", long=TEXT_TOO_LONG, kind="decide", decision="audit", faults=("long",)
    )
    corpus.decide(
        p,
        "check-completeness",
        "payload-passed-perhaps",
        "payload.passed",
        "passed neither yes nor no",
        {"payload.passed": "perhaps"},
    )
    corpus.decide(
        p,
        "check-completeness",
        "payload-reasons-too-long",
        "payload.reasons",
        "reasons of 5,001 characters",
        {"payload.reasons": TEXT_TOO_LONG},
    )
    corpus.decide(
        p,
        "confirm-registration",
        "payload-confirmed-yes-please",
        "payload.confirmed",
        "confirmed neither yes nor no",
        {"payload.confirmed": "yes please"},
    )
    corpus.decide(
        p,
        "confirm-registration",
        "payload-reasons-nul",
        "payload.reasons",
        "a NUL in the reasons",
        {"payload.reasons": "材料\x00齐全"},
    )
    corpus.decide(
        p,
        "confirm-dual-autonomous",
        "payload-reasons-blank",
        "payload.reasons",
        "blank reasons",
        {"payload.reasons": "   "},
    )
    corpus.decide(
        p,
        "decide",
        "payload-approved-maybe",
        "payload.approved",
        "approved neither yes nor no",
        {"payload.approved": "maybe"},
    )
    text_faults(
        corpus,
        p,
        "payload.reasons",
        long=TEXT_TOO_LONG,
        kind="decide",
        decision="decide",
        faults=("blank", "huge"),
    )
    corpus.decide(
        p,
        "review-compliance",
        "payload-reasons-too-long",
        "payload.reasons",
        "reasons of 5,001 characters",
        {"payload.passed": False, "payload.reasons": TEXT_TOO_LONG},
    )
    text_faults(
        corpus, p, "payload.objector", long=NAME_TOO_LONG, kind="decide", decision="object", faults=("nul",)
    )
    corpus.decide(
        p,
        "object",
        "payload-objector-too-long",
        "payload.objector",
        "an objector's name of 201 characters",
        {"payload.objector": NAME_TOO_LONG},
    )
    corpus.decide(
        p, "object", "payload-grounds-blank", "payload.grounds", "blank grounds", {"payload.grounds": "   "}
    )
    corpus.decide(
        p,
        "rule-objection",
        "payload-objection-id-space",
        "payload.objection_id",
        "an objection id with a space",
        {"payload.objection_id": "OBJ 1"},
    )
    text_faults(
        corpus,
        p,
        "payload.findings",
        long=TEXT_TOO_LONG,
        kind="decide",
        decision="rule-objection",
        faults=("nul",),
    )
    for slug, value, words in (
        ("negative", "-1", "'-1'"),
        ("1e400", "1e400", "'1e400'"),
        ("tenth-of-a-fen", "0.001", "'0.001'"),
        ("infinity", "Infinity", "'Infinity'"),
    ):
        corpus.decide(
            p,
            "select-plan",
            f"payload-budget-left-{slug}",
            "payload.budget_left",
            f"a budget left of {words}",
            {"payload.budget_left": value},
        )
    text_faults(
        corpus,
        p,
        "payload.priority",
        long=TEXT_TOO_LONG,
        kind="decide",
        decision="select-plan",
        faults=("nul",),
    )
    whole_file_faults(corpus, "decide", p, ("utf16", "nan", "string"), decision="apply-plan")


def ecommerce(corpus: Corpus) -> None:
    value: object  # the faults' values, of whatever JSON type each loop tries
    p = "ecommerce-subsidy"
    corpus.start(
        p, "uscc-check-character", "uscc", "USCC with a wrong check character", {"uscc": last_character("F")}
    )
    text_faults(corpus, p, "name", long=NAME_TOO_LONG, faults=("nul",))
    text_faults(corpus, p, "project", long=NAME_TOO_LONG, faults=("long", "blank"))
    corpus.start(
        p, "started-on-future", "started_on", "a project started in the future", {"started_on": FUTURE}
    )
    corpus.start(
        p,
        "uscc-not-beijing",
        "applicant",
        "四(一): an enterprise registered outside Beijing (division 120113)",
        {"applicant": {"uscc": "91120113MA05ABCD14", "name": "天津某跨境电商有限公司"}},
    )
    corpus.start(
        p,
        "deadline-too-far",
        "deadline",
        "a call's deadline more than a year ahead",
        {"deadline": FUTURE},
        example="start-platform",
    )
    corpus.start(
        p,
        "deadline-1999",
        "deadline",
        "a call's deadline in 1999",
        {"deadline": "1999-06-15"},
        example="start-platform",
    )
    for slug, value, words in (("nan", "NaN", "'NaN'"), ("negative", "-1", "'-1'"), ("200", "200", "200 %")):
        corpus.start(p, f"lpr-{slug}", "lpr", f"an LPR of {words}", {"lpr": value})
    loan = "loans.0"
    for slug, value, words in (
        ("1e400", "1e400", "'1e400'"),
        ("negative", "-1", "'-1'"),
        ("nan", "NaN", "'NaN'"),
        ("infinity", "Infinity", "'Infinity'"),
        ("tenth-of-a-fen", "0.001", "'0.001'"),
        ("1e13", Raw("1e13"), "1e13"),
        ("words", "abc", "'abc'"),
    ):
        corpus.start(
            p,
            f"loan-interest-paid-{slug}",
            f"{loan}.interest_paid",
            f"interest paid of {words}",
            {f"{loan}.interest_paid": value},
        )
    corpus.start(
        p,
        "loan-actual-rate-zero",
        f"{loan}.actual_rate",
        "an actual rate of 0 %",
        {f"{loan}.actual_rate": "0"},
    )
    corpus.start(
        p,
        "loan-actual-rate-1000",
        f"{loan}.actual_rate",
        "an actual rate of 1,000 %",
        {f"{loan}.actual_rate": "1000"},
    )
    corpus.start(
        p,
        "loan-currency-space",
        f"{loan}.currency",
        "a currency code with a space",
        {f"{loan}.currency": "R M B"},
    )
    corpus.start(
        p, "loan-unknown-field", f"{loan}.bank", "a field a loan does not have", {f"{loan}.bank": "某银行"}
    )
    corpus.start(
        p, "investment-planned-zero", "investment.planned", "nothing planned", {"investment.planned": "0"}
    )
    corpus.start(
        p, "investment-spent-1e400", "investment.spent", "spent '1e400'", {"investment.spent": "1e400"}
    )
    corpus.start(
        p,
        "investment-annual-rent-negative",
        "investment.annual_rent",
        "a negative rent",
        {"investment.annual_rent": "-2500000"},
    )
    corpus.start(p, "kind-unknown", "kind", "an applicant kind 一 does not name", {"kind": "shop"})
    corpus.start(
        p,
        "pilot-zone-platform-words",
        "pilot_zone_platform",
        "pilot_zone_platform as a word",
        {"pilot_zone_platform": "sure"},
        example="start-platform",
    )
    whole_file_faults(corpus, "start", p, ("latin1", "infinity", "whitespace"))

    text_faults(
        corpus,
        p,
        "payload.reasons",
        long=TEXT_TOO_LONG,
        kind="decide",
        decision="initial-review",
        faults=("nul", "long"),
    )
    corpus.decide(
        p,
        "initial-review",
        "payload-passed-words",
        "payload.passed",
        "passed as a word",
        {"payload.passed": "x"},
    )
    m = "municipal-review"
    for slug, value, words in (
        ("1e400", "1e400", "'1e400'"),
        ("negative", "-1", "'-1'"),
        ("tenth-of-a-fen", "0.001", "'0.001'"),
        ("nan", "NaN", "'NaN'"),
    ):
        corpus.decide(
            p,
            m,
            f"payload-audited-investment-{slug}",
            "payload.audited_investment",
            f"an audited investment of {words}",
            {"payload.audited_investment": value},
        )
    corpus.decide(
        p,
        m,
        "payload-reward-infinity",
        "payload.reward",
        "a reward of Infinity",
        {"payload.reward": "Infinity"},
    )
    corpus.decide(
        p,
        m,
        "payload-rent-support-1e13",
        "payload.rent_support",
        "rent support of 1e13",
        {"payload.rent_support": Raw("1e13")},
    )
    text_faults(
        corpus, p, "payload.reasons", long=TEXT_TOO_LONG, kind="decide", decision=m, faults=("blank",)
    )
    whole_file_faults(corpus, "decide", p, ("gbk", "null"), decision="municipal-review")


def title_exam(corpus: Corpus) -> None:
    value: object  # the faults' values, of whatever JSON type each loop tries
    p = "title-exam"
    a = "applicant"
    for slug, value, words in (
        ("check-character", "110108199703040026", "a wrong check character (GB 11643)"),
        ("short", "11010819970304", "14 digits"),
        ("negative", "-110108199703040029", "a minus sign"),
        ("no-such-birth-date", "110108199702300021", "a birth date that does not exist"),
        ("letter-inside", "11010819970304A029", "a letter inside"),
        ("born-2150", "110108215003040021", "born in 2150"),
        ("a-number", 110108199703040029, "a number, not text"),
    ):
        corpus.start(
            p,
            f"applicant-id-number-{slug}",
            f"{a}.id_number",
            f"an identity number with {words}",
            {f"{a}.id_number": value},
        )
    text_faults(corpus, p, f"{a}.name", long=NAME_TOO_LONG, faults=("nul", "blank"))
    text_faults(corpus, p, f"{a}.employer", long=NAME_TOO_LONG, faults=("long",))
    for slug, value, words in (("future", FUTURE, "in the future"), ("1900", "1900-07-01", "in 1900")):
        corpus.start(
            p,
            f"graduated-on-{slug}",
            f"{a}.degrees.0.graduated_on",
            f"graduated {words}",
            {f"{a}.degrees.0.graduated_on": value},
        )
    corpus.start(
        p,
        "education-unknown",
        f"{a}.degrees.0",
        "an education the attachment does not name",
        {f"{a}.degrees.0.education": "phd"},
    )
    corpus.start(
        p,
        "ip-work-since-1949",
        f"{a}.ip_work.0.since",
        "IP work since 1949",
        {f"{a}.ip_work.0.since": "1949-07-05"},
    )
    corpus.start(
        p,
        "ip-work-since-future",
        f"{a}.ip_work.0.since",
        "IP work from the future",
        {f"{a}.ip_work.0.since": FUTURE},
    )
    corpus.start(
        p, "level-by-review", "level", "a level obtained by review, not examination", {"level": "senior"}
    )
    corpus.start(
        p, "direction-unknown", "direction", "a direction 二(二) does not name", {"direction": "sales"}
    )
    for slug, value, words in (("1e30", Raw("1e30"), "1e30"), ("1999", 1999, "1999"), ("2101", 2101, "2101")):
        corpus.start(p, f"exam-year-{slug}", "exam_year", f"an exam year {words}", {"exam_year": value})
    for slug, value, words in (
        ("future", FUTURE, "in the future"),
        ("1999", "1999-07-10", "before 2000"),
        ("2999", "2999-07-10", "in 2999"),
    ):
        corpus.start(p, f"filed-on-{slug}", "filed_on", f"filed {words}", {"filed_on": value})
    whole_file_faults(corpus, "start", p, ("utf16", "nan", "truncated"))

    corpus.decide(
        p,
        "check",
        "payload-approved-words",
        "payload.approved",
        "approved as a word",
        {"payload.approved": "x"},
    )
    corpus.decide(
        p,
        "check",
        "payload-reasons-too-long",
        "payload.reasons",
        "reasons of 5,001 characters",
        {"payload.approved": False, "payload.reasons": TEXT_TOO_LONG},
    )
    corpus.decide(
        p,
        "pay",
        "payload-receipt-no-space",
        "payload.receipt_no",
        "a receipt number with a space",
        {"payload.receipt_no": "JF2026 0718 00042"},
    )
    corpus.decide(
        p,
        "pay",
        "payload-receipt-no-blank",
        "payload.receipt_no",
        "a blank receipt number",
        {"payload.receipt_no": "  "},
    )
    for slug, value, words in (
        ("zero", 0, "0"),
        ("negative", -1, "-1"),
        ("1e30", Raw("1e30"), "1e30"),
        ("100001", 100_001, "100,001"),
        ("with-unit", "112元", "'112元'"),
    ):
        corpus.decide(
            p,
            "pay",
            f"payload-amount-{slug}",
            "payload.amount_yuan",
            f"a fee of {words} yuan",
            {"payload.amount_yuan": value},
        )
    for slug, value, words in (("future", FUTURE, "in the future"), ("1900", "1900-10-18", "in 1900")):
        corpus.decide(
            p,
            "record-score",
            f"payload-sat-on-{slug}",
            "payload.sat_on",
            f"sat {words}",
            {"payload.sat_on": value},
        )
    for slug, value in (("151", 151), ("negative", -1)):
        corpus.decide(
            p,
            "record-score",
            f"payload-score-{slug}",
            "payload.score",
            f"a score of {value}",
            {"payload.score": value},
        )
    corpus.decide(
        p,
        "record-score",
        "payload-pass-mark-zero",
        "payload.pass_mark",
        "a pass mark of 0",
        {"payload.pass_mark": 0},
    )
    corpus.decide(
        p,
        "issue-certificate",
        "payload-certificate-no-short",
        "payload.certificate_no",
        "a certificate number of 3 characters",
        {"payload.certificate_no": "123"},
    )
    corpus.decide(
        p,
        "issue-certificate",
        "payload-certificate-no-spaces",
        "payload.certificate_no",
        "a certificate number with spaces",
        {"payload.certificate_no": "2611 0011 0000 0042"},
    )
    text_faults(
        corpus,
        p,
        "payload.findings",
        long=TEXT_TOO_LONG,
        kind="decide",
        decision="report-fraud",
        faults=("blank", "nul"),
    )
    whole_file_faults(corpus, "decide", p, ("latin1", "array"), decision="pay")


def title_review(corpus: Corpus) -> None:
    p = "title-review"
    a = "applicant"
    corpus.start(
        p,
        "applicant-id-number-check-character",
        f"{a}.id_number",
        "an identity number with a wrong check character (GB 11643)",
        {f"{a}.id_number": "110105198503150018"},
    )
    corpus.start(
        p,
        "applicant-id-number-17-digits",
        f"{a}.id_number",
        "an identity number of 17 digits",
        {f"{a}.id_number": "11010519850315001"},
    )
    text_faults(corpus, p, f"{a}.performance.0.summary", long=TEXT_TOO_LONG, faults=("long", "nul"))
    corpus.start(
        p,
        "performance-line-4",
        f"{a}.performance.0.line",
        "a performance line that does not exist",
        {f"{a}.performance.0.line": 4},
    )
    corpus.start(
        p,
        "achievement-title-blank",
        f"{a}.achievements.0.title",
        "a blank achievement title",
        {f"{a}.achievements.0.title": "  "},
    )
    corpus.start(
        p,
        "achievement-author-rank-zero",
        f"{a}.achievements.2.author_rank",
        "author 0th",
        {f"{a}.achievements.2.author_rank": 0},
    )
    corpus.start(
        p,
        "achievement-author-rank-100000",
        f"{a}.achievements.2.author_rank",
        "author 100,000th",
        {f"{a}.achievements.2.author_rank": 100_000},
    )
    corpus.start(
        p,
        "achievement-achieved-on-future",
        f"{a}.achievements.1.achieved_on",
        "an achievement in the future",
        {f"{a}.achievements.1.achieved_on": FUTURE},
    )
    corpus.start(
        p,
        "title-obtained-on-future",
        f"{a}.titles.0.obtained_on",
        "a title obtained in the future",
        {f"{a}.titles.0.obtained_on": FUTURE},
    )
    corpus.start(
        p,
        "title-series-nul",
        f"{a}.titles.0.series",
        "a NUL in a title's series",
        {f"{a}.titles.0.series": "econ\x00omics"},
    )
    corpus.start(p, "review-round-short", "review_round", "a round of 2 characters", {"review_round": "26"})
    corpus.start(
        p,
        "review-round-chinese",
        "review_round",
        "a round named in Chinese with a space",
        {"review_round": "2026 秋季"},
    )
    corpus.start(
        p, "level-by-exam", "level", "a level obtained by examination, not review", {"level": "assistant"}
    )
    corpus.start(p, "filed-on-2999", "filed_on", "filed in 2999", {"filed_on": "2999-09-01"})
    corpus.start(
        p,
        "exceptional-unknown",
        f"{a}.exceptional",
        "an exceptional ground 三(四) does not name",
        {f"{a}.exceptional": ["nobel"]},
    )
    summary = "长期从事专利申请、无效代理业务，代理发明专利申请300余件。" * 140  # 4,200 characters each
    corpus.start(
        p,
        "application-larger-than-a-case-takes",
        "application",
        "30 performance summaries of 4,200 characters: every field fits, the whole does not",
        {
            f"{a}.performance": [
                {
                    "direction": "services",
                    "line": 1,
                    "principal": False,
                    "achieved_on": "2023-12-31",
                    "summary": summary,
                }
            ]
            * 30
        },
    )
    whole_file_faults(corpus, "start", p, ("gbk", "nested", "empty"))

    text_faults(
        corpus, p, "payload.remarks", long=TEXT_TOO_LONG, kind="decide", decision="accept", faults=("nul",)
    )
    corpus.decide(
        p,
        "agency-check",
        "payload-passed-words",
        "payload.passed",
        "passed as a word",
        {"payload.passed": "x"},
    )
    corpus.decide(
        p,
        "agency-check",
        "payload-reasons-too-long",
        "payload.reasons",
        "reasons of 5,001 characters",
        {"payload.passed": False, "payload.reasons": TEXT_TOO_LONG},
    )
    corpus.decide(
        p,
        "close-ballot",
        "payload-unknown-field",
        "payload.tally",
        "a tally sent with the order",
        {"payload.tally": {"approve": 15}},
    )
    corpus.decide(
        p,
        "convene-committee",
        "payload-pool-id-space",
        "payload.pool.0.id",
        "an expert id with a space",
        {"payload.pool.0.id": "E 001"},
    )
    corpus.decide(
        p,
        "convene-committee",
        "payload-pool-name-blank",
        "payload.pool.0.name",
        "a blank expert name",
        {"payload.pool.0.name": "  "},
    )
    corpus.decide(
        p, "convene-committee", "payload-size-2", "payload.size", "a committee of 2", {"payload.size": 2}
    )
    corpus.decide(
        p,
        "convene-committee",
        "payload-size-2000",
        "payload.size",
        "a committee of 2,000",
        {"payload.size": 2000},
    )
    corpus.decide(
        p,
        "convene-committee",
        "payload-seed-short",
        "payload.seed",
        "a seed of 5 characters",
        {"payload.seed": "short"},
    )
    corpus.decide(
        p, "draw-panel", "payload-size-6", "payload.size", "a panel of 6 (3 to 5)", {"payload.size": 6}
    )
    corpus.decide(
        p,
        "draw-panel",
        "payload-pool-unit-nul",
        "payload.pool.0.unit",
        "a NUL in an expert's unit",
        {"payload.pool.0.unit": insert("\x00")},
    )
    corpus.decide(
        p, "evaluate", "payload-score-101", "payload.score", "a score of 101", {"payload.score": 101}
    )
    corpus.decide(
        p,
        "evaluate",
        "payload-defence-held-on-future",
        "payload.defence_held_on",
        "a defence held in the future",
        {"payload.defence_held_on": FUTURE},
    )
    text_faults(
        corpus, p, "payload.opinion", long=TEXT_TOO_LONG, kind="decide", decision="evaluate", faults=("long",)
    )
    text_faults(
        corpus, p, "payload.objector", long=NAME_TOO_LONG, kind="decide", decision="object", faults=("nul",)
    )
    corpus.decide(
        p,
        "object",
        "payload-grounds-too-long",
        "payload.grounds",
        "grounds of 5,001 characters",
        {"payload.grounds": TEXT_TOO_LONG},
    )
    corpus.decide(
        p,
        "recommend",
        "payload-published-until-future",
        "payload.published_until",
        "a publication that ends in the future",
        {"payload.published_until": FUTURE},
    )
    corpus.decide(
        p,
        "recommend",
        "payload-published-from-1900",
        "payload.published_from",
        "a publication from 1900",
        {"payload.published_from": "1900-09-03"},
    )
    text_faults(
        corpus, p, "payload.opinion", long=TEXT_TOO_LONG, kind="decide", decision="recommend", faults=("nul",)
    )
    corpus.decide(
        p,
        "recommend",
        "payload-recommended-words",
        "payload.recommended",
        "recommended as a word",
        {"payload.recommended": "x"},
    )
    text_faults(
        corpus,
        p,
        "payload.findings",
        long=TEXT_TOO_LONG,
        kind="decide",
        decision="report-fraud",
        faults=("escape",),
    )
    text_faults(
        corpus,
        p,
        "payload.findings",
        long=TEXT_TOO_LONG,
        kind="decide",
        decision="rule-objection",
        faults=("long",),
    )
    corpus.decide(
        p,
        "rule-objection",
        "payload-objection-id-space",
        "payload.objection_id",
        "an objection id with a space",
        {"payload.objection_id": "OBJ 1"},
    )
    corpus.decide(
        p, "rule-objection", "payload-fraud-words", "payload.fraud", "fraud as a word", {"payload.fraud": "x"}
    )
    whole_file_faults(corpus, "decide", p, ("gbk", "nested"), decision="evaluate")


def qualification(corpus: Corpus) -> None:
    """京人社事业发〔2021〕33号: a request names a catalog item, the holder and the certificate."""
    p = "qualification-verification"
    corpus.start(p, "qualification-no-zero", "qualification_no", "catalog item 0", {"qualification_no": 0})
    corpus.start(
        p,
        "qualification-no-words",
        "qualification_no",
        "a catalog item in words",
        {"qualification_no": "药剂师"},
    )
    corpus.start(
        p, "qualification-no-missing", "qualification_no", "no catalog item", {"qualification_no": DELETE}
    )
    corpus.start(
        p, "issued-on-future", "issued_on", "a certificate issued in 2100", {"issued_on": "2100-06-30"}
    )
    corpus.start(
        p,
        "employer-uscc-check-character",
        "employer.uscc",
        "the employer's USCC with a wrong check character",
        {"employer.uscc": last_character("2")},
    )
    text_faults(corpus, p, "holder", long=NAME_TOO_LONG, faults=("nul", "long"))
    corpus.decide(p, "accept", "length-zero", "payload.length", "a promise of 0 days", {"payload.length": 0})
    corpus.decide(
        p, "accept", "length-181", "payload.length", "a promise of 181 days", {"payload.length": 181}
    )
    corpus.decide(
        p, "accept", "unit-months", "payload.unit", "a promise in months", {"payload.unit": "months"}
    )
    corpus.decide(
        p,
        "record-answer",
        "authentic-missing",
        "payload.authentic",
        "no answer",
        {"payload.authentic": DELETE},
    )


def hr_park(corpus: Corpus) -> None:
    """京人社市场发〔2021〕35号: a district's application with its government's consent (第七条)."""
    p = "hr-park"
    corpus.start(
        p,
        "consent-missing",
        "government_consent",
        "no district government consent",
        {"government_consent": DELETE},
    )
    corpus.start(
        p,
        "consented-on-future",
        "government_consent.consented_on",
        "consent dated 2100",
        {"government_consent.consented_on": "2100-06-30"},
    )
    corpus.start(
        p, "material-unknown", "materials.0", "a material 第九条 does not list", {"materials.0": "brochure"}
    )
    text_faults(corpus, p, "park_name", long=NAME_TOO_LONG, faults=("nul", "blank", "long"))
    corpus.decide(
        p,
        "assess",
        "qualifying-over-resident",
        "payload.figures",
        "more qualifying firms than resident firms",
        {"payload.figures.qualifying_firms": 121},
    )
    corpus.decide(
        p,
        "evaluate",
        "area-missing",
        "payload.areas",
        "an area of 第十一条 not evaluated",
        {"payload.areas": lambda areas: areas[:-1]},
    )
    corpus.decide(
        p,
        "evaluate",
        "unqualified-without-date",
        "payload",
        "unqualified without a date to rectify by",
        {"payload.result": "unqualified"},
    )
    corpus.decide(
        p,
        "evaluate",
        "revoked-without-causes",
        "payload",
        "revoked without the causes of 第十二条",
        {"payload.result": "revoked"},
    )
    corpus.decide(
        p,
        "recheck",
        "not-rectified-without-causes",
        "payload",
        "not rectified, no causes",
        {"payload.rectified": False},
    )


def main() -> None:
    corpus = Corpus()
    for folder in HERE.iterdir():  # generated folders only; this script and the manifest stay
        if folder.is_dir() and folder.name in START:
            shutil.rmtree(folder)
    for make in (
        demo,
        complaint,
        permit,
        spot_check,
        credit_record,
        subsidy,
        ecommerce,
        title_exam,
        title_review,
        qualification,
        hr_park,
    ):
        make(corpus)
    manifest = {"case_numbers": CASE_NUMBERS, "entries": corpus.entries}
    (HERE / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    counts: dict[str, int] = {}
    for entry in corpus.entries:
        counts[entry["procedure"]] = counts.get(entry["procedure"], 0) + 1
    print(f"{len(corpus.entries)} files: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
