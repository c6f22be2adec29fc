"""The package as users get it: the sdist and the wheel built from it, each installed into a
fresh virtual environment without extras, and the wheel with every extra, and every command run
once from there. (It sits in tests/costcalc/: the generator's manifest owns every test outside
the kit's tool folders.)

Offline and quick: the fresh environment installs with ``--no-index`` from a wheelhouse packed
from this environment's own installed distributions, only those the wheel's declared
requirements reach. pip resolves them from the wheel's metadata as from an index, so a
dependency the package forgets to declare is missing there, as it would be for a user.
"""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import zipfile
from email.parser import Parser
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[2]
CHOREOGRAPHY = str(ROOT / "sam/choreography/template.yaml")
# Every other AWS_ variable is unset: no identity is found, so no AWS call is made.
NO_CREDENTIALS = {
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_DEFAULT_REGION": "us-east-1",
}
SKIPPED = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}


def _reached(requirements: list[str], extras: tuple[str, ...] = ()) -> set[str]:
    """The installed distributions ``requirements`` reach with ``extras`` asked for (markers and
    extras evaluated)."""
    seen: set[tuple[str, str]] = set()
    todo = [(Requirement(text), extra) for text in requirements for extra in ("", *extras)]
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        for wanted in {"", *requirement.extras} - {e for n, e in seen if n == name}:
            seen.add((name, wanted))
            todo += [(Requirement(text), wanted) for text in metadata.requires(name) or []]
    return {name for name, _ in seen}


def _pack(name: str, wheelhouse: Path) -> None:
    """One installed distribution as the wheel it was installed from (its files, fresh RECORD)."""
    dist = metadata.distribution(name)
    files = [f for f in dist.files or [] if ".." not in f.parts and f.suffix != ".pyc"]
    info = next(f.parent for f in files if f.name == "METADATA" and f.parent.suffix == ".dist-info")
    tags = [line.split(": ")[1].split("-") for line in (dist.read_text("WHEEL") or "").splitlines()
            if line.startswith("Tag: ")]  # fmt: skip
    tag = "-".join(".".join(dict.fromkeys(t[part] for t in tags)) for part in range(3))
    wheel = wheelhouse / f"{info.stem.rsplit('-', 1)[0]}-{dist.version}-{tag}.whl"
    record = []
    with zipfile.ZipFile(wheel, "w") as archive:
        for file in files:
            if file.parent == info and file.name in SKIPPED:
                continue
            data = Path(str(dist.locate_file(file))).read_bytes()
            archive.writestr(file.as_posix(), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            record.append(f"{file.as_posix()},sha256={digest.decode()},{len(data)}")
        record.append(f"{info.as_posix()}/RECORD,,")
        archive.writestr(f"{info.as_posix()}/RECORD", "\n".join(record) + "\n")


# The extras a user installs for every command (chart and dev only name these or the kit's tools).
EVERY_EXTRA = ("report", "pulumi", "localrun")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    """The wheel, the sdist, and the wheel's declared requirements."""
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = dist.glob("orderflow_kit-*.whl")
    (sdist,) = dist.glob("orderflow_kit-*.tar.gz")
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        requires = Parser().parsestr(archive.read(name).decode()).get_all("Requires-Dist") or []
    return wheel, sdist, requires


def _install(
    work: Path, target: str, requires: list[str], extras: tuple[str, ...] = (), *build: str
) -> Path:
    """A fresh venv's bin folder holding ``target`` and the distributions its declared
    requirements (with ``extras``) reach, and ``build`` (what building an sdist needs)."""
    wheelhouse = work / "wheelhouse"
    wheelhouse.mkdir()
    for reached in _reached(requires, extras) | set(build):
        _pack(reached, wheelhouse)
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [venv / "bin/python", "-m", "pip", "install", "--quiet", "--no-index",
         "--find-links", str(wheelhouse), target],
        check=True, capture_output=True, env={**_env(), "PIP_FIND_LINKS": ""},
    )  # fmt: skip
    return venv / "bin"


@pytest.fixture(scope="module", params=["wheel", "sdist"])
def fresh(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    built: tuple[Path, Path, list[str]],
) -> Path:
    """The wheel, then the sdist (built by pip from the wheelhouse), without extras."""
    wheel, sdist, requires = built
    work = tmp_path_factory.mktemp(request.param)
    if request.param == "wheel":
        return _install(work, str(wheel), requires)
    return _install(work, str(sdist), requires, (), "setuptools")


@pytest.fixture(scope="module")
def complete(tmp_path_factory: pytest.TempPathFactory, built: tuple[Path, Path, list[str]]) -> Path:
    """The wheel with every extra a command needs."""
    wheel, _, requires = built
    extras = ",".join(EVERY_EXTRA)
    return _install(tmp_path_factory.mktemp("extras"), f"{wheel}[{extras}]", requires, EVERY_EXTRA)


