"""Worker processes: the only place that wires activities to their dependencies."""
