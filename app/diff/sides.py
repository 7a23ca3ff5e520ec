"""The two sides of a diff as folders on disk: a directory, the working tree, or a git revision.

This is the I/O edge of `app.diff`. A revision is materialised with `git archive` into a temporary
folder (git is always called with an argument list, never through a shell; the archive is
unpacked with tarfile's "data" filter, which refuses absolute paths, links out of the folder and
device files). Files marked `export-ignore` in `.gitattributes` are left out by git archive.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.errors import UsageError

GIT_TIMEOUT_S = 60


class SideError(UsageError):
    """BASE or HEAD names neither a folder nor a revision of the program's repository (a usage error)."""


@dataclass(frozen=True)
class Side:
    label: str
    root: Path
    prefix: str = ""
    """The program root's path inside its git repository ("" at the top), for repository-relative links."""


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "-C", str(cwd), *args], capture_output=True, timeout=GIT_TIMEOUT_S, check=False
        )
    except FileNotFoundError:
        raise SideError("git is not installed; pass two folders instead of revisions") from None
    except subprocess.TimeoutExpired:
        raise SideError(f"git {args[0]} took longer than {GIT_TIMEOUT_S} s") from None


def repository(root: Path) -> tuple[Path, str] | None:
    """The git work tree that holds `root` and `root`'s path inside it, or None outside git."""
    top = _git(root, "rev-parse", "--show-toplevel")
    prefix = _git(root, "rev-parse", "--show-prefix")
    if top.returncode != 0 or prefix.returncode != 0:
        return None
    return Path(top.stdout.decode().strip()), prefix.stdout.decode().strip().rstrip("/")


def _commit(top: Path, revision: str) -> str:
    if not revision or revision.startswith("-") or "\0" in revision:
        raise SideError(f"{revision!r} is not a folder or a git revision")
    found = _git(
        top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"
    )
    if found.returncode != 0:
        raise SideError(
            f"{revision!r} is neither a folder nor a revision of the git repository at {top}"
        )
    return found.stdout.decode().strip()


def revision_at(root: Path, moment: datetime) -> str | None:
    """The commit the program's branch (HEAD, first parents: what was merged) was at `moment`, or
    None when `root` is not in git or the branch has no commit that old."""
    repo = repository(root) if root.is_dir() else None
    if repo is None:
        return None
    found = _git(
        repo[0], "rev-list", "-1", "--first-parent", f"--before={moment.isoformat()}", "HEAD"
    )
    commit = found.stdout.decode().strip()
    return commit if found.returncode == 0 and commit else None


def _unpack(archive: bytes, into: Path) -> None:
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:") as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(into, filter="data")
            return
        # Python < 3.11.4 has no extraction filters: keep plain files and folders with safe names only.
        members = [
            m
            for m in tar.getmembers()
            if (m.isfile() or m.isdir())
            and not Path(m.name).is_absolute()
            and ".." not in Path(m.name).parts
        ]
        tar.extractall(into, members=members)


@contextmanager
def open_side(spec: str | None, root: Path) -> Iterator[Side]:
    """`spec` as a folder to load: None is the working tree at `root`, an existing folder is used
    as it is, anything else is a git revision of the repository that holds `root`."""
    repo = repository(root) if root.is_dir() else None
    if spec is None:
        yield Side(label="working tree", root=root, prefix=repo[1] if repo else "")
        return
    if Path(spec).is_dir():
        yield Side(label=spec, root=Path(spec))
        return
    if repo is None:
        raise SideError(
            f"{spec!r} is not a folder, and {root} is not inside a git repository to read a revision from"
        )
    top, prefix = repo
    commit = _commit(top, spec)
    archive = _git(top, "archive", "--format=tar", commit, *(["--", prefix] if prefix else []))
    if archive.returncode != 0:
        message = archive.stderr.decode(errors="replace").strip()
        raise SideError(f"cannot read {prefix or 'the program'} at {spec}: {message}")
    with tempfile.TemporaryDirectory(prefix="cxgov-diff-") as tmp:
        try:
            _unpack(archive.stdout, Path(tmp))
        except tarfile.TarError as exc:
            raise SideError(f"cannot unpack {spec}: {exc}") from None
        folder = Path(tmp) / prefix if prefix else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        yield Side(label=f"{spec} ({commit[:8]})", root=folder, prefix=prefix)
