"""PostgreSQL: migrations, the append-only event log, its projections and the notice outbox."""
