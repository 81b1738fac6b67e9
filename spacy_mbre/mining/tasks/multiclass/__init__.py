"""The grouped multi-class mining task."""
from .parser import parse_choice, propose
from .task import GroupedMultiClassTask

__all__ = ["GroupedMultiClassTask", "parse_choice", "propose"]
