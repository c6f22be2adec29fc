"""The docs' transcripts, from real runs: `make docs-transcripts` rewrites them, a test re-checks.

The pages are docs/*.md and README.md.

A transcript is a fenced block right after an HTML comment that lists its commands:

    <!-- transcript
    $ costcalc price lambda --requests 3e6 --duration-ms 120 --memory-mb 1536
    -->
    ```console
    (rewritten: each `$ command` line, then what it printed)
    ```

Other lines the comment may hold: `setup: COMMAND` (run first, not shown, e.g. to write a file
the commands read), `vary: REGEX` (what else differs between two runs of these commands, e.g.
a measured duration: each match, or each group of it when the pattern has groups, is shown
as `<varies>`) and `slow` (the drift test runs it only
with the slow tests). The commands of
one transcript run in one bash script, so `$ echo $?` shows the previous command's status, in a
scratch folder that links every top-level entry of the repository (the docs' relative paths
resolve and whatever a command writes is thrown away), with the repository's `.venv/bin` first
on PATH. stdout and stderr share one pipe, as a terminal shows them. The parts of the output
that differ between runs are normalised (`NORMALISED`), so a transcript changes only when what
the command prints does.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
MARKER = re.compile(r"^<!-- transcript\n(?P<spec>.*?)^-->\n```[a-z]*\n", re.MULTILINE | re.DOTALL)
FENCE_END = re.compile(r"^```$", re.MULTILINE)
# Never linked into the scratch folder: what git ignores there, and the repository's history.
NOT_LINKED = frozenset({".git", "build", ".mypy_cache", ".ruff_cache", ".hypothesis"})
SETUP_FAILED = 90  # the exit status of the script when a setup command failed


class TranscriptError(Exception):
    """A marker the tool cannot use (the message names the page and what is wrong)."""


@dataclass(frozen=True)
class Transcript:
    page: Path
    commands: tuple[str, ...]
    setup: tuple[str, ...]
    varies: tuple[re.Pattern[str], ...]
    slow: bool
    start: int  # the offset of the block's first line in the page
    end: int  # the offset of its closing fence
    shown: str  # the block as the page has it

    @property
    def name(self) -> str:
        return f"{_label(self.page)}: {self.commands[0]}"


def _label(page: Path) -> str:
    return str(page.relative_to(ROOT)) if page.is_relative_to(ROOT) else str(page)


def find(page: Path) -> list[Transcript]:
    """Every transcript of `page`, in order."""
    text = page.read_text(encoding="utf-8")
    found = []
    for marker in MARKER.finditer(text):
        commands, setup, varies, slow = _spec(page, marker.group("spec"))
        close = FENCE_END.search(text, marker.end())
        if close is None:
            raise TranscriptError(f"{_label(page)}: a transcript block is never closed")
        found.append(
            Transcript(
                page=page,
                commands=commands,
                setup=setup,
                varies=varies,
                slow=slow,
                start=marker.end(),
                end=close.start(),
                shown=text[marker.end() : close.start()],
            )
        )
    return found


def _spec(
    page: Path, spec: str
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[re.Pattern[str], ...], bool]:
    commands, setup, varies, slow = [], [], [], False
    for line in spec.splitlines():
        if line.startswith("$ "):
            commands.append(line[2:])
        elif line.startswith("setup: "):
            setup.append(line.removeprefix("setup: "))
        elif line.startswith("vary: "):
            try:
                varies.append(re.compile(line.removeprefix("vary: "), re.MULTILINE))
            except re.error as error:
                raise TranscriptError(
                    f"{_label(page)}: {line!r}: not a regular expression ({error})"
                ) from None
        elif line.strip() == "slow":
            slow = True
        elif line.strip():
            raise TranscriptError(
                f"{_label(page)}: transcript line {line!r} is not `$ COMMAND`, "
                "`setup: COMMAND`, `vary: REGEX` or `slow`"
            )
    if not commands:
        raise TranscriptError(f"{_label(page)}: a transcript names no `$ COMMAND`")
    return tuple(commands), tuple(setup), tuple(varies), slow


def _script(transcript: Transcript) -> str:
    """The bash script that runs the transcript and prints it as the block shows it: each
    command after its `$ ` line, with the previous command's status restored before it."""
    setup = (
        f"{{ {command}\n}} >/dev/null 2>&1 || exit {SETUP_FAILED}" for command in transcript.setup
    )
    lines = ["set +e", *setup, "status=0"]
    for command in transcript.commands:
        lines += [
            f"printf '%s\\n' {_quoted('$ ' + command)}",
            f"(exit $status); {command}",
            "status=$?",
        ]
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _scratch(into: Path) -> None:
    for entry in ROOT.iterdir():
        if entry.name not in NOT_LINKED:
            (into / entry.name).symlink_to(entry)


