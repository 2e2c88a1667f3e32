"""The catalog of 京人社事业发〔2021〕33号 附件1 as data, the verification code's form, and what
holding a catalog qualification brings (正文 一、二): pure, no server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from activities.qualification import shipped_catalog
from domain.catalog import (
    CatalogRow,
    QualificationField,
    catalog_document,
    parse_gazette_catalog,
    split_issuer,
)
from domain.errors import InvalidInputError
from domain.qualification import (
    WorkPermitProposal,
    format_code,
    parse_code,
    relaxations,
)

GAZETTE = Path(os.environ.get("GOVFLOW_GAZETTE", "/work/shared/seed/beijing-gazette-2021-44.txt"))
DATA_FILE = Path(__file__).resolve().parents[2] / "domain" / "data" / "qualification-catalog-1.0.json"


def test_附件1_the_catalog_has_82_items_in_ten_fields_as_the_gazette_counts_them() -> None:
    """附件1 "(共计 82 项)": counted by hand from the table: 金融 1–11, 建筑与工程服务 12–16,
    科技服务 17–18, 互联网信息 19, 教育 20–53, 体育 54–60, 文化旅游及娱乐服务 61–64,
    商业服务 65–67, 医疗健康服务 68–81, 现代农业 82."""
    catalog = shipped_catalog()
    assert (catalog.version, len(catalog.rows)) == ("1.0", 82)
    assert catalog.counts() == {
        QualificationField.FINANCE: 11,
        QualificationField.BUILDING_AND_ENGINEERING: 5,
        QualificationField.TECHNOLOGY_SERVICES: 2,
        QualificationField.INTERNET_INFORMATION: 1,
        QualificationField.EDUCATION: 34,
        QualificationField.SPORT: 7,
        QualificationField.CULTURE_TOURISM_ENTERTAINMENT: 4,
        QualificationField.BUSINESS_SERVICES: 3,
        QualificationField.MEDICAL_AND_HEALTH: 14,
        QualificationField.MODERN_AGRICULTURE: 1,
    }
    assert [r.number for r in catalog.rows] == list(range(1, 83))


@pytest.mark.skipif(not GAZETTE.is_file(), reason="the gazette's text is not on this machine")
def test_附件1_the_data_file_is_the_gazette_s_table() -> None:
    """The committed data file is what the parser makes of the gazette's lines, to the byte."""
    parsed = parse_gazette_catalog(GAZETTE.read_text(encoding="utf-8").splitlines())
    assert catalog_document(parsed) == DATA_FILE.read_text(encoding="utf-8")


def test_附件1_the_remarks_are_parsed_into_structure() -> None:
    """备注: two years' experience (row 52: 两学年), registration before practising and whom it
    binds, filing (row 82), exemptions (rows 36, 61), blank countries (rows 10, 55, 56, 59, 60)."""
    catalog = shipped_catalog()

    def row(number: int) -> CatalogRow:
        found = catalog.row(number)
        assert found is not None
        return found

    two_years, two_school_years = row(1).experience, row(52).experience
    assert two_years and two_years.unit == "年"
    assert two_school_years and two_school_years.unit == "学年"
    accountant = row(5).registration
    assert accountant and (accountant.authority, accountant.applies_to, accountant.beijing) == (
        "中国会计师协会",
        "注册会计师",
        False,
    )
    pharmacist = row(79).registration
    assert pharmacist and (pharmacist.act, pharmacist.authority, pharmacist.beijing) == (
        "注册",
        "我市药监主管部门",
        True,
    )
    vet = row(82).registration
    assert vet and (vet.act, vet.authority) == ("备案", "我市农业农村主管部门")
    assert row(82).work_allowed == "从事动物诊疗相关工作"
    [studios] = row(61).exemptions
    assert (studios.scope, studios.waives) == ("环球影城项目", ("年龄", "工作经验"))
    assert row(36).exemptions[0].waives == ("母语",)
    assert [r.number for r in catalog.rows if r.country is None] == [10, 55, 56, 59, 60]
    # rows 1–4, 12–15, 52, 65, 67, 68–82: 4 + 4 + 1 + 2 + 15 = 26
    assert sum(1 for r in catalog.rows if r.experience) == 26


