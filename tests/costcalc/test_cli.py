import subprocess
import sys

from costcalc import __version__


def test_version_flag_prints_the_package_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "costcalc", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == f"costcalc {__version__}"
