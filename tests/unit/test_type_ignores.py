"""Every `# type: ignore` names its error code and says why on the same line:
`# type: ignore[code]  # reason`. mypy checks the code (warn_unused_ignores, strict); this
checks the reason, in the comments of every source tree mypy reads."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TREES = ("domain", "activities", "workflows", "workers", "govflow", "tests", "bench")

IGNORE = re.compile(r"type:\s*ignore")
REASONED = re.compile(r"type: ignore\[[a-z0-9-]+(?:, *[a-z0-9-]+)*\]  # \S")


def unreasoned(source: str) -> list[int]:
    """The lines of `source` whose comments hold a `type: ignore` without a code and a reason."""
    lines = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        text = token.string
        if any(not REASONED.match(text, found.start()) for found in IGNORE.finditer(text)):
            lines.append(token.start[0])
    return lines


def sources() -> list[Path]:
    return sorted(path for tree in TREES for path in (ROOT / tree).rglob("*.py"))


def test_the_trees_are_there() -> None:
    assert all((ROOT / tree).is_dir() for tree in TREES)
    assert len(sources()) > 100


def test_every_type_ignore_names_its_code_and_its_reason() -> None:
    offending = [
        f"{path.relative_to(ROOT)}:{line}: {path.read_text(encoding='utf-8').splitlines()[line - 1].strip()}"
        for path in sources()
        for line in unreasoned(path.read_text(encoding="utf-8"))
    ]
    assert not offending, (
        "a `# type: ignore` must read `# type: ignore[code]  # why` on its line:\n" + "\n".join(offending)
    )


@pytest.mark.parametrize(
    ("line", "refused"),
    [
        ("x = f()  # type: ignore[attr-defined]  # set at run time\n", False),
        ("x = f()  # type: ignore[attr-defined, union-attr]  # set at run time\n", False),
        ("x = f()  # noqa: E501  # type: ignore[arg-type]  # a protocol the stubs lack\n", False),
        ('x = "# type: ignore"\n', False),  # a string, not a comment
        ("x = f()  # no ignore here\n", False),
        ("x = f()  # type: ignore\n", True),
        ("x = f()  # type: ignore[attr-defined]\n", True),
        ("x = f()  # type: ignore[attr-defined] # one space\n", True),
        ("x = f()  # type: ignore[attr-defined]  #\n", True),
        ("x = f()  #type:ignore[attr-defined]  # spelled otherwise\n", True),
        ("x = f()  # reason first  # type: ignore[attr-defined]\n", True),
    ],
)
def test_the_check_tells_a_reasoned_ignore_from_a_bare_one(line: str, refused: bool) -> None:
    assert unreasoned(line) == ([1] if refused else [])
