"""《北京市知识产权专业职称申报标准条件》 (attachment of 京人社事业发〔2021〕32号): every line, just met
and one day short. Dates are worked out by hand: N full years after D complete on the same
day N years later."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest

from domain.title_eligibility import (
    Achievement,
    Applicant,
    Direction,
    Level,
    Performance,
    assess,
    assess_all,
    years_completed_on,
)

SERVICES = Direction.SERVICES


def person(
    degrees: list[tuple[str, str]],
    *,
    work_since: str = "2000-01-01",
    work: list[tuple[str, str | None]] | None = None,
    titles: Sequence[tuple[str, str, bool, str]] = (),
    performance: list[dict[str, Any]] | None = None,
    achievements: list[dict[str, Any]] | None = None,
    exceptional: tuple[str, ...] = (),
) -> Applicant:
    return Applicant.model_validate(
        {
            "name": "张三",
            "id_number": "11010519491231002X",
            "employer": "北京示例知识产权代理有限公司",
            "degrees": [{"education": e, "graduated_on": d} for e, d in degrees],
            "titles": [
                {"grade": g, "series": s, "intellectual_property": ip, "obtained_on": d}
                for g, s, ip, d in titles
            ],
            "ip_work": [
                {"since": s, "until": u, "employer": "某单位"} for s, u in (work or [(work_since, None)])
            ],
            "performance": performance or [],
            "achievements": achievements or [],
            "exceptional": list(exceptional),
        }
    )


def d(text: str) -> date:
    return date.fromisoformat(text)


# -- 一 assistant ---------------------------------------------------------------------------------


def test_assistant_needs_high_school_and_work_in_ip() -> None:
    ok = assess(
        person([("high-school", "2010-07-01")], work_since="2026-03-01"),
        Level.ASSISTANT,
        SERVICES,
        d("2026-09-01"),
    )
    assert ok.eligible and ok.basis == "附件一(二)"
    not_yet = assess(person([("high-school", "2026-09-02")]), Level.ASSISTANT, SERVICES, d("2026-09-01"))
    assert not not_yet.eligible and [r.line for r in not_yet.refusals] == ["附件一(二)"]


def test_every_level_requires_working_in_ip_on_the_application_date() -> None:
    left = person([("doctorate", "2010-07-01")], work=[("2010-07-01", "2026-08-31")])
    for level in Level:
        result = assess(left, level, SERVICES, d("2026-09-01"))
        assert not result.eligible
        assert "附件（总则）" in [r.line for r in result.refusals]
    assert assess(left, Level.ASSISTANT, SERVICES, d("2026-08-31")).eligible


# -- 二 intermediate ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "education", "graduated", "complete"),
    [
        ("附件二(二)2", "master", "2025-09-01", "2026-09-01"),  # 1 year
        ("附件二(二)3", "second-bachelor", "2024-09-01", "2026-09-01"),  # 2 years
        ("附件二(二)4", "bachelor", "2022-03-15", "2026-03-15"),  # 4 years
        ("附件二(二)5", "junior-college", "2020-06-30", "2026-06-30"),  # 6 years
    ],
)
def test_intermediate_years_after_graduation(
    line: str, education: str, graduated: str, complete: str
) -> None:
    applicant = person([(education, graduated)], work_since=graduated)
    just = assess(applicant, Level.INTERMEDIATE, SERVICES, d(complete))
    assert just.eligible and just.basis == line
    short = assess(applicant, Level.INTERMEDIATE, SERVICES, date.fromordinal(d(complete).toordinal() - 1))
    assert not short.eligible
    assert line in [r.line for r in short.refusals]


def test_intermediate_doctorate_needs_no_years() -> None:
    applicant = person([("doctorate", "2026-07-01")], work_since="2026-07-15")
    result = assess(applicant, Level.INTERMEDIATE, SERVICES, d("2026-07-15"))
    assert result.eligible and result.basis == "附件二(二)1"
    assert not assess(applicant, Level.INTERMEDIATE, SERVICES, d("2026-07-14")).eligible  # not yet in IP work


def test_intermediate_high_school_needs_an_economics_junior_title_and_ten_years_since() -> None:
    applicant = person(
        [("high-school", "2005-07-01")],
        work_since="2005-08-01",
        titles=[("junior", "economics", False, "2016-09-01")],
    )
    assert assess(applicant, Level.INTERMEDIATE, SERVICES, d("2026-09-01")).basis == "附件二(二)6"
    assert not assess(applicant, Level.INTERMEDIATE, SERVICES, d("2026-08-31")).eligible
    engineering = person(
        [("high-school", "2005-07-01")],
        work_since="2005-08-01",
        titles=[("junior", "engineering", False, "2016-09-01")],
    )
    refused = assess(engineering, Level.INTERMEDIATE, SERVICES, d("2030-01-01"))
    assert not refused.eligible
    assert "附件二(二)6" in [r.line for r in refused.refusals]


def test_work_before_graduation_does_not_count_and_a_gap_moves_the_day() -> None:
    early = person([("bachelor", "2022-09-01")], work_since="2020-01-01")
    assert years_completed_on(early.ip_work, d("2022-09-01"), 4) == d("2026-09-01")
    # A gap of 61 days (2023-09-01 to 2023-10-31) moves 2026-09-01 to 2026-11-01.
    gap = person([("bachelor", "2022-09-01")], work=[("2022-09-01", "2023-08-31"), ("2023-11-01", None)])
    assert assess(gap, Level.INTERMEDIATE, SERVICES, d("2026-11-01")).eligible
    assert not assess(gap, Level.INTERMEDIATE, SERVICES, d("2026-10-31")).eligible
    ended = person([("bachelor", "2022-09-01")], work=[("2022-09-01", "2024-08-31")])
    assert years_completed_on(ended.ip_work, d("2022-09-01"), 4) is None


# -- 三 senior -------------------------------------------------------------------------------------


def record(
    since: str,
    *,
    direction: str = "services",
    principal: bool = False,
    papers_rank: int = 3,
    achievements: int = 3,
) -> dict[str, Any]:
    """A performance condition and `achievements` counting achievements dated after `since`."""
    year = int(since[:4])
    kinds: list[dict[str, Any]] = [
        {"kind": "report", "title": "专利导航分析报告", "led": principal},
        {"kind": "book", "title": "知识产权实务教程"},
        {"kind": "paper", "title": "论专利运营", "author_rank": papers_rank, "core_journal": principal},
        {
            "kind": "department",
            "title": "知识产权部负责人",
            "led": principal,
            "unit_rating": "national" if principal else "provincial",
        },
    ]
    return {
        "performance": [
            {
                "direction": direction,
                "line": 1,
                "principal": principal,
                "achieved_on": f"{year + 1}-06-01",
                "summary": "长期从事专利代理",
            }
        ],
        "achievements": [
            {**k, "achieved_on": f"{year + 1}-0{i + 1}-15"} for i, k in enumerate(kinds[:achievements])
        ],
    }


@pytest.mark.parametrize(
    ("line", "degrees", "titles", "complete"),
    [
        ("附件三(一)2(1)", [("doctorate", "2024-09-01")], [], "2026-09-01"),  # 2 years
        ("附件三(一)2(2)", [("master", "2019-09-01")], [], "2026-09-01"),  # 7 years
        (
            "附件三(一)2(3)",
            [("bachelor", "2012-07-01")],
            [("intermediate", "economics", True, "2021-09-01")],
            "2026-09-01",
        ),
        (
            "附件三(一)2(4)",
            [("junior-college", "2010-07-01")],
            [("intermediate", "economics", True, "2016-09-01")],
            "2026-09-01",
        ),
        (
            "附件三(一)2(5)",
            [("high-school", "2000-07-01")],
            [("deputy-high", "engineering", False, "2023-09-01")],
            "2026-09-01",
        ),
    ],
)
def test_senior_education_and_experience(
    line: str, degrees: list[tuple[str, str]], titles: list[tuple[str, str, bool, str]], complete: str
) -> None:
    since = titles[0][3] if titles else degrees[0][1]
    applicant = person(degrees, work_since="2000-01-01", titles=titles, **record(since))
    just = assess(applicant, Level.SENIOR, SERVICES, d(complete))
    assert just.eligible, just.explain()
    assert just.basis == line
    short = assess(applicant, Level.SENIOR, SERVICES, d("2026-08-31"))
    assert not short.eligible
    assert line in [r.line for r in short.refusals]


def test_senior_line_5_needs_a_title_outside_ip() -> None:
    applicant = person(
        [("high-school", "2000-07-01")],
        titles=[("deputy-high", "economics", True, "2020-09-01")],
        **record("2020-09-01"),
    )
    result = assess(applicant, Level.SENIOR, SERVICES, d("2026-09-01"))
    assert not result.eligible
    assert "附件三(一)2(5)" in [r.line for r in result.refusals]


def test_senior_line_4_is_for_junior_college_graduates() -> None:
    # A bachelor with an intermediate title 4 years old meets neither (3) (5 years) nor (4).
    applicant = person(
        [("bachelor", "2010-07-01")],
        titles=[("intermediate", "economics", True, "2022-09-01")],
        **record("2022-09-01"),
    )
    lines = [r.line for r in assess(applicant, Level.SENIOR, SERVICES, d("2026-09-01")).refusals]
    assert "附件三(一)2(3)" in lines and "附件三(一)2(4)" in lines


def test_senior_needs_a_performance_condition_in_the_direction_since_the_intermediate_title() -> None:
    title = [("intermediate", "economics", True, "2021-09-01")]
    other_direction = person(
        [("bachelor", "2012-07-01")], titles=title, **record("2021-09-01", direction="management")
    )
    result = assess(other_direction, Level.SENIOR, SERVICES, d("2026-09-01"))
    assert [r.line for r in result.refusals] == ["附件三(二)1"]
    assert assess(other_direction, Level.SENIOR, Direction.MANAGEMENT, d("2026-09-01")).eligible
    before_title = record("2019-09-01")  # everything dated 2020, before the 2021 title
    result = assess(
        person([("bachelor", "2012-07-01")], titles=title, **before_title),
        Level.SENIOR,
        SERVICES,
        d("2026-09-01"),
    )
    assert [r.line for r in result.refusals] == ["附件三(二)1", "附件三(三)"]


@pytest.mark.parametrize(("achievements", "rank", "eligible"), [(3, 3, True), (2, 3, False), (3, 4, False)])
def test_senior_needs_three_achievements_a_paper_among_the_first_three_authors(
    achievements: int, rank: int, eligible: bool
) -> None:
    applicant = person(
        [("bachelor", "2012-07-01")],
        titles=[("intermediate", "economics", True, "2021-09-01")],
        **record("2021-09-01", achievements=achievements, papers_rank=rank),
    )
    result = assess(applicant, Level.SENIOR, SERVICES, d("2026-09-01"))
    assert result.eligible is eligible
    if not eligible:
        assert [r.line for r in result.refusals] == ["附件三(三)"]


def test_exceptional_track_waives_education_and_experience_but_not_the_record() -> None:
    young = dict(work_since="2025-07-01", **record("2025-07-01"))
    applicant = person([("bachelor", "2025-07-01")], exceptional=("patent-award",), **young)
    result = assess(applicant, Level.SENIOR, SERVICES, d("2026-09-01"))
    assert result.eligible and result.basis == "附件三(四)3"
    without = assess(person([("bachelor", "2025-07-01")], **young), Level.SENIOR, SERVICES, d("2026-09-01"))
    assert not without.eligible
    assert [r.line for r in without.refusals][-1] == "附件三(四)"
    thin = person(
        [("bachelor", "2025-07-01")],
        exceptional=("expert",),
        work_since="2025-07-01",
        **{k: v for k, v in record("2025-07-01", achievements=2).items()},
    )
    assert [r.line for r in assess(thin, Level.SENIOR, SERVICES, d("2026-09-01")).refusals] == ["附件三(三)"]
    # 四 has no exceptional track.
    assert not assess(applicant, Level.FULL_SENIOR, SERVICES, d("2026-09-01")).eligible


# -- 四 full senior ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "degrees", "title", "complete"),
    [
        (
            "附件四(一)2(1)",
            [("bachelor", "2005-07-01")],
            ("deputy-high", "economics", True, "2021-09-01"),
            "2026-09-01",
        ),
        (
            "附件四(一)2(2)",
            [("high-school", "2000-07-01")],
            ("full-high", "engineering", False, "2023-09-01"),
            "2026-09-01",
        ),
    ],
)
def test_full_senior_education_and_experience(
    line: str, degrees: list[tuple[str, str]], title: tuple[str, str, bool, str], complete: str
) -> None:
    applicant = person(degrees, titles=[title], **record(title[3], principal=True, papers_rank=1))
    just = assess(applicant, Level.FULL_SENIOR, SERVICES, d(complete))
    assert just.eligible, just.explain()
    assert just.basis == line
    short = assess(applicant, Level.FULL_SENIOR, SERVICES, d("2026-08-31"))
    assert line in [r.line for r in short.refusals]


def test_full_senior_asks_for_principal_roles_and_first_author_in_a_core_journal() -> None:
    title = [("deputy-high", "economics", True, "2021-09-01")]
    as_participant = person([("bachelor", "2005-07-01")], titles=title, **record("2021-09-01", papers_rank=1))
    result = assess(as_participant, Level.FULL_SENIOR, SERVICES, d("2026-09-01"))
    # not principal: no performance (四(二)), and only the book counts of the achievements.
    assert [r.line for r in result.refusals] == ["附件四(二)1", "附件四(三)"]
    assert "1项" in result.refusals[-1].reason
    second_author = person(
        [("bachelor", "2005-07-01")], titles=title, **record("2021-09-01", principal=True, papers_rank=2)
    )
    result = assess(second_author, Level.FULL_SENIOR, SERVICES, d("2026-09-01"))
    assert [r.line for r in result.refusals] == ["附件四(三)"]
    assert "2项" in result.refusals[-1].reason


def test_assess_all_says_which_levels_a_person_may_apply_for() -> None:
    applicant = person(
        [("bachelor", "2012-07-01")],
        titles=[("intermediate", "economics", True, "2021-09-01")],
        **record("2021-09-01"),
    )
    levels = {level: e.eligible for level, e in assess_all(applicant, SERVICES, d("2026-09-01")).items()}
    assert levels == {
        Level.ASSISTANT: True,
        Level.INTERMEDIATE: True,
        Level.SENIOR: True,
        Level.FULL_SENIOR: False,
    }


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="education"):
        person([("kindergarten", "2010-07-01")])
    with pytest.raises(ValueError, match="author_rank"):
        Achievement.model_validate({"kind": "paper", "achieved_on": "2022-01-01", "title": "x"})
    with pytest.raises(ValueError, match="until"):
        person([("bachelor", "2010-07-01")], work=[("2020-01-01", "2019-01-01")])


@pytest.mark.parametrize(
    ("line", "alternative", "admitted"),
    [
        (1, 1, False),  # 2(1) “主持制订本单位知识产权战略规划…”: 主持
        (1, 2, True),  # 2(1) “或参与制定重要知识产权政策规章、行业规划、行业标准等”
        (1, 3, True),  # 2(1) “或参与全市知识产权公共服务体系建设工作…”
        (2, 1, False),  # 2(2) “作为主要负责人…”
        (3, 1, False),  # 2(3) “作为主要负责人，对本单位知识产权资产进行评估…”
        # 2(3) “或建立本单位知识产权防控体系并有效运行”: no role named, but 三(二)2(3)'s
        # “或参与建立” drops 参与 here: built, not taken part in
        (3, 2, False),
        (3, 3, False),  # 2(3) “或多次主持完成本单位知识产权许可、转让、投融资等业务”
    ],
)
def test_fu_jian_si_er_2_admits_participation_where_the_line_names_no_principal_role(
    line: int, alternative: int, admitted: bool
) -> None:
    """附件四(二)2, line by line: a participant (not 主要负责人/主持) meets the condition only in
    the alternatives that ask for participation (the old code asked `principal` of every line)."""
    title = [("deputy-high", "economics", True, "2021-09-01")]
    base = record("2021-09-01", direction="management", principal=True, papers_rank=1)
    base["performance"] = [
        base["performance"][0] | {"line": line, "alternative": alternative, "principal": False}
    ]
    applicant = person([("bachelor", "2005-07-01")], titles=title, **base)
    result = assess(applicant, Level.FULL_SENIOR, Direction.MANAGEMENT, d("2026-09-01"))
    # 本科 2005 + 副高 2021-09-01 + 5 years of IP work since = 2026-09-01 (附件四(一)2(1)); the
    # achievements are led / first author in a core journal / national unit (附件四(三)).
    assert result.eligible is admitted
    assert [r.line for r in result.refusals] == ([] if admitted else ["附件四(二)2"])


def test_fu_jian_si_er_1_every_services_alternative_names_the_principal_role() -> None:
    """附件四(二)1(2): “作为主要负责人…；或主持办理完成多件…纠纷处理或诉讼案件”: both alternatives."""
    title = [("deputy-high", "economics", True, "2021-09-01")]
    base = record("2021-09-01", principal=True, papers_rank=1)
    base["performance"] = [base["performance"][0] | {"line": 2, "alternative": 2, "principal": False}]
    result = assess(
        person([("bachelor", "2005-07-01")], titles=title, **base),
        Level.FULL_SENIOR,
        SERVICES,
        d("2026-09-01"),
    )
    assert [r.line for r in result.refusals] == ["附件四(二)1"]
    with pytest.raises(ValueError, match="alternative"):  # 1(1) has one alternative only
        Performance.model_validate(base["performance"][0] | {"line": 1, "alternative": 2})
