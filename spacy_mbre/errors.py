"""Errors raised for bad user input. Each message names what was wrong and
where (file and line where there is one), so the CLI can print it without a
traceback."""
from pathlib import Path
from typing import Optional, Union


class MBReError(Exception):
    """Base class of spacy-mbre's user-facing errors."""


class SchemaError(MBReError):
    """A schema file, or a label checked against a schema, is invalid."""


class DataError(MBReError):
    """An input data file is malformed.

    path (Union[str, Path]): The file.
    line (Optional[int]): The 1-based line number, if known.
    message (str): What is wrong.
    """

    def __init__(self, path: Union[str, Path], line: Optional[int], message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")


class ConfigError(MBReError):
    """Settings given to a component or command do not fit together."""
