"""京商财务字〔2021〕33号 attachment 2, row by row, with the amounts worked out by hand in the
comments (support = spend × ratio, then the caps, which bound the support)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain.subsidy import (
    Category,
    Claim,
    Enterprise,
    PlanCandidate,
    Quote,
    plan_within_budget,
    quote,
    quote_all,
)

ON = date(2026, 11, 2)
SPENT = "2026-05-10"


def enterprise(kind: str = "sme", **changes: Any) -> Enterprise:
    base: dict[str, Any] = {
        "uscc": "91110108MA01ABCD1E",
        "name": "北京示例进出口有限公司",
        "district": "haidian",
        "trade_usd_last_year": 10_000_000,
    }
    variants: dict[str, dict[str, Any]] = {
        "sme": {},
        "large": {"trade_usd_last_year": 100_000_000},
        "dual": {"trade_usd_last_year": 100_000_000, "dual_basis": "trademark-home-and-export"},
        "sme+dual": {"dual_basis": "laozihao"},
        "service": {"trade_usd_last_year": 100_000_000, "comprehensive_service": True},
        "ftz": {"trade_usd_last_year": 100_000_000, "ftz": True},
    }
    base |= variants[kind]
    return Enterprise.model_validate(base | changes)


def amount(kind: str, item: str, spend: int | str, **facts: Any) -> Decimal:
    result = quote(
        enterprise(kind),
        Claim.model_validate({"item": item, "spend": spend, "incurred_on": SPENT} | facts),
        ON,
    )
    assert result.refused is None, result.refused
    return result.amount


def refusal(kind: str, item: str, spend: int | str, **facts: Any) -> str:
    result = quote(
        enterprise(kind),
        Claim.model_validate({"item": item, "spend": spend, "incurred_on": SPENT} | facts),
        ON,
    )
    assert result.refused is not None and result.amount == 0
    return result.refused


def test_the_issue_s_worked_example_of_booths() -> None:
    # 12 booths of 9 m²: min(800,000 × 50 % = 400,000; 12 × 30,000 = 360,000; 300,000) = 300,000
    assert amount("sme", "fair-booth", 800_000, booth_area_m2=108) == 300_000
    assert amount("sme", "fair-booth", 400_000, booth_area_m2=108) == 200_000  # 400,000 × 50 %
    # 70 % for an emerging market: 400,000 × 70 % = 280,000, under 360,000 and 300,000
    assert amount("sme", "fair-booth", 400_000, booth_area_m2=108, market="africa") == 280_000


@pytest.mark.parametrize(
    ("area", "spend", "expected"),
    [
        (36, 200_000, 100_000),  # 4 booths: cap 120,000; 200,000 × 50 % = 100,000
        (36, 300_000, 120_000),  # 150,000 → 4 × 30,000
        (40, 300_000, 120_000),  # 40 m² holds 4 standard booths (counted down)
        (5, 100_000, 30_000),  # under 9 m²: one booth
    ],
)
def test_a_raw_space_counts_the_standard_booths_it_holds(area: int, spend: int, expected: int) -> None:
    assert amount("sme", "fair-booth", spend, booth_area_m2=area) == expected


def test_large_exhibit_freight() -> None:
    assert (
        amount("sme", "fair-freight", 250_000, exhibit_volume_m3=1, exhibit_weight_t=1) == 100_000
    )  # 125,000 → 100,000
    assert "1立方米且重量1吨" in refusal(
        "sme", "fair-freight", 50_000, exhibit_volume_m3="0.9", exhibit_weight_t=2
    )


def test_management_system_certification() -> None:
    facts = {"certificate_on": "2026-06-01", "fee_kind": "initial"}
    assert amount("sme", "management-certification", 120_000, **facts) == 50_000  # 60,000 → 50,000
    assert (
        amount("sme", "management-certification", 80_000, **facts | {"fee_kind": "recertification"}) == 40_000
    )
    assert "年度审核费" in refusal(
        "sme", "management-certification", 80_000, **facts | {"fee_kind": "annual-audit"}
    )
    assert "当年" in refusal(
        "sme", "management-certification", 80_000, **facts | {"certificate_on": "2025-12-30"}
    )


def test_product_certification_is_70_percent_up_to_a_million_beyond_the_project_cap() -> None:
    facts = {"certificate_on": "2026-03-01", "fee_kind": "certification"}
    assert amount("sme", "product-certification", 1_600_000, **facts) == 1_000_000  # 1,120,000 → 1,000,000
    assert (
        amount("sme", "product-certification", 500_000, **facts | {"fee_kind": "testing"}) == 350_000
    )  # not 300,000
    assert "国内认证不支持" in refusal("sme", "product-certification", 50_000, **facts | {"domestic": True})


def test_overseas_patents() -> None:
    facts = {"certificate_on": "2026-04-01"}
    # (60,000 − 10,000 of domestic agent fees) × 50 % = 25,000
    assert amount("sme", "patent-invention", 60_000, countries=5, agent_fees=10_000, **facts) == 25_000
    # 8 countries: 80,000 × 5/8 = 50,000 × 50 % = 25,000
    assert amount("sme", "patent-utility-model", 80_000, countries=8, **facts) == 25_000
    # 150,000 × 70 % = 105,000 → 50,000
    assert amount("sme", "patent-design", 150_000, countries=3, market="southeast-asia", **facts) == 50_000


def test_trademark_once_per_product_and_country() -> None:
    assert amount("sme", "trademark", 30_000, certificate_on="2026-02-01") == 15_000
    assert "只支持一次" in refusal(
        "sme", "trademark", 30_000, certificate_on="2026-02-01", earlier_supported=True
    )


def test_promotion_material_and_video() -> None:
    assert amount("sme", "promotion-material", 40_000, copies=2000) == 15_000  # 20,000 → 15,000
    assert "2000份" in refusal("sme", "promotion-material", 40_000, copies=1999)
    assert amount("sme", "promotion-video", 30_000, minutes=5) == 15_000
    assert (
        amount("sme", "promotion-video", 30_000, minutes=5, market="central-asia") == 20_000
    )  # 21,000 → 20,000
    assert "外包装" in refusal("sme", "promotion-material", 40_000, copies=3000, packaging=True)
    assert "外国文字" in refusal("sme", "promotion-video", 40_000, minutes=8, foreign_language=False)


@pytest.mark.parametrize(
    "item",
    [
        "website",
        "online-marketing",
        "information-system",
        "survey-transport",
        "survey-allowance",
        "bid-documents",
        "bid-design",
        "bid-transport",
    ],
)
def test_smes_may_not_ask_for_it_build_market_survey_or_overseas_bidding(item: str) -> None:
    facts = {"persons": 1, "days": 5, "countries": 1, "bidding_ended_on": "2026-08-01"}
    assert "中小外贸企业不可申报" in refusal("sme", item, 40_000, **facts)
    assert amount("dual", item, 40_000, **facts) == 20_000


def test_it_build() -> None:
    assert amount("dual", "website", 120_000) == 50_000  # 60,000 → 50,000
    assert (
        amount("ftz", "information-system", 120_000, review_amount=80_000) == 40_000
    )  # the review's 80,000 × 50 %
    assert "一次性" in refusal("dual", "website", 120_000, one_off_build=False)


def test_overseas_advertising() -> None:
    assert (
        amount("sme", "overseas-advertising", 100_000, medium="newspaper", market="middle-east") == 50_000
    )  # 70,000
    assert "报刊、杂志" in refusal("sme", "overseas-advertising", 100_000, medium="television")


def test_market_survey() -> None:
    # 3 persons: 2 supported, 30,000 × 2/3 = 20,000 × 50 % = 10,000; under ¥10,000 of spend is fine here
    assert amount("dual", "survey-transport", 30_000, persons=3, days=5, countries=1) == 10_000
    assert amount("dual", "survey-transport", 3_000, persons=1, days=5, countries=1) == 1_500
    # 8 days: 6 supported, 16,000 × 6/8 = 12,000 × 50 % = 6,000
    assert amount("dual", "survey-allowance", 16_000, persons=2, days=8, countries=1) == 6_000
    assert "1个" in refusal("dual", "survey-allowance", 16_000, persons=2, days=5, countries=2)
    assert "经济舱" in refusal(
        "dual", "survey-transport", 16_000, persons=2, days=5, countries=1, economy_class=False
    )


def test_overseas_bidding() -> None:
    ended = {"bidding_ended_on": "2026-09-30"}
    assert amount("dual", "bid-documents", 80_000, **ended) == 30_000  # 40,000 → 30,000
    assert amount("dual", "bid-design", 80_000, **ended) == 40_000
    assert amount("dual", "bid-transport", 20_000, **ended) == 10_000
    assert "未中标" in refusal("dual", "bid-documents", 80_000, bid_won=True, **ended)
    assert "只能申请一次" in refusal("dual", "bid-design", 80_000, earlier_supported=True, **ended)
    assert "当年" in refusal("dual", "bid-design", 80_000, bidding_ended_on="2025-12-01")


@pytest.mark.parametrize(
    ("kind", "item", "spend", "expected"),
    [
        ("sme", "erp-docking", 150_000, 50_000),  # 75,000 → SME 50,000
        ("dual", "erp-docking", 150_000, 75_000),  # under the dual-autonomous 100,000
        ("service", "erp-docking", 500_000, 200_000),  # 250,000 → 200,000
        ("ftz", "erp-docking", 150_000, 50_000),  # in none of the three: the SME cap
        ("sme+dual", "erp-docking", 300_000, 100_000),  # 150,000 → the higher of its caps, 100,000
        ("sme", "credit-reports", 200_000, 100_000),  # 140,000 → 100,000
        ("dual", "credit-reports", 200_000, 140_000),  # 140,000 under 150,000
        ("service", "credit-reports", 600_000, 300_000),  # 420,000 → 300,000 (the project cap too)
        ("service", "financing-interest", 12_000_000, 5_000_000),  # 6,000,000 → 5,000,000, no project cap
        ("dual", "financing-interest", 3_000_000, 1_000_000),
        ("sme", "financing-interest", 1_000_000, 200_000),
        ("sme", "financing-interest", 5_000, 2_500),  # no ¥10,000 minimum
    ],
)
def test_the_caps_that_depend_on_the_category(kind: str, item: str, spend: int, expected: int) -> None:
    assert amount(kind, item, spend) == expected


def test_credit_reports_by_the_review_result() -> None:
    assert amount("sme", "credit-reports", 200_000, review_amount=100_000) == 70_000


def test_training_is_a_group_project_with_its_own_limits() -> None:
    unit = enterprise("large")

    def training(**facts: Any) -> Quote:
        return quote(
            unit, Claim.model_validate({"item": "training", "incurred_on": SPENT} | facts), ON, group=True
        )

    # per head 200 × 300 = 60,000; materials allowed (80,000 − 10,000) × 10 % = 7,000, so 3,000 out:
    # 57,000 × 50 % = 28,500, under the 50,000 of ≥ 100 firms
    assert training(spend=80_000, firms=120, participants=300, materials_cost=10_000).amount == Decimal(
        "28500"
    )
    assert training(spend=40_000, firms=60, participants=150).amount == 15_000  # 200 × 150 = 30,000 × 50 %
    assert (
        training(spend=100_000, firms=60, participants=400).amount == 22_000
    )  # 40,000 → 22,000 (50–99 firms)
    assert training(spend=100_000, firms=100, participants=400).amount == 40_000  # 100 firms: cap 50,000
    assert "不少于50家" in str(training(spend=100_000, firms=49, participants=400).refused)
    assert "免费培训" in str(
        training(spend=100_000, firms=60, participants=400, free_in_beijing=False).refused
    )
    assert "团体项目" in refusal("sme", "training", 100_000, firms=60, participants=400)
    group_fair = quote(
        unit,
        Claim.model_validate(
            {"item": "fair-booth", "spend": 100_000, "incurred_on": SPENT, "booth_area_m2": 9}
        ),
        ON,
        group=True,
    )
    assert "团体项目只支持企业培训" in str(group_fair.refused)


def test_santong_label_fee() -> None:
    santong = Claim.model_validate({"item": "santong-label", "spend": 800_000, "incurred_on": SPENT})
    result = quote_all(enterprise("sme"), [santong], ON)
    # 800,000 × 70 % = 560,000 → 500,000 (十五) on the line; → 300,000 on the project (四(三)
    # excepts only financing and product certification)
    assert result.quotes[0].amount == 500_000
    assert [c.rule for c in result.quotes[0].cuts] == ["四(二)", "附件2 十五"]
    assert result.project_cut is not None and result.project_cut.rule == "四(三)"
    assert result.total == 300_000
    assert amount("sme", "santong-label", 200_000, years_supported_before=2) == 140_000
    assert "连续支持不超过3年" in refusal("sme", "santong-label", 200_000, years_supported_before=3)


def test_online_fairs() -> None:
    assert amount("sme", "online-fair-booth", 100_000, booths=3) == 60_000  # 70,000 → 3 × 20,000
    assert amount("sme", "online-fair-booth", 5_000, booths=1) == 3_500  # no ¥10,000 minimum
    assert "10个项目" in refusal("sme", "online-fair-booth", 5_000, booths=1, projects_this_year=10)
    assert amount("sme", "online-fair-booth", 5_000, booths=1, projects_this_year=9) == 3_500
    assert amount("sme", "online-fair-other", 120_000) == 50_000  # 60,000 → 50,000
    assert "5个项目" in refusal("sme", "online-fair-other", 20_000, projects_this_year=5)


def test_the_ten_thousand_yuan_minimum_and_the_2021_cut_over() -> None:
    assert amount("sme", "trademark", 10_000, certificate_on="2026-02-01") == 5_000  # 含1万元
    assert "低于1万元" in refusal("sme", "trademark", "9999.99", certificate_on="2026-02-01")
    assert "京商务财务字[2018]24号" in refusal(
        "sme", "trademark", 30_000, certificate_on="2026-02-01", incurred_on="2020-12-31"
    )
    assert amount("sme", "trademark", 30_000, certificate_on="2026-02-01", incurred_on="2021-01-01") == 15_000


def test_the_annual_cap_and_who_is_exempt() -> None:
    fair = Claim.model_validate(
        {"item": "fair-booth", "spend": 800_000, "incurred_on": SPENT, "booth_area_m2": 108}
    )
    sme = quote_all(enterprise("sme"), [fair], ON, received_this_year=Decimal(900_000))
    assert (sme.total, sme.annual_cut.rule if sme.annual_cut else None) == (
        Decimal(100_000),
        "四(四)",
    )  # 1,000,000 − 900,000
    assert quote_all(enterprise("sme"), [fair], ON, received_this_year=Decimal(1_000_000)).total == 0
    # a fourth project of 300,000 after three paid (900,000): 1,200,000 → 1,000,000, so 100,000
    assert quote_all(enterprise("sme"), [fair], ON, received_this_year=Decimal(900_000)).total == 100_000
    for exempt in ("dual", "service"):
        assert quote_all(enterprise(exempt), [fair], ON, received_this_year=Decimal(900_000)).total == 300_000


def test_categories() -> None:
    assert Category.SME in enterprise("sme", trade_usd_last_year=64_999_999).categories(ON)
    assert enterprise("sme", trade_usd_last_year=65_000_000).categories(ON) == frozenset()
    assert Category.DUAL_AUTONOMOUS in enterprise(
        "large", dual_basis="patent-home-and-export", dual_holder="wholly-owning-domestic-parent"
    ).categories(ON)
    assert (
        enterprise("large", dual_basis="patent-home-and-export", dual_holder="other").categories(ON)
        == frozenset()
    )
    assert Category.HIGH_TECH in enterprise("large", high_tech_valid_until="2026-11-02").categories(ON)
    assert enterprise("large", high_tech_valid_until="2026-11-01").categories(ON) == frozenset()
    assert "一(一)3" in refusal("large", "trademark", 30_000, certificate_on="2026-02-01")


def test_a_claim_without_the_facts_its_row_asks_for_is_malformed() -> None:
    with pytest.raises(ValueError, match="a fair-booth claim states booth_area_m2"):
        Claim.model_validate({"item": "fair-booth", "spend": 1, "incurred_on": SPENT})
    with pytest.raises(ValueError, match="item"):
        Claim.model_validate({"item": "lunch", "spend": 1, "incurred_on": SPENT})


def test_plan_selection_follows_the_priorities_of_section_three_within_the_budget() -> None:
    def candidate(
        case_no: str, kind: str, item: str, market: str, support: int, **changes: Any
    ) -> PlanCandidate:
        facts = {"booth_area_m2": 9} if item == "fair-booth" else {"medium": "magazine"}
        claim = Claim.model_validate(
            {"item": item, "spend": 100_000, "incurred_on": SPENT, "market": market} | facts
        )
        return PlanCandidate(
            case_no=case_no, enterprise=enterprise(kind, **changes), claims=(claim,), support=Decimal(support)
        )

    candidates = [
        candidate("SUBS-2026-000001", "sme", "overseas-advertising", "other", 40_000),  # no priority
        candidate("SUBS-2026-000002", "sme", "overseas-advertising", "africa", 40_000),  # 三(四)
        candidate("SUBS-2026-000003", "sme", "fair-booth", "other", 30_000),  # 三(三)
        candidate("SUBS-2026-000004", "ftz", "overseas-advertising", "other", 50_000),  # 三(二)
        candidate("SUBS-2026-000005", "dual", "overseas-advertising", "other", 50_000),  # 三(一)
    ]
    choices = plan_within_budget(candidates, Decimal(160_000), ON)
    assert [(c.case_no[-1], c.selected) for c in choices] == [
        ("5", True),
        ("4", True),
        ("3", True),  # 50,000 + 50,000 + 30,000 = 130,000
        ("2", False),  # 30,000 left, 40,000 asked
        ("1", False),
    ]
    assert choices[0].priorities == ("三(一)",) and choices[3].reason == "预算余额30000元不足以支持40000元"
    # A smaller project further down still fits what is left.
    choices = plan_within_budget(
        [*candidates, candidate("SUBS-2026-000006", "sme", "overseas-advertising", "other", 20_000)],
        Decimal(160_000),
        ON,
    )
    assert [c.case_no[-1] for c in choices if c.selected] == ["5", "4", "3", "6"]


@pytest.mark.parametrize(
    ("basis", "holder", "dual"),
    [
        ("trademark-home-and-export", "enterprise", True),
        ("patent-home-and-export", "wholly-owning-domestic-parent", True),  # 一是
        ("export-trademark-and-patent", "wholly-owned-domestic-subsidiary", True),  # 二是
        ("trademark-home-and-export", "company-set-up-by-that-subsidiary", True),  # 三是
        ("patent-home-and-export", "other", False),  # a holder the text does not treat as the enterprise
        ("laozihao", "other", True),  # ④ is the enterprise's own recognition
    ],
)
def test_dual_autonomous_by_its_bases_and_holders(basis: str, holder: str, dual: bool) -> None:
    categories = enterprise("large", dual_basis=basis, dual_holder=holder).categories(ON)
    assert (Category.DUAL_AUTONOMOUS in categories) is dual


@pytest.mark.parametrize(
    ("kind", "item", "facts", "reason"),
    [
        (
            "sme",
            "management-certification",
            {"certificate_on": "2026-06-01", "fee_kind": "initial", "qualified_provider": False},
            "中国认证认可监督管理委员会批准",
        ),
        (
            "sme",
            "product-certification",
            {"certificate_on": "2026-06-01", "fee_kind": "testing", "qualified_provider": False},
            "产品认证资格",
        ),
        ("dual", "website", {"qualified_provider": False}, "具有相应资质的法人企业"),
        ("sme", "credit-reports", {"qualified_provider": False}, "财政部批准"),
        (
            "sme",
            "patent-invention",
            {"certificate_on": "2026-06-01", "countries": 2, "via_paris_or_pct": False},
            "巴黎公约或PCT",
        ),
        ("sme", "financing-interest", {"qualified_financing": False}, "保单质押"),
        ("sme", "santong-label", {"santong_authorised": False}, "经授权使用"),
    ],
)
def test_the_rows_conditions_on_providers_routes_and_platforms(
    kind: str, item: str, facts: dict[str, Any], reason: str
) -> None:
    assert reason in refusal(kind, item, 60_000, **facts)
    assert amount(kind, item, 60_000, **{k: v for k, v in facts.items() if not isinstance(v, bool)}) > 0
