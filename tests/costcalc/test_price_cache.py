"""The cache lives where the user (or a test) says, and files are replaced whole or not at all."""

from pathlib import Path

import pytest

from costcalc import price_cache
from costcalc.price_cache import cache_dir, prices_dir, write_files


def test_the_cache_follows_costcalc_cache_dir_then_xdg_then_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COSTCALC_CACHE_DIR", str(tmp_path / "explicit"))
    assert prices_dir() == tmp_path / "explicit" / "prices"
    monkeypatch.delenv("COSTCALC_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "costcalc"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "costcalc"


def test_files_are_replaced_whole_and_no_temporary_file_remains(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("old")
    write_files(tmp_path, {"a.yaml": "new a", "b.yaml": "new b"})
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == {
        "a.yaml": "new a",
        "b.yaml": "new b",
    }


def test_a_write_that_fails_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.yaml").write_text("old")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(price_cache.os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        write_files(tmp_path, {"a.yaml": "new"})
    assert [(p.name, p.read_text()) for p in tmp_path.iterdir()] == [("a.yaml", "old")]
