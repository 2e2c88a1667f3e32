"""Delivery channels. A channel must be idempotent by (case_no, step): delivering the
same notice again replaces, never adds. The outbox records each delivery once."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol


class NoticeChannel(Protocol):
    name: str

    async def deliver(self, case_no: str, step: str, recipient: str, title: str, body: str) -> None: ...


class FolderChannel:
    """Writes each notice to FOLDER/CASE_NO/STEP.txt (the default channel beside the outbox)."""

    name = "folder"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, case_no: str, step: str) -> Path:
        return self.folder / case_no / f"{step.replace('/', '_').replace(':', '_')}.txt"

    async def deliver(self, case_no: str, step: str, recipient: str, title: str, body: str) -> None:
        """Readable by the owner only: a notice names people, and one carries a verification code."""
        path = self.path_for(case_no, step)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(f"致：{recipient}\n\n{title}\n\n{body}")
        partial.replace(path)
