"""Delivery channels. A channel must be idempotent by (case_no, step): delivering the
same notice again replaces, never adds. The outbox records each delivery once."""

from __future__ import annotations

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
        path = self.path_for(case_no, step)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_text(f"致：{recipient}\n\n{title}\n\n{body}", encoding="utf-8")
        partial.replace(path)