def test_附件1_issuers_are_split_into_chinese_and_english() -> None:
    assert split_issuer("美国 IEEE 计算机协会 IEEE Computer Society") == (
        "美国 IEEE 计算机协会",
        "IEEE Computer Society",
    )
    assert split_issuer("中国香港特别行政区药剂业及 毒药管理局") == (
        "中国香港特别行政区药剂业及毒药管理局",
        None,
    )
    zh, en = split_issuer(
        "国际信息科学考试协会 Examination Institute For Information Science 信息系统考试委员会 "
        "Information Systems Examination Board"
    )
    assert zh == "国际信息科学考试协会；信息系统考试委员会"
    assert en == "Examination Institute For Information Science; Information Systems Examination Board"


def test_附件2_三_the_code_is_typed_in_groups_with_a_check_character() -> None:
    """80 bits as 16 Crockford base32 characters in groups of 4 and a mod-37 check character.
    By hand: 1 → 0000-0000-0000-0001, 1 mod 37 = 1; 36 = 1×32 + 4 → …0014, 36 mod 37 = 36 → U;
    2^80 − 1 → sixteen Z (31); 2^36 ≡ 1 (mod 37, Fermat), so 2^80 = 2^(2·36 + 8) ≡ 2^8 = 256 ≡ 34
    and 2^80 − 1 ≡ 33 → the check symbol `~` (32 is `*`, 33 `~`)."""
    assert format_code(1) == "0000-0000-0000-0001-1"
    assert format_code(36) == "0000-0000-0000-0014-U"
    assert format_code((1 << 80) - 1) == "ZZZZ-ZZZZ-ZZZZ-ZZZZ-~"
    assert parse_code("0000 0000 oooo 0014 u") == "0000-0000-0000-0014-U"  # O read as 0
    with pytest.raises(InvalidInputError, match="校验位"):
        parse_code("0000-0000-0000-0014-T")
    with pytest.raises(InvalidInputError, match="格式"):
        parse_code("0000-0000-0000-0014")


def test_正文一_age_65_or_70_in_a_high_end_field_visa_up_to_5_years() -> None:
    """正文 一: "年龄可放宽至65周岁(高精尖产业领域可放宽至70周岁)…有效期5年以内的多次签证或居留许可"."""
    catalog = shipped_catalog()
    pmp = catalog.row(13)
    assert pmp is not None
    at_65 = relaxations(pmp, WorkPermitProposal(age=65, visa_years=5), "1.0")
    rules = {r.rule: r for r in at_65.relaxations}
    assert rules["age"].applies and rules["visa-or-residence"].applies
    assert rules["no-education-degree-experience-limits"].applies
    at_66 = {r.rule: r for r in relaxations(pmp, WorkPermitProposal(age=66, visa_years=6), "1.0").relaxations}
    assert not at_66["age"].applies and not at_66["visa-or-residence"].applies
    high_end = WorkPermitProposal(age=70, high_end_industry=True)
    assert {r.rule: r for r in relaxations(pmp, high_end, "1.0").relaxations}["age"].applies
    over = WorkPermitProposal(age=71, high_end_industry=True)
    assert not {r.rule: r for r in relaxations(pmp, over, "1.0").relaxations}["age"].applies
    conditions = relaxations(pmp, WorkPermitProposal(age=40, experience_years=1.5), "1.0").conditions
    met = {c.rule: c.met for c in conditions}
    assert met["relevant-experience"] is False  # needs 2 years
    # 正文 一、二 "符合条件的": permanent residence, the port visa and talent introduction are open
    # to a holder who meets their own conditions: stated, not granted
    assert (met["permanent-residence-channel"], met["port-visa"], met["talent-introduction"]) == (
        None,
        None,
        None,
    )
    assert "talent-introduction" not in {r.rule for r in at_65.relaxations}


def test_附件1_61_universal_studios_waives_age_and_experience() -> None:
    """Row 61 备注: "环球影城项目可不受年龄、工作经验限制"."""
    welder = shipped_catalog().row(61)
    assert welder is not None
    report = relaxations(welder, WorkPermitProposal(age=72, universal_studios=True), "1.0")
    age = next(r for r in report.relaxations if r.rule == "age")
    assert age.applies and age.source == "京人社事业发〔2021〕33号 附件1 第61项 备注"
    plain = relaxations(welder, WorkPermitProposal(age=72), "1.0")
    assert not next(r for r in plain.relaxations if r.rule == "age").applies
