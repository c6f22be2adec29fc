"""Files are replaced whole or not at all, and never anything but a regular file."""

import os
import re
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from costcalc import safe_output
from costcalc.errors import UsageError
from costcalc.safe_output import check_target, write_file, write_files


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

    monkeypatch.setattr(safe_output.os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        write_files(tmp_path, {"a.yaml": "new"})
    assert [(p.name, p.read_text()) for p in tmp_path.iterdir()] == [("a.yaml", "old")]


def test_a_written_file_has_the_umask_s_mode_not_the_draft_s(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        [written] = write_files(tmp_path, {"a.txt": "a"})
    finally:
        os.umask(umask)
    assert written.stat().st_mode & 0o777 == 0o644


def test_dev_null_is_refused_naming_the_flag_and_the_kind() -> None:
    with pytest.raises(UsageError) as refused:
        check_target(Path("/dev/null"), "--out")
    assert str(refused.value) == (
        "--out /dev/null: is a character device; costcalc writes only new or regular files"
    )


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda path: path.mkdir(), "a folder"),
        (os.mkfifo, "a named pipe"),
        (lambda path: path.symlink_to(path.parent / "elsewhere.txt"), "a symbolic link"),
        (lambda path: socket.socket(socket.AF_UNIX).bind(str(path)), "a socket"),
    ],
)
def test_a_target_that_is_not_a_regular_file_is_refused_and_left_as_it_is(
    tmp_path: Path, make: Callable[[Path], object], kind: str
) -> None:
    target = tmp_path / "out.md"
    make(target)
    before = target.lstat()
    with pytest.raises(UsageError, match=re.escape(f"--out {target}: is {kind};")):
        check_target(target, "--out")
    with pytest.raises(UsageError, match=f"is {kind};"):
        write_files(tmp_path, {"out.md": "text"}, flag="--out")
    assert target.lstat().st_mode == before.st_mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]


def test_a_target_replaced_by_a_folder_while_drawing_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "chart.svg"

    def draw(temporary: Path) -> None:
        temporary.write_text("<svg/>")
        target.mkdir()

    with pytest.raises(UsageError, match="is a folder"):
        write_file(target, draw, flag="--chart")
    assert [p.name for p in tmp_path.iterdir()] == ["chart.svg"]
    assert target.is_dir()


def test_a_missing_folder_is_refused() -> None:
    missing = re.escape("--chart /no/such/folder/c.png: folder /no/such/folder does not exist")
    with pytest.raises(UsageError, match=missing):
        check_target(Path("/no/such/folder/c.png"), "--chart")
