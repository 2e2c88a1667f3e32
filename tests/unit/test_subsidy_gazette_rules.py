"""京商财务字〔2021〕33号 read closely: the project cap on the project (四(三)), the high-tech
certificate on the activity's day (一(一)3(5)), the disbursement held to the plan (五(二), 五(三)),
the routing of each step (五(一)1 against 五(三), 五(四)1), the organising unit's conditions (一(二))
and the priorities of 三. Amounts worked out by hand in the comments."""

from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from domain.beijing import District
from domain.subsidy import Claim, Enterprise, Priority, outside_plan, priorities, quote_all
from domain.subsidy_pipeline import (
    MUNICIPAL_DISTRICTS,
    Organiser,
    Route,
    Step,
    SubsidyApplication,
    organiser_unmet,
    route_of,
)
from govflow.cli.subsidies import cmd_subsidy_quote
from workers.settings import Settings

ON = date(2026, 11, 2)
SPENT = "2026-05-10"


def enterprise(**changes: Any) -> Enterprise:
    base: dict[str, Any] = {
        "uscc": "91110108MA01ABCD1E",
        "name": "北京示例进出口有限公司",
        "district": "haidian",
        "trade_usd_last_year": 10_000_000,  # an SME
    }
    return Enterprise.model_validate(base | changes)


def claim(item: str, spend: int, **facts: Any) -> Claim:
    return Claim.model_validate({"item": item, "spend": spend, "incurred_on": SPENT} | facts)


FAIR = claim("fair-booth", 800_000, booth_area_m2=108)  # 50 %: 400,000 → 12 booths 360,000 → 300,000
TRADEMARK = claim("trademark", 30_000, certificate_on="2026-06-18")  # 50 %: 15,000


def test_four_three_caps_the_project_not_each_line() -> None:
    """四(三) "每个企业项目支持金额最高不超过30万元": the booth line (300,000) and the trademark line
    (15,000) of one project add up to 315,000; the project gets 300,000."""
    quoted = quote_all(enterprise(), [FAIR, TRADEMARK], ON)
    assert [q.amount for q in quoted.quotes] == [300_000, 15_000]
    assert quoted.project_cut is not None
    cut = quoted.project_cut
    assert (cut.rule, cut.before, cut.after) == ("四(三)", Decimal(315_000), Decimal(300_000))
    assert quoted.total == 300_000


def test_four_three_excepts_financing_and_product_certification() -> None:
    """四(三) "(改善融资服务、产品认证项目除外)": those lines stand beside the capped ones."""
    product = claim("product-certification", 200_000, certificate_on="2026-06-18", fee_kind="testing")
    financing = claim("financing-interest", 100_000)
    quoted = quote_all(enterprise(), [FAIR, TRADEMARK, product, financing], ON)
    # capped lines 300,000 + 15,000 = 315,000 → 300,000; product 200,000 × 70 % = 140,000;
    # financing 100,000 × 50 % = 50,000 (SME cap 200,000): 300,000 + 140,000 + 50,000 = 490,000
    assert quoted.total == 490_000
    assert quoted.project_cut is not None and quoted.project_cut.before == 315_000


def test_four_three_then_four_four_the_annual_cap_bears_on_the_capped_project() -> None:
    """四(三) before 四(四): 800,000 received, the capped 300,000 is cut to the 200,000 left."""
    quoted = quote_all(enterprise(), [FAIR, TRADEMARK], ON, received_this_year=Decimal(800_000))
    assert quoted.annual_cut is not None and quoted.annual_cut.before == 300_000
    assert quoted.total == 200_000  # 1,000,000 − 800,000


def test_one_one_3_5_high_tech_is_judged_while_the_business_took_place() -> None:
    """一(一)3(5) "在证书有效期内开展国际市场开拓业务": a large enterprise (no other category) whose
    certificate ran out on 2026-06-30 is supported for a fair held in May, though the quote is
    made in November, and refused for one held in July."""
    high_tech = enterprise(trade_usd_last_year=100_000_000, high_tech_valid_until="2026-06-30")
    may = claim("overseas-advertising", 60_000, medium="magazine", incurred_on="2026-05-10")
    july = claim("overseas-advertising", 60_000, medium="magazine", incurred_on="2026-07-10")
    quoted = quote_all(high_tech, [may], ON)
    assert quoted.quotes[0].refused is None and quoted.total == 30_000  # 60,000 × 50 %
    refused = quote_all(high_tech, [july], ON).quotes[0].refused
    assert refused is not None and refused.startswith("一(一)3")
    # nor before the certificate was issued
    later = enterprise(
        trade_usd_last_year=100_000_000, high_tech_valid_from="2026-06-01", high_tech_valid_until="2029-05-31"
    )
    assert quote_all(later, [may], ON).quotes[0].refused is not None
    # 三(二): the priority follows the same days
    assert Priority.FTZ_OR_HIGH_TECH in priorities(high_tech, [may], ON)
    assert Priority.FTZ_OR_HIGH_TECH not in priorities(high_tech, [july], ON)


