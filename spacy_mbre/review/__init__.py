"""A human review loop for mined samples: export docs to Prodigy's
``rel.manual`` tasks or doccano's relation JSONL, review them there, and
import the reviewed file back as gold docs. See docs/review.md."""
from .common import Carried, CarriedRecord, ReviewedTask, ReviewStats
from .io import ReviewFormat, export_review, import_review, read_review

__all__ = [
    "Carried",
    "CarriedRecord",
    "ReviewFormat",
    "ReviewStats",
    "ReviewedTask",
    "export_review",
    "import_review",
    "read_review",
]
