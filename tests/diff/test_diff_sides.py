"""Unpacking a revision never writes outside its temporary folder, with or without tarfile filters."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from app.diff.sides import _unpack


def archive(*names: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name in names:
            data = b"x: 1\n"
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_data_filter_refuses_paths_outside(tmp_path: Path) -> None:
    into = tmp_path / "side"
    into.mkdir()
    with pytest.raises(tarfile.TarError):
        _unpack(archive("goals/a.yaml", "../escaped.yaml"), into)
    assert not (tmp_path / "escaped.yaml").exists()


def test_without_filters_unsafe_members_are_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(tarfile, "data_filter")
    into = tmp_path / "side"
    into.mkdir()
    _unpack(archive("goals/a.yaml", "../escaped.yaml", "/abs.yaml"), into)
    assert (into / "goals" / "a.yaml").read_text() == "x: 1\n"
    assert not (tmp_path / "escaped.yaml").exists() and not Path("/abs.yaml").exists()