def test_five_two_and_five_three_a_claim_the_plan_did_not_list_is_refused() -> None:
    """五(二), 五(三): the disbursement is for the project listed in the annual plan; a claim of an
    item the plan did not list (or a second one of an item listed once) is refused."""
    advert = claim("overseas-advertising", 60_000, medium="magazine")
    assert outside_plan([FAIR, TRADEMARK], [FAIR, TRADEMARK, advert, TRADEMARK]) == [False, False, True, True]
    quoted = quote_all(enterprise(), [TRADEMARK, advert], ON, plan=[FAIR, TRADEMARK])
    assert quoted.quotes[1].refused == "五(二)、五(三)：该项支出未列入年度项目计划，不予拨付"
    assert quoted.total == 15_000  # the trademark only: 30,000 × 50 %


@pytest.mark.parametrize("district", sorted(set(District) - MUNICIPAL_DISTRICTS))
def test_five_three_a_comprehensive_service_enterprise_files_its_disbursement_with_its_district(
    district: District,
) -> None:
    """五(一)1 names 外贸综合服务企业 for registration with the municipal bureau; 五(三) and 五(四)1
    give the municipal bureau only the five districts and the organising units."""
    service = enterprise(district=district, trade_usd_last_year=100_000_000, comprehensive_service=True)
    assert route_of(service, False, Step.REGISTRATION) is Route.MUNICIPAL
    assert route_of(service, False, Step.DISBURSEMENT) is Route.DISTRICT


@pytest.mark.parametrize("district", sorted(MUNICIPAL_DISTRICTS))
def test_five_three_the_five_districts_and_organising_units_stay_municipal(district: District) -> None:
    """五(三), 五(四)1: 大兴区、北京经济技术开发区、延庆区、通州区、西城区 and 项目组织单位."""
    assert route_of(enterprise(district=district), False, Step.DISBURSEMENT) is Route.MUNICIPAL
    assert route_of(enterprise(district="chaoyang"), True, Step.DISBURSEMENT) is Route.MUNICIPAL
    assert len(MUNICIPAL_DISTRICTS) == 5


def test_one_two_the_organising_unit_s_conditions() -> None:
    """一(二): training for international operations, no arrears of fiscal funds; an enterprise
    organiser must serve foreign trade; a social organisation need not."""
    met: dict[str, Any] = {
        "kind": "enterprise",
        "training_for_international_operations": True,
        "no_fiscal_arrears": True,
        "serves_foreign_trade": True,
    }
    assert organiser_unmet(Organiser.model_validate(met)) is None
    assert "拖欠" in str(organiser_unmet(Organiser.model_validate(met | {"no_fiscal_arrears": False})))
    assert "国际化经营能力" in str(
        organiser_unmet(Organiser.model_validate(met | {"training_for_international_operations": False}))
    )
    assert "报关报检" in str(organiser_unmet(Organiser.model_validate(met | {"serves_foreign_trade": False})))
    society = met | {"kind": "social-organisation", "serves_foreign_trade": False}
    assert organiser_unmet(Organiser.model_validate(society)) is None
    assert organiser_unmet(None) is not None
    with pytest.raises(ValueError, match="organiser"):
        SubsidyApplication.model_validate(
            {"enterprise": enterprise().model_dump(), "project": "p", "year": 2026, "organiser": met}
        )


async def test_four_three_the_quote_command_lists_the_project_cap(capsys: pytest.CaptureFixture[str]) -> None:
    """四(三): `govflow subsidy quote` shows the project's cut on its own line (the example: the
    booths' 300,000 and the trademark's 15,000 make 315,000, cut to 300,000)."""
    quote_file = Path(__file__).resolve().parents[2] / "examples" / "subsidy" / "quote.json"
    args = argparse.Namespace(file=str(quote_file), json=False, lang="zh")
    assert await cmd_subsidy_quote(args, Settings()) == 0
    out = capsys.readouterr().out
    assert "项目支持上限 四(三): 每个企业项目支持金额最高不超过30万元  315,000.00 元 → 300,000.00 元" in out
    assert out.rstrip().endswith("支持金额合计 300,000.00 元")
