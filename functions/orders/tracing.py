"""The tracer every handler uses: Powertools' Tracer, patching only what the handlers call.

The handlers reach AWS through boto3 alone, so X-Ray patches botocore (a subsegment per AWS
call, as before). Left to itself, the Tracer patches every library X-Ray knows that is
installed, importing each one's patcher at INIT for calls these handlers never make.
"""

from __future__ import annotations

from aws_lambda_powertools import Tracer

#: The libraries X-Ray patches: every AWS call goes through botocore.
PATCHED = ("botocore",)


def handler_tracer() -> Tracer:
    return Tracer(patch_modules=PATCHED)