def _env() -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("AWS_")}
    return kept | NO_CREDENTIALS


def _run(bin_folder: Path, *command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    program = [str(bin_folder / command[0]), *command[1:]]
    return subprocess.run(program, capture_output=True, text=True, cwd=cwd, env=_env(), check=False)


COMMANDS = [
    ("price", "lambda", "--requests", "1e6", "--duration-ms", "100", "--memory-mb", "128"),
    ("prices", "show", "--service", "lambda"),
    ("compare", "--orders-per-month", "1000", "--format", "json"),
    ("estimate", CHOREOGRAPHY, "--orders-per-month", "1e3"),
    ("diff", CHOREOGRAPHY, CHOREOGRAPHY, "--orders-per-month", "1e3"),
    ("transitions", str(ROOT / "statemachine/orders.asl.json")),
]

HELPED = [
    (),
    *(command.split() for command in ("price lambda", "prices show", "prices refresh")),
    *((command,) for command in ("compare", "estimate", "diff", "transitions", "actual", "report")),
    ("config", "show"),
    ("completion",),
]


def test_the_wheel_and_the_sdist_without_extras_runs_every_core_command(
    fresh: Path, tmp_path: Path
) -> None:
    for command in HELPED:
        helped = _run(fresh, "costcalc", *command, "--help", cwd=tmp_path)
        assert helped.returncode == 0, (command, helped.stderr)
    for command in COMMANDS:
        result = _run(fresh, "costcalc", *command, cwd=tmp_path)
        assert result.returncode == 0, (command, result.stderr)
        assert result.stdout, command
    version = _run(fresh, "python", "-m", "costcalc", "--version", cwd=tmp_path)
    assert version.stdout.startswith("costcalc ")
    for entry in ("orderflow_localrun", "orderclient"):  # --version needs no extra
        version = _run(fresh, "python", "-m", entry, "--version", cwd=tmp_path)
        assert version.stdout.startswith(f"python -m {entry} "), version.stderr


@pytest.mark.parametrize(
    ("command", "line"),
    [
        (("prices", "refresh", "--service", "sqs"), "no AWS credentials found"),
        (("actual", "--stack", "orders", "--since", "30d"), "error: "),
    ],
)
def test_the_wheel_and_the_sdist_without_extras_refuses_an_aws_call_without_credentials_in_one_line(
    fresh: Path, tmp_path: Path, command: tuple[str, ...], line: str
) -> None:
    result = _run(fresh, "costcalc", *command, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert line in result.stderr.splitlines()[-1]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("command", "extra"),
    [
        (("costcalc", "compare", "--chart", "cost.png"), "report"),
        (("costcalc", "report", "--out", "decision.html"), "report"),
        (("python", "-m", "orderflow_localrun", "--help"), "localrun"),
    ],
)
def test_the_wheel_and_the_sdist_without_extras_names_the_extra_a_command_needs(
    fresh: Path, tmp_path: Path, command: tuple[str, ...], extra: str
) -> None:
    result = _run(fresh, *command, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.strip().endswith(f"pip install 'orderflow-kit[{extra}]'")
    assert list(tmp_path.iterdir()) == []


EXTRA_COMMANDS = [
    ("costcalc", "compare", "--orders-per-month", "1000", "--chart", "cost.svg"),
    ("costcalc", "report", "--orders-per-month", "1000", "--sweep", "1e3:1e5:3", "--out",
     "decision.md"),
    ("costcalc", "estimate", str(ROOT / "pulumi/orders-choreography"), "--format", "json"),
    ("costcalc", "config", "show"),
    ("costcalc", "completion", "bash"),
    ("python", "-m", "orderflow_localrun", "--version"),
    ("python", "-m", "orderclient", "--version"),
]  # fmt: skip


def test_the_wheel_with_every_extra_runs_every_command(complete: Path, tmp_path: Path) -> None:
    for command in COMMANDS:
        result = _run(complete, "costcalc", *command, cwd=tmp_path)
        assert result.returncode == 0, (command, result.stderr)
    for command in EXTRA_COMMANDS:
        result = _run(complete, *command, cwd=tmp_path)
        assert result.returncode == 0, (command, result.stderr)
        assert result.stdout, command
    order = _run(complete, "python", "-m", "orderflow_localrun", "order",
                 "--template", CHOREOGRAPHY, "--format", "json", "--quiet", cwd=ROOT)  # fmt: skip
    assert (order.returncode, order.stderr) == (0, ""), order.stderr
    assert '"status": "completed"' in order.stdout
