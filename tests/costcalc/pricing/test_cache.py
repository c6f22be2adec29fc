"""The cache lives where the user (or a test) says."""

from pathlib import Path

import pytest

from costcalc.pricing.cache import cache_dir, prices_dir


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
