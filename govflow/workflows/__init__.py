"""Workflows: one module per procedure, orchestration only; `core` is what they share."""
