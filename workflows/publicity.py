"""A publicity window (公示) inside a case: published on a day for N calendar days, taking
objections; it is over at the start of the day after its last day, and not while an objection
still awaits the ruling of the body that published it.

Used by the title review (15 days, 京人社事业发〔2021〕32号 五(二)6) and the subsidy pipeline
(7 days, 京商财务字〔2021〕33号 五(二)2 and 五(五))."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.calendar import add_calendar_days, local_date, start_of_day
    from domain.case import Deadline
    from domain.errors import DecisionRefusedError, InvalidInputError


class Publicity:
    def __init__(self) -> None:
        self.ends_on: date | None = None
        self.objections: dict[str, bool | None] = {}  # id → upheld (None: not ruled yet)

    def publish(self, days: int) -> tuple[date, date]:
        """Publish today for `days` calendar days: (published on, last day)."""
        today = local_date(workflow.now())
        self.ends_on = add_calendar_days(today, days)
        return today, self.ends_on

    def deadline(self, article: str, acts: str | None) -> Deadline | None:
        """The window as a deadline of the case (status, NextDeadline, list): running until it is
        over and every objection ruled on."""
        if self.ends_on is None:
            return None
        over = local_date(workflow.now()) > self.ends_on and None not in self.objections.values()
        return Deadline(
            name="publicity",
            article=article,
            due=self.ends_on,
            state="met" if over else "running",
            kind="publicity",
            acts=acts,
        )

    def idle_ruling(self) -> frozenset[str]:
        """`rule-objection` while no objection awaits a ruling: not what the case waits for."""
        return frozenset() if None in self.objections.values() else frozenset({"rule-objection"})

    def lodge(self) -> str:
        objection_id = f"OBJ-{len(self.objections) + 1}"
        self.objections[objection_id] = None
        return objection_id

    def rule(self, objection_id: str, upheld: bool) -> None:
        self.objections[objection_id] = upheld

    def check_objection(self, article: str) -> None:
        """An objection comes while the window is open."""
        today = local_date(workflow.now())
        if self.ends_on is not None and today > self.ends_on:
            raise DecisionRefusedError(f"{article}: the publicity ended on {self.ends_on}")

    def check_ruling(self, objection_id: str) -> None:
        if self.objections.get(objection_id, True) is not None:
            raise InvalidInputError(f"objection_id: no objection {objection_id!r} awaits a ruling")

    async def wait(self, ended: Callable[[], bool]) -> None:
        """Until the window is over and every objection ruled on, or `ended()` (the case ended,
        e.g. an objection upheld)."""
        assert self.ends_on is not None
        remaining = start_of_day(self.ends_on + timedelta(days=1)) - workflow.now()  # 公示期满后
        if remaining > timedelta(0):
            try:
                await workflow.wait_condition(
                    ended,
                    timeout=remaining,
                    timeout_summary=f"公示期满 publicity ends {self.ends_on.isoformat()}",
                )
            except TimeoutError:
                pass  # the window is over
        await workflow.wait_condition(lambda: ended() or None not in self.objections.values())
