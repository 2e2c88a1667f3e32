"""Where the state folder is when GOVFLOW_STATE_DIR is not set: the same wherever a command
runs from (workers.settings.find_state_dir)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workers.settings import Settings, find_state_dir, source_checkout

REPO = Path(__file__).resolve().parents[2]


def test_a_checkout_keeps_its_state_in_its_own_folder_whatever_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "elsewhere" / ".govflow").mkdir(parents=True)
    checkout = tmp_path / "govflow"
    for cwd in (checkout, checkout / "docs", tmp_path / "elsewhere", Path("/")):
        assert find_state_dir(cwd, checkout) == checkout / ".govflow"


def test_installed_without_a_checkout_the_nearest_state_folder_upward_is_found(tmp_path: Path) -> None:
    (tmp_path / "deployment" / ".govflow").mkdir(parents=True)
    deep = tmp_path / "deployment" / "a" / "b"
    deep.mkdir(parents=True)
    assert find_state_dir(deep, None) == tmp_path / "deployment" / ".govflow"


def test_installed_without_a_checkout_or_a_state_folder_above_it_is_the_working_directory(
    tmp_path: Path,
) -> None:
    assert find_state_dir(tmp_path, None) == tmp_path / ".govflow"


def test_this_checkout_is_recognised_by_its_pyproject() -> None:
    assert source_checkout() == REPO


def test_the_default_is_the_checkouts_and_an_explicit_folder_still_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("GOVFLOW_STATE_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert Settings().state_dir == REPO / ".govflow"
    monkeypatch.setenv("GOVFLOW_STATE_DIR", "relative/state")
    assert Settings().state_dir == Path("relative/state")
    assert Settings(GOVFLOW_STATE_DIR=tmp_path / "given").state_dir == tmp_path / "given"
