"""Estimates of small SAM templates written by a test: the header they share and the call."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from costcalc.estimate.breakdown import Breakdown, estimate_source
from costcalc.estimate.usage_file import UsageFile

#: A SAM template's first lines, its functions at 1 GB (so GB-seconds read as seconds).
SAM_HEAD = """\
AWSTemplateFormatVersion: 2010-09-09
Transform: AWS::Serverless-2016-10-31
Globals:
  Function: {Runtime: python3.12, Handler: app.handler, MemorySize: 1024}
Resources:
"""
Usage = dict[str, dict[str, object]]
#: The units of work a month each estimate is made at.
VOLUME = Decimal(1000)


def estimate_text(tmp_path: Path, text: str, usage: Usage | None = None) -> Breakdown:
    """``text`` written as ``tmp_path``/template.yaml and estimated with ``usage``, no
    samconfig read."""
    template = tmp_path / "template.yaml"
    template.write_text(text)
    given = UsageFile(tmp_path / "u.yml", usage or {})
    return estimate_source(template, VOLUME, given, samconfig=False)
