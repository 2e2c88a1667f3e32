"""Read models of a procedure: a projection of its events, and the queries operators use.
Imports domain and activities.db."""
