"""京商财务字〔2021〕34号 三: interest subsidy, grants, the per-project cap, with amounts by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain.ecommerce import (
    EcommerceProject,
    Material,
    ledger_account,
    lpr_before,
    registered_in_beijing,
    support,
    under_34,
    unmet,
)
from domain.errors import InvalidInputError


def project(**changes: Any) -> EcommerceProject:
    base: dict[str, Any] = {
        "uscc": "91110108MA01ABCD1E",
        "name": "北京示例跨境电商有限公司",
        "district": "shunyi",
        "kind": "platform",
        "project": "跨境电商独立站建设",
        "started_on": "2024-03-01",
        "deadline": "2024-11-30",
    }
    return EcommerceProject.model_validate(base | changes)


@pytest.mark.parametrize(
    ("deadline", "rate"),
    [
        ("2024-07-22", "3.45"),  # published that very day: not "before" the deadline
        ("2024-07-23", "3.35"),
        ("2024-11-30", "3.10"),
        ("2025-06-20", "3.00"),
        ("2020-04-20", "4.05"),
    ],
)
def test_the_lpr_published_last_before_the_deadline(deadline: str, rate: str) -> None:
    assert lpr_before(date.fromisoformat(deadline)) == Decimal(rate)


def test_past_the_series_the_rate_is_stated() -> None:
    with pytest.raises(InvalidInputError, match="state the one-year LPR"):
        lpr_before(date(2026, 10, 31))
    assert lpr_before(date(2026, 10, 31), Decimal("2.95")) == Decimal("2.95")
    with pytest.raises(InvalidInputError, match="no one-year LPR"):
        lpr_before(date(2019, 8, 20))


def test_interest_subsidy_rates() -> None:
    loans = [
        {"currency": "RMB", "actual_rate": "4.5", "interest_paid": "90000"},  # 90,000 × 3.10 / 4.5 = 62,000
        {"currency": "RMB", "actual_rate": "2.8", "interest_paid": "56000"},  # below the LPR: all of it
        {"currency": "USD", "actual_rate": "5", "interest_paid": "50000"},  # 50,000 × 3 / 5 = 30,000
    ]
    result = support(project(loans=loans))
    assert result.interest == 62_000 + 56_000 + 30_000
    assert [c.rule for c in result.cuts] == ["三(一)", "三(一)"]


def test_grants_need_70_percent_spent_and_give_half_the_audited_investment() -> None:
    short = support(project(investment={"planned": "10000000", "spent": "6999999.99"}))
    assert short.grant == 0 and "低于计划总投资额" in short.refusals[0]
    assert (
        support(
            project(investment={"planned": "10000000", "spent": "7000000"}),
            audited_investment=Decimal(6_000_000),
        ).grant
        == 3_000_000
    )


def test_a_new_experience_store() -> None:
    store = project(
        kind="experience-store",
        investment={
            "planned": "6000000",
            "spent": "5500000",
            "new_experience_store": True,
            "annual_rent": "2500000",
        },
    )
    # rent 2,500,000 → 2,000,000; other investment 5,500,000 − 2,500,000 = 3,000,000 × 50 % = 1,500,000
    assert support(store).grant == 3_500_000
    # the call's standard gives 1,200,000 of rent support
    assert support(store, rent_support=Decimal(1_200_000)).grant == 2_700_000


def test_five_million_per_project_across_the_ways_and_the_platform_outside_it() -> None:
    big = project(
        loans=[{"currency": "RMB", "actual_rate": "3.10", "interest_paid": "2000000"}],
        investment={"planned": "8000000", "spent": "7000000"},
    )
    result = support(big, reward=Decimal(500_000))  # 2,000,000 + 3,500,000 + 500,000 = 6,000,000
    assert result.total == 5_000_000 and result.cuts[-1].rule == "三"
    platform = project(kind="pilot-zone", pilot_zone_platform=True)
    assert support(platform, reviewed_cost=Decimal(6_000_000)).total == 6_000_000


def test_shixing_a_project_begun_before_34_is_not_refused_for_its_start() -> None:
    """施行: 25号 is repealed with no transition; the project's start does not decide the scheme
    (the old model refused started_on 2021-09-08)."""
    assert project(started_on="2021-09-08").started_on == date(2021, 9, 8)


@pytest.mark.parametrize(
    ("filed_on", "under"), [("2021-09-08", False), ("2021-09-09", True), ("2026-03-02", True)]
)
def test_shixing_the_filing_date_decides_whether_34_applies(filed_on: str, under: bool) -> None:
    """施行: “本实施方案自2021年9月9日起实施”: both sides of the day."""
    assert under_34(date.fromisoformat(filed_on)) is under


STANDING = {
    "independent_legal_person": True,
    "licences_valid": True,
    "sound_operation": True,
    "sound_finance": True,
}
ALL_REQUIRED = [m.value for m in Material if m is not Material.OTHER_PROOFS]


def test_si_wu_a_complete_application_meets_every_condition_and_other_proofs_are_optional() -> None:
    """四(一)–(四), 五(一)–(六); 五(七) “其他与项目相关的证明材料” only where there are any."""
    assert unmet(project(standing=STANDING, materials=ALL_REQUIRED)) == ()


def test_si_wu_each_unmet_condition_and_missing_material_is_named_with_its_article() -> None:
    """四(一) licences, 四(三) the central notice's conditions, 五(六) two years' statements."""
    found = unmet(
        project(
            standing=STANDING | {"licences_valid": False, "central_conditions": False},
            materials=[m for m in ALL_REQUIRED if m != "financial-statements"],
        )
    )
    assert found == (
        "不符合四(一)：工商营业执照等法律必备证照齐全有效",
        "不符合四(三)：中央年度外经贸重点工作通知明确的支持条件",
        "缺五(六)：项目单位近两年财务报表（资产负债表、损益表、现金流量表）",
    )
    assert unmet(project(materials=ALL_REQUIRED)) == (
        "四：未说明申报主体条件（独立法人资格、证照、经营与财务状况）",
    )


def test_si_yi_registered_in_beijing_is_read_from_the_code() -> None:
    """四(一) 在北京市注册: the division code (3rd–8th characters) begins 11."""
    assert registered_in_beijing("91110113MA01QRXT4E")
    assert not registered_in_beijing("91120113MA01QRXT4E")
    # the national regulator's registrations (division 100000) name no province: the district judges
    assert registered_in_beijing("911000001000044477")


def test_ledger_account_keeps_34_apart_from_33s_annual_cap() -> None:
    assert ledger_account("91110113MA01QRXT4E") == "ecommerce-subsidy:91110113MA01QRXT4E"
