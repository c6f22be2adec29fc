"""Reading a user's file as text, bounded: a size limit, UTF-8 only, one line on any failure."""

from __future__ import annotations

from pathlib import Path

from orderflow_definitions.errors import DefinitionError

#: CloudFormation takes templates of up to 1 MB from S3; a CDK app's can be larger before
#: assets are split out. Five times the service limit leaves room and still bounds memory.
TEMPLATE_BYTES = 5 * 1024 * 1024
#: Step Functions refuses a definition over 1 MiB.
ASL_BYTES = 1024 * 1024
#: Usage files, SAM configuration, seed files: a person writes them.
SMALL_FILE_BYTES = 1024 * 1024


def read_text(path: Path, what: str, limit: int) -> str:
    """The file at ``path`` as text; ``what`` says what it is for the message ("template")."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise DefinitionError(
            f"{path}: cannot read the {what} ({error.strerror or error})"
        ) from None
    if len(data) > limit:
        raise DefinitionError(
            f"{path}: the {what} is larger than {limit:,} bytes; refusing to read it"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DefinitionError(
            f"{path}: the {what} is not UTF-8 text (byte {error.start} is "
            f"{data[error.start]:#04x}); save it as UTF-8"
        ) from None
