"""The external checkers' runs (sam, cfn-lint, checkov), each made once per distinct input.

The outermost pytest session makes a folder and names it in ``ORDERFLOW_TOOL_RUNS``
(tests/conftest.py); every process under it inherits the name: xdist's workers, and the
generated projects' own suites, which the generator's tests run and which check byte-identical
templates with the same tools. A run's key is the tool (its file), the command with its output
folder left out, the environment the tools read, and the bytes of everything the run reads:
each file named on the command line, the local files and folders a template names (``CodeUri``,
``DefinitionUri``, ...) and the tool's configuration files in the working folder (for a tool
whose configuration is not listed here, the working folder itself). These tools are functions
of those inputs, so one run stands for every run with the same key.

The first process to need a run makes it holding a lock on its key; the others wait, then get
its exit status and output (its output folder, sam build's ``--build-dir``, copied to theirs,
and named as theirs in the output). Without the variable (a test run with ``--noconftest``)
every run is made.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from samtranslator.yaml_helper import yaml_parse

FOLDER_VARIABLE = "ORDERFLOW_TOOL_RUNS"
# The configuration files these tools read from their working folder, by the tool's file name:
# their runs are shared between checkouts (the kit, its generated projects). Any other tool's
# (sam reads its own configuration there too, and more) are shared only within one checkout.
CONFIGURATION = {
    "cfn-lint": (".cfnlintrc", ".cfnlintrc.yaml", ".cfnlintrc.yml"),
    "checkov": (".checkov.yaml", ".checkov.yml"),
}
# The environment variables these tools (and the interpreters sam build picks) read.
READ_ENVIRONMENT = ("AWS_", "SAM_", "PYENV_", "CFN_", "CHECKOV_", "BC_", "LOG_LEVEL", "PATH")
# Template properties naming a local file or folder a run may read.
LOCAL_PATH_KEYS = frozenset(
    {"CodeUri", "ContentUri", "DefinitionUri", "Location", "DefinitionS3Location"}
)
SKIPPED_PARTS = frozenset({"__pycache__", ".aws-sam", ".mypy_cache", ".ruff_cache"})
OUTPUT_FLAG = "--build-dir"
# Placeholders for the output folder and working folder in a stored run's output.
OUTPUT_ABSOLUTE, OUTPUT_RELATIVE, WORKING = "\0output\0", "\0output-rel\0", "\0cwd\0"


def _named_paths(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in LOCAL_PATH_KEYS and isinstance(item, str) and "://" not in item:
                yield item
            else:
                yield from _named_paths(item)
    elif isinstance(value, list):
        for item in value:
            yield from _named_paths(item)


def template_reads(template: Path) -> list[Path]:
    """The template and the local files and folders it names."""
    if template.suffix not in (".yaml", ".yml", ".json") or not template.is_file():
        return [template]
    try:
        document = yaml_parse(template.read_text(encoding="utf-8"))
    except Exception:  # unreadable here: the run is keyed on its bytes alone, as the tool reads it
        return [template]
    named = [(template.parent / relative).resolve() for relative in _named_paths(document)]
    return [template, *named]


def _digest(path: Path) -> str:
    if path.is_file():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    if not path.is_dir():
        return "absent"
    entries = sorted(
        (p.relative_to(path).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest())
        for p in path.rglob("*")
        if p.is_file() and not SKIPPED_PARTS & set(p.parts) and p.suffix != ".pyc"
    )
    return hashlib.sha256(json.dumps(entries).encode()).hexdigest()


def _shown(path: Path, cwd: Path) -> str:
    return os.path.relpath(path, cwd) if path.is_relative_to(cwd) else str(path)


def _key(command: Sequence[str], cwd: Path, env: Mapping[str, str], output: Path | None) -> str:
    tool = Path(command[0]).resolve()
    arguments = ["<output>" if output and a == str(output) else a for a in command[1:]]
    reads: list[Path] = [cwd / name for name in CONFIGURATION.get(tool.name, ())]
    for argument in command[1:]:
        if (cwd / argument).is_file():
            reads += template_reads(cwd / argument)
    stat = tool.stat()
    facts = {
        "tool": [str(tool), stat.st_size, stat.st_mtime_ns],
        "checkout": None if tool.name in CONFIGURATION else str(cwd),
        "arguments": arguments,
        "environment": sorted((k, v) for k, v in env.items() if k.startswith(READ_ENVIRONMENT)),
        "reads": sorted({_shown(p, cwd): _digest(p) for p in reads}.items()),
    }
    return hashlib.sha256(json.dumps(facts).encode()).hexdigest()


def _output_of(command: Sequence[str]) -> Path | None:
    if OUTPUT_FLAG in command[:-1]:
        return Path(command[command.index(OUTPUT_FLAG) + 1])
    return None


def _names(cwd: Path, output: Path | None) -> list[tuple[str, str]]:
    """(what a run prints, its placeholder), the longest first: the output folder (absolute, and
    relative when that cannot be mistaken for a word), then the working folder."""
    names = []
    if output is not None:
        names.append((str(output), OUTPUT_ABSOLUTE))
        relative = os.path.relpath(output, cwd)
        if os.sep in relative and len(relative) > 8:
            names.append((relative, OUTPUT_RELATIVE))
    return [*names, (str(cwd), WORKING)]


def _stored(text: str, cwd: Path, output: Path | None) -> str:
    for name, placeholder in _names(cwd, output):
        text = text.replace(name, placeholder)
    return text


def _replayed(text: str, cwd: Path, output: Path | None) -> str:
    for name, placeholder in _names(cwd, output):
        text = text.replace(placeholder, name)
    return text


def run_once(
    command: Sequence[str | Path], cwd: Path, env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    """``command`` run in ``cwd`` with ``env``, or the same run's result if this session made it."""
    argv = [str(c) for c in command]
    folder = os.environ.get(FOLDER_VARIABLE)
    if not folder:
        return subprocess.run(argv, capture_output=True, text=True, cwd=cwd, env=env, check=False)
    output = _output_of(argv)
    if output is not None and not output.is_absolute():
        output = cwd / output
    key = _key(argv, cwd, env, output)
    stored = Path(folder) / key
    with (Path(folder) / f"{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (stored / "run.json").is_file():
            result = subprocess.run(
                argv, capture_output=True, text=True, cwd=cwd, env=env, check=False
            )
            shutil.rmtree(stored, ignore_errors=True)  # what a process killed mid-run left
            stored.mkdir()
            if output is not None and output.is_dir():
                shutil.copytree(output, stored / "output", symlinks=True)
            run = {
                "returncode": result.returncode,
                "stdout": _stored(result.stdout, cwd, output),
                "stderr": _stored(result.stderr, cwd, output),
            }
            (stored / "run.tmp").write_text(json.dumps(run))
            (stored / "run.tmp").rename(stored / "run.json")
            return result
    if output is not None and (stored / "output").is_dir():
        shutil.copytree(stored / "output", output, symlinks=True, dirs_exist_ok=True)
    run = json.loads((stored / "run.json").read_text())
    return subprocess.CompletedProcess(
        argv,
        run["returncode"],
        _replayed(run["stdout"], cwd, output),
        _replayed(run["stderr"], cwd, output),
    )
