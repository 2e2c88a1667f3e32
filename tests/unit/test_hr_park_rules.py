"""The rules of 京人社市场发〔2021〕35号 (domain.hr_park), worked out by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from domain.clocks import PeriodKind, Unit
from domain.hr_park import (
    PUBLICITY,
    Evaluate,
    Material,
    ParkApplication,
    ParkFigures,
    Recheck,
    assess_conditions,
    evaluation_due,
    missing_materials,
    rectification_period,
)
from tests.helpers import example

MET = {
    "planning_report_sound": True,
    "jobs_offered": 10_000,
    "service_person_times": 2_000_000,
    "contribution_yuan": 100_000_001,
    "resident_firms": 120,
    "qualifying_firms": 60,
    "management_system": True,
    "website_active": True,
    "wechat_active": True,
}


def unmet(**changes: Any) -> list[str]:
    return [f.article for f in assess_conditions(ParkFigures.model_validate(MET | changes)) if not f.met]


def test_the_five_conditions_of_article_8_at_their_thresholds() -> None:
    """第八条2 不少于1万个 / 200万人次 (at least), 第八条3 超过1亿元 (strictly over), 第八条4 50%以上 (60 of 120 counts)."""
    assert unmet() == []
    assert unmet(jobs_offered=9_999) == ["第八条2"]
    assert unmet(service_person_times=1_999_999) == ["第八条2"]
    assert unmet(contribution_yuan=100_000_000) == ["第八条3"]
    assert unmet(qualifying_firms=59) == ["第八条4"]  # 59 × 100 = 5,900 < 50 × 120 = 6,000
    assert unmet(planning_report_sound=False) == ["第八条1"]
    assert unmet(wechat_active=False) == ["第八条5"]


def test_article_9_1_names_the_materials_an_application_lacks_in_the_article_s_order() -> None:
    assert missing_materials((Material.OPERATION, Material.DEVELOPMENT_PLAN)) == (
        Material.RESIDENT_FIRMS,
        Material.MANAGEMENT_SYSTEM,
        Material.POLICY_AND_SERVICE_LISTS,
    )
    assert missing_materials(tuple(Material)) == ()


def test_article_7_an_application_without_the_district_government_s_consent_is_malformed() -> None:
    document = example("hr-park", "start")
    del document["government_consent"]
    with pytest.raises(ValidationError, match="government_consent"):
        ParkApplication.model_validate(document)


def test_article_10_evaluations_fall_every_3_years_from_the_title() -> None:
    # 2026-02-28 + 36 months = 2029-02-28; + 72 months = 2032-02-28 (a leap year keeps the 28th).
    assert evaluation_due(date(2026, 2, 28), 1) == date(2029, 2, 28)
    assert evaluation_due(date(2026, 2, 28), 2) == date(2032, 2, 28)
    # 2027-02-29 does not exist: titled 2024-02-29, due the month's last day 2027-02-28.
    assert evaluation_due(date(2024, 2, 29), 1) == date(2027, 2, 28)


def test_the_publicity_is_the_bureau_s_and_the_rectification_the_park_s() -> None:
    """第九条3: 7 days that never move; 第十二条: a party's period that moves off a holiday."""
    assert (PUBLICITY.length, PUBLICITY.unit, PUBLICITY.kind) == (7, Unit.CALENDAR_DAYS, PeriodKind.PUBLICITY)
    period = rectification_period(date(2029, 3, 1), date(2029, 4, 30))  # 30 + 30 days by hand
    assert (period.length, period.unit, period.kind) == (60, Unit.CALENDAR_DAYS, PeriodKind.PARTY)


def test_article_11_and_12_an_evaluation_covers_every_area_and_its_result_s_terms() -> None:
    payload = example("hr-park", "evaluate")["payload"]
    Evaluate.model_validate(payload)
    with pytest.raises(ValidationError, match="第十一条"):
        Evaluate.model_validate(payload | {"areas": payload["areas"][:5] + payload["areas"][:1]})
    with pytest.raises(ValidationError, match="rectify_by"):
        Evaluate.model_validate(payload | {"result": "unqualified"})
    with pytest.raises(ValidationError, match="causes"):
        Evaluate.model_validate(payload | {"result": "revoked"})
    with pytest.raises(ValidationError, match="causes"):
        Recheck.model_validate({"rectified": False, "findings": "未整改"})
