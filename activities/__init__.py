"""Side effects: the event log, projections, read models, notices, ledgers, ballot box. Imports
domain (and temporalio's activity API, asyncpg, jinja2); never workflows, workers or govflow."""