def run(transcript: Transcript) -> str:
    """The block's new content: the commands run for real, their output normalised."""
    with tempfile.TemporaryDirectory(prefix="transcript-") as scratch:
        _scratch(Path(scratch))
        env = {
            # No transcript reaches AWS: no credentials, no profile, whatever the caller has.
            **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
            "AWS_CONFIG_FILE": str(Path(scratch) / ".no-aws" / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(Path(scratch) / ".no-aws" / "credentials"),
            "PATH": f"{ROOT / '.venv/bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "COLUMNS": "100",
            "TZ": "UTC",
            "MPLBACKEND": "Agg",
            "AWS_DEFAULT_REGION": "us-east-1",
            "PYTHONHASHSEED": "0",
        }
        done = subprocess.run(
            ["bash", "-c", _script(transcript)],
            cwd=scratch,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
        if done.returncode == SETUP_FAILED:
            raise TranscriptError(f"{transcript.name}: a setup command failed")
        output = normalise(done.stdout, (Path(scratch).resolve(), Path(scratch), ROOT))
    for varying in transcript.varies:
        output = _varied(varying, output)
    if re.search(r"^bash: line \d+: .*: command not found$", output, re.MULTILINE):
        raise TranscriptError(f"{transcript.name}: {output.strip().splitlines()[-1]}")
    if "Traceback (most recent call last):" in output:  # the kit never shows one to a user
        last = output.strip().splitlines()[-1]
        raise TranscriptError(
            f"{transcript.name}: a command crashed ({last}); the page is left as it was"
        )
    return output.rstrip("\n") + "\n"


def _varied(pattern: re.Pattern[str], text: str) -> str:
    """`text` with each match of `pattern` (or of each of its groups, when it has any) shown
    as `<varies>`."""
    spans = [
        span
        for match in pattern.finditer(text)
        for span in (match.regs[1:] if pattern.groups else [match.span()])
        if span != (-1, -1)
    ]
    for start, end in reversed(spans):
        text = text[:start] + "<varies>" + text[end:]
    return text


def _numbered(pattern: str, label: str) -> Callable[[str], str]:
    """Each distinct match becomes `<label1>`, `<label2>`, ... in order of first appearance."""

    def apply(text: str) -> str:
        seen: dict[str, str] = {}
        return re.sub(pattern, lambda m: seen.setdefault(m[0], f"<{label}{len(seen) + 1}>"), text)

    return apply


def _replaced(pattern: str, replacement: str) -> Callable[[str], str]:
    return lambda text: re.sub(pattern, replacement, text)


def _today(text: str) -> str:
    return text.replace(datetime.now(UTC).date().isoformat(), "<today>")


#: What differs between two runs of the same command, and what it is shown as.
NORMALISED: tuple[Callable[[str], str], ...] = (
    _numbered(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", "id"),
    _replaced(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?", "<time>"),
    _today,
    _replaced(r"\b\d+ days old\b", "<N> days old"),
    _replaced(r"\b\d+ days ago\b", "<N> days ago"),
    _replaced(r'"age_days": \d+', '"age_days": <N>'),
    _replaced(r"\+\d+\.\d+s\b", "+<t>s"),
    _replaced(r"\bin \d+(?:\.\d+)?s\b(?: \(\d+:\d\d:\d\d\))?", "in <t>s"),
    _replaced(r"\b(THANKS-)[A-Z0-9]{8}\b", r"\1<code>"),
)


def normalise(output: str, roots: Sequence[Path]) -> str:
    """`output` with the folders of `roots` made relative, the home folder shown as `~`, and
    what differs between runs (`NORMALISED`) replaced."""
    for root in roots:
        output = output.replace(f"{root}/", "").replace(str(root), ".")
    output = output.replace(f"{Path.home()}/", "~/")
    for step in NORMALISED:
        output = step(output)
    return output


def pages(names: Sequence[str] = ()) -> list[Path]:
    """The pages named (default: every page of the site, and the README)."""
    if not names:
        return [*sorted(DOCS.glob("*.md")), ROOT / "README.md"]
    chosen = [Path(name) for name in names]
    for page in chosen:
        if page.suffix != ".md" or not page.is_file():
            raise TranscriptError(f"{page}: not a Markdown file (PAGE is a docs/*.md or README.md)")
    return chosen


def rewrite(page: Path, outputs: dict[int, str]) -> str:
    """The page's text with each transcript (by its start offset) replaced by its new output."""
    text = page.read_text(encoding="utf-8")
    for transcript in reversed(find(page)):
        if transcript.start in outputs:
            new = outputs[transcript.start]
            text = text[: transcript.start] + new + text[transcript.end :]
    return text


def every(names: Sequence[str] = ()) -> Iterator[Transcript]:
    """Every transcript of the pages named (default: all of them)."""
    for page in pages(names):
        yield from find(page)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.transcripts",
        description="Run every transcript marked in docs/*.md and write its output back "
        "(`<!-- transcript` ... `-->` before a fenced block; see this module's docstring).",
    )
    parser.add_argument("pages", nargs="*", help="pages to rewrite (default: every docs/*.md)")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 naming each block that differs"
    )
    options = parser.parse_args(argv)
    try:
        return _rewrite_all(options.pages, check=options.check)
    except TranscriptError as error:
        print(f"docs-transcripts: error: {error}", file=sys.stderr)
        return 2


def _rewrite_all(names: Sequence[str], *, check: bool) -> int:
    differs = 0
    for page in pages(names):
        outputs = {}
        for transcript in find(page):
            began = time.perf_counter()
            outputs[transcript.start] = output = run(transcript)
            took = time.perf_counter() - began
            print(f"{transcript.name} ({took:.1f} s)", file=sys.stderr)
            if output != transcript.shown:
                differs += 1
                if check:
                    sys.stderr.writelines(diff(transcript, output))
        if not check:
            page.write_text(rewrite(page, outputs), encoding="utf-8")
    if check and differs:
        print(f"docs-transcripts: {differs} transcript(s) differ", file=sys.stderr)
        return 1
    return 0


def diff(transcript: Transcript, output: str) -> list[str]:
    return list(
        difflib.unified_diff(
            transcript.shown.splitlines(keepends=True),
            output.splitlines(keepends=True),
            f"{transcript.name} (as the page shows it)",
            f"{transcript.name} (as it runs now)",
        )
    )


if __name__ == "__main__":
    sys.exit(main())
