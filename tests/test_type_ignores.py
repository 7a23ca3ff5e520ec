"""Every `type: ignore` left in the code names the error it silences and says why, on its line.

mypy itself (run by .ci/run, configured in pyproject.toml) reports an ignore that has no error
code or no longer silences anything; the reason is for the next reader, and only a test sees it.
"""

from __future__ import annotations

import re
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"
IGNORE = re.compile(r"#\s*type:\s*ignore")
EXPLAINED = re.compile(r"#\s*type:\s*ignore\[[a-z-]+(,\s*[a-z-]+)*\]\s+#\s*\S")


def unexplained_ignores(text: str) -> list[int]:
    return [
        number
        for number, line in enumerate(text.splitlines(), 1)
        if IGNORE.search(line) and not EXPLAINED.search(line)
    ]


def test_the_check_tells_an_explained_ignore_from_a_bare_one() -> None:
    text = "\n".join(
        [
            "x = f()  # type: ignore[arg-type]  # the stubs omit ListItem",
            "y = g()  # type: ignore[arg-type]",
            "z = h()  # type: ignore",
            "w = k()  # type: ignore  # no code",
        ]
    )
    assert unexplained_ignores(text) == [2, 3, 4]


def test_every_type_ignore_in_the_package_says_why() -> None:
    found = {
        str(path.relative_to(APP.parent)): lines
        for path in sorted(APP.rglob("*.py"))
        if (lines := unexplained_ignores(path.read_text(encoding="utf-8")))
    }
    assert found == {}
