"""The binary verification mining task."""
from .parser import parse_binary, parse_yes_no
from .task import BinaryVerifyTask

__all__ = ["BinaryVerifyTask", "parse_binary", "parse_yes_no"]
