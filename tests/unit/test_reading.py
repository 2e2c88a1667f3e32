"""How a case reads for people (govflow.cli.reading): Chinese first with the code beside, the next
step with its date, article and the days left or overdue, counted by hand here."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.beijing import District
from domain.case import CaseEvent, CaseStatus, Deadline, NextStep
from govflow.cli.reading import days_left, format_status

OPENED = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


def complaint(next_step: NextStep | None, outcome: str | None = None) -> CaseStatus:
    return CaseStatus(
        case_no="CMPL-2026-000007",
        procedure="complaint",
        stage="supplementing" if outcome is None else "closed",
        applicant_id="91110105MA01FDQ8KY",
        district=District.CHAOYANG,
        opened_at=OPENED,
        deadlines=(
            Deadline(
                name="supplement",
                article="第十条",
                due=date(2026, 12, 11),
                state="running",
                acts="投诉人",
            ),
        ),
        history=(
            CaseEvent(seq=1, at=OPENED, type="CaseOpened", actor="system:govflow"),
            CaseEvent(
                seq=2,
                at=OPENED,
                type="DecisionTaken",
                actor="receiving-officer:recv-01",
                data={"decision": "request-supplement"},
            ),
        ),
        outcome=outcome,
        next_step=next_step,
    )


WAITING = NextStep(
    waiting_for="party",
    decisions=("supplement", "not-accept"),
    roles=("receiving-officer",),
    who=("投诉人",),
    due=date(2026, 12, 11),
    article="第十条",
    clock="supplement",
    deadline_kind="clock",
)


def test_days_left_count_to_the_end_of_the_due_date() -> None:
    assert days_left(date(2026, 12, 11), date(2026, 12, 4)) == "还有 7 天"
    assert days_left(date(2026, 12, 11), date(2026, 12, 11)) == "今日届满"
    assert days_left(date(2026, 12, 11), date(2026, 12, 14)) == "已逾期 3 天"
    assert days_left(date(2026, 12, 11), date(2026, 12, 14), "en") == "3 days overdue"


def test_status_opens_with_the_stage_what_it_waits_for_who_acts_and_by_when() -> None:
    shown = format_status(complaint(WAITING), date(2026, 12, 4)).splitlines()
    assert shown[:5] == [
        "CMPL-2026-000007  外商投资企业投诉（京商函字〔2021〕1056号）complaint",
        "环节      补正 supplementing",
        "下一步    待投诉人办理；其后可作出：补正材料 supplement、不予受理 not-accept",
        "由谁办理  投诉人（投诉受理人员 receiving-officer）",
        "办理期限  2026年12月11日（补正期限 supplement，第十条），还有 7 天",
    ]
    assert "区        朝阳区 chaoyang" in shown
    assert any("作出决定 DecisionTaken：通知补正 request-supplement" in line for line in shown)


def test_english_shows_the_codes_and_an_ended_case_its_outcome() -> None:
    english = format_status(complaint(WAITING), date(2026, 12, 14), "en")
    assert "stage     supplementing" in english
    assert "due       2026-12-11 (supplement, 第十条), 3 days overdue" in english
    ended = format_status(complaint(None, outcome="not accepted (第十一条第（1）项)"), date(2026, 12, 14))
    assert "已办结：不予受理（第十一条第（1）项）" in ended
