"""Tokens kept between commands: owner-only, whatever was at their path before."""

from __future__ import annotations

from pathlib import Path

import pytest

from orderclient import store
from orderclient.signin import Tokens

TOKENS = Tokens("id", "refresh", 1.0)


def test_a_token_file_left_readable_by_others_is_made_owner_only_when_saved(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ana@pizza.shop.json"
    path.write_text("{}")
    path.chmod(0o644)
    store.save(tmp_path, "ana@pizza.shop", TOKENS)
    assert path.stat().st_mode & 0o777 == 0o600
    assert store.load(tmp_path, "ana@pizza.shop") == TOKENS


def test_tokens_are_never_written_through_a_symlink_planted_at_their_path(tmp_path: Path) -> None:
    elsewhere = tmp_path / "shared.txt"
    elsewhere.write_text("someone else's file")
    (tmp_path / "ana@pizza.shop.json").symlink_to(elsewhere)
    with pytest.raises(store.StoreError, match=r"ana@pizza\.shop\.json: cannot keep the tokens"):
        store.save(tmp_path, "ana@pizza.shop", TOKENS)
    assert elsewhere.read_text() == "someone else's file"
