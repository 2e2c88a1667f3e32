"""Worker processes, settings, the Temporal connection, logging, the procedure registry and the
local stack: the only place that wires activities to their dependencies. Imports domain,
activities and workflows; never govflow."""
