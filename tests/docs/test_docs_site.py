"""The documentation site builds with `mkdocs build --strict`: a broken link, a missing anchor or a
page left out of the navigation fails the build, and so this test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for page in (
        "index.html",
        "guides/committee/index.html",
        "reference/yaml/index.html",
        "reference/cli/index.html",
        "reference/diagnostics/index.html",
    ):
        assert (site / page).is_file(), page
    overview = (site / "index.html").read_text(encoding="utf-8")
    assert 'src="img/overview.png"' in overview
    assert (site / "img" / "overview.png").stat().st_size > 20_000


def test_every_page_is_in_the_navigation() -> None:
    import yaml

    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))

    def pages(nav: object) -> list[str]:
        if isinstance(nav, str):
            return [nav]
        if isinstance(nav, list):
            return [page for item in nav for page in pages(item)]
        if isinstance(nav, dict):
            return [page for value in nav.values() for page in pages(value)]
        return []

    listed = set(pages(config["nav"]))
    on_disk = {path.relative_to(REPO / "docs").as_posix() for path in (REPO / "docs").rglob("*.md")}
    assert on_disk == listed
