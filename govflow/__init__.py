"""govflow: what clients use — the typed SDK (govflow.client) and the command line
(govflow.cli). Imports domain, workers (settings, connection, registry) and workflows'
search-attribute keys; never the worker's wiring of activities."""
