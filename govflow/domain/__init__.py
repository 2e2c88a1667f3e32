"""Pure rules and models: no I/O, no Temporal, no database; safe inside the workflow sandbox."""
