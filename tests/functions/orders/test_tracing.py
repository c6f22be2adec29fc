import os
import subprocess
import sys
from pathlib import Path

FUNCTIONS = Path(__file__).resolve().parents[3] / "functions"


def test_the_handlers_tracer_patches_botocore_alone_when_it_runs_in_lambda() -> None:
    """X-Ray's other patchers (httplib, requests, sqlite3, ...) are not imported at INIT."""
    script = (
        "import sys\n"
        "from orders.tracing import handler_tracer\n"
        "handler_tracer()\n"
        "print(sorted(m for m in sys.modules if m.startswith('aws_xray_sdk.ext.')"
        " and m.endswith('.patch')))\n"
    )
    lambda_env = {
        **os.environ,
        "LAMBDA_TASK_ROOT": str(FUNCTIONS),
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    patched = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True,
        cwd=FUNCTIONS, env=lambda_env,
    ).stdout.strip()  # fmt: skip
    assert patched == "['aws_xray_sdk.ext.botocore.patch']"
