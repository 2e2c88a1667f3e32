"""第十九条: the municipal complaints report, started by the `complaint-municipal-report`
schedule on the first day of each odd month; the report month is the day it starts."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.reports import MakeReport, ReportActivities, ReportMade
    from domain.calendar import local_date
    from domain.complaint import report_month_for

SCHEDULE_ID = "complaint-municipal-report"
WORKFLOW = "complaint-report"
# 09:00 Beijing on the 1st of January, March, May, July, September and November.
CRON = "0 9 1 1,3,5,7,9,11 *"


@workflow.defn(name=WORKFLOW)
class ComplaintReportWorkflow:
    @workflow.run
    async def run(self) -> ReportMade:
        report_month = report_month_for(local_date(workflow.now()))
        made = await workflow.execute_activity_method(
            ReportActivities.make_municipal_report,
            MakeReport(report_month=report_month),
            start_to_close_timeout=timedelta(minutes=2),
        )
        workflow.logger.info("municipal complaints report %s made, due %s", made.report_id, made.due_on)
        return made
