"""Pure rules and models of the gazette. Imports only the standard library, pydantic and holidays:
no I/O, no Temporal, no database, safe inside the workflow sandbox."""
