"""The architecture as declared in pyproject.toml's import-linter contracts holds, and covers
every package: a new package must take its place in the layers before anything can import it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]


def _layers() -> list[str]:
    contract = next(c for c in CONFIG["contracts"] if c["type"] == "layers")
    return [name.strip() for layer in contract["layers"] for name in re.split(r"[|:]", layer)]


def test_every_package_of_app_is_in_the_layers_contract() -> None:
    top_level = {
        f"app.{path.stem if path.suffix == '.py' else path.name}"
        for path in (REPO / "app").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__")
        or (path.is_dir() and (path / "__init__.py").is_file())
    }
    assert top_level - set(_layers()) == set(), "packages outside the layers contract"
    assert set(_layers()) - top_level == set(), "the layers contract names packages that are gone"


def test_the_import_contracts_are_kept() -> None:
    script = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    result = subprocess.run(
        [script, "--no-cache"], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and " 0 broken" in result.stdout
