"""The typed client SDK: start cases, submit decisions, read status, list cases."""

from govflow.client.sdk import CaseRef, CaseSummary, Govflow

__all__ = ["CaseRef", "CaseSummary", "Govflow"]
