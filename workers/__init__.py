"""Worker processes, settings, the Temporal connection, logging, metrics, the procedure registry and the
local stack: the only place that wires activities to their dependencies. Imports domain,
activities and workflows; never govflow."""
