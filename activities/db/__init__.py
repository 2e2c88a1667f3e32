"""PostgreSQL: migrations, the append-only event log, its projections and the notice outbox.
Imports domain and activities.boundary."""
