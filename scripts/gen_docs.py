"""Regenerate every generated documentation page: `python -m scripts.gen_docs` (from the repository
root). `--check` writes nothing and exits 1 when a committed page differs from what the code
generates now (the tests run the same comparison).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from scripts.docgen import cli_reference, metric_catalogue, yaml_reference

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"

PAGES: dict[str, Callable[[], str]] = {
    "reference/yaml.md": yaml_reference.render,
    "reference/cli.md": cli_reference.render,
    "reference/metrics.md": metric_catalogue.render,
}
"""Page (relative to docs/) → the function that generates its text."""


def generated() -> dict[Path, str]:
    """Every generated page's path and the text the code generates for it now."""
    return {DOCS / page: render().rstrip("\n") + "\n" for page, render in PAGES.items()}


def stale() -> list[Path]:
    """Generated pages whose committed text differs from what the code generates now."""
    return [
        path
        for path, content in generated().items()
        if not path.is_file() or path.read_text(encoding="utf-8") != content
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    if args.check:
        outdated = stale()
        for path in outdated:
            print(f"stale: {path.relative_to(REPO)} (run python -m scripts.gen_docs)")
        return 1 if outdated else 0
    for path, content in generated().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        before = path.read_text(encoding="utf-8") if path.is_file() else None
        if before != content:
            path.write_text(content, encoding="utf-8")
        print(f"{'unchanged' if before == content else 'wrote'}: {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
