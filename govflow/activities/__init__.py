"""Side effects: the event log, notices, escalation and verification records in PostgreSQL."""
