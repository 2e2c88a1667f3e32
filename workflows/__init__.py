"""Workflows: one module per procedure, orchestration only; `core` is what they share. Imports
domain and activities (their activity methods and models), through imports_passed_through."""
