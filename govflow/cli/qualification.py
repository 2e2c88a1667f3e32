"""Foreign professional qualifications (京人社事业发〔2021〕33号): the catalog (search, load a
version, what a qualification brings to a work permit) and the public look-up of a verification
code."""

from __future__ import annotations

import argparse
import json
from typing import Any

from domain.catalog import QualificationField
from govflow.cli.common import EXIT_REFUSED, Commands, read_json
from govflow.cli.identity import token_actor
from govflow.client.sdk import Govflow
from workers.settings import Settings


def _caller(settings: Settings) -> str:
    """Who asks, for the limit per minute: the logged-in actor, else the public."""
    actor = token_actor(settings, frozenset(), required=False)
    return f"{actor.role}:{actor.id}" if actor else "public"


async def cmd_verify_code(args: argparse.Namespace, settings: Settings) -> int:
    """附件2 三: look a verification code up (authentic or not found)."""
    async with await Govflow.connect(settings) as gf:
        found = await gf.verify_code(args.code, caller=_caller(settings))
    if args.json:
        print(json.dumps(found, ensure_ascii=False))
    elif found["status"] == "authentic":
        english = f" ({found['issuer_en']})" if found.get("issuer_en") else ""
        print(f"authentic  {found['result']}")
        row = f"第{found['qualification_no']}项 {found['qualification']}"
        print(f"  《目录》({found['catalog_version']}版) {row}")
        print(f"  颁发机构: {found['issuer']}{english}  {found.get('country') or ''}".rstrip())
        print(f"  {found['disclaimer']}")
    else:
        print(f"not-found  {found['result']}")
    return 0 if found["status"] == "authentic" else EXIT_REFUSED


def _print_rows(found: dict[str, Any]) -> None:
    for row in found["rows"]:
        field = QualificationField(row["field"]).chinese
        print(
            f"{row['number']:>3}  {row['name']}  |  {row['issuer']}  |  {row['country'] or '—'}  |  {field}"
        )
    print(f"({len(found['rows'])} rows, catalog version {found['version']})")


async def cmd_catalog_search(args: argparse.Namespace, settings: Settings) -> int:
    """附件1: rows of the catalog by text, field, country or region."""
    async with await Govflow.connect(settings) as gf:
        found = await gf.qualification_catalog(
            args.text, field=args.field, country=args.country, version=args.version
        )
    if args.json:
        print(json.dumps(found, ensure_ascii=False))
    else:
        _print_rows(found)
    return 0


async def cmd_catalog_load(args: argparse.Namespace, settings: Settings) -> int:
    """四: load a version of the catalog from a data file."""
    document = read_json(args.file)
    async with await Govflow.connect(settings) as gf:
        officer = token_actor(settings, frozenset({"operator", "hr-bureau"}))
        loaded = await gf.load_qualification_catalog(document, args.file, officer)
    verb = "loaded" if loaded["loaded"] else "already loaded (unchanged)"
    print(f"catalog version {loaded['version']}: {loaded['rows']} rows {verb}; in force for new requests")
    return 0


async def cmd_catalog_relaxations(args: argparse.Namespace, settings: Settings) -> int:
    """正文 一、二: what holding catalog qualification N brings to a proposed work permit."""
    proposal = {
        "age": args.age,
        "high_end_industry": args.high_end,
        "visa_years": args.visa_years,
        "experience_years": args.experience,
        "universal_studios": args.universal_studios,
    }
    async with await Govflow.connect(settings) as gf:
        report = await gf.qualification_relaxations(args.number, proposal, version=args.version)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    print(f"第{report['qualification_no']}项 {report['name']}  (catalog version {report['catalog_version']})")
    for item in report["relaxations"]:
        mark = "yes" if item["applies"] else "NO "
        print(f"  {mark}  {item['detail']}  [{item['source']}]")
    for item in report["conditions"]:
        mark = {True: "met", False: "NOT met", None: "to check"}[item["met"]]
        print(f"  condition ({mark}): {item['detail']}  [{item['source']}]")
    return 0


def register(commands: Commands) -> None:
    verify = commands.add_parser("verify-code", help="look up a foreign qualification's verification code")
    verify.add_argument("code", help="e.g. 7K3Q-9XZA-M2PD-4WRT-H")
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(run=cmd_verify_code)

    catalog = commands.add_parser("catalog", help="the foreign professional qualification catalog")
    catalog_commands = catalog.add_subparsers(dest="catalog_command", required=True)
    search = catalog_commands.add_parser(
        "search", help="rows by text (name, issuer, remarks), field, country"
    )
    search.add_argument("text", nargs="?")
    search.add_argument("--field", choices=[f.value for f in QualificationField])
    search.add_argument("--country", help="国家(地区), e.g. 英国")
    search.add_argument("--version", help="a catalog version (default: the one in force)")
    search.add_argument("--json", action="store_true")
    search.set_defaults(run=cmd_catalog_search)
    load = catalog_commands.add_parser("load", help="load a catalog version from a data file (operator)")
    load.add_argument("file")
    load.set_defaults(run=cmd_catalog_load)
    relax = catalog_commands.add_parser(
        "relaxations", help="what catalog qualification N brings to a proposed work permit"
    )
    relax.add_argument("number", type=int)
    relax.add_argument("--age", type=int, required=True)
    relax.add_argument("--high-end", action="store_true", help="a high-end industry field (高精尖产业领域)")
    relax.add_argument("--visa-years", type=int)
    relax.add_argument("--experience", type=float, help="years of relevant work experience")
    relax.add_argument("--universal-studios", action="store_true", help="环球影城项目 (rows 61–64)")
    relax.add_argument("--version")
    relax.add_argument("--json", action="store_true")
    relax.set_defaults(run=cmd_catalog_relaxations)
