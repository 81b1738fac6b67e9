"""The trainable relation classifier (``mbre_relations``) with entity markers
and candidate label markers, and its entity typing mode.

Kept light on purpose: the architecture in :mod:`.model` (torch,
transformers) is imported only when a config refers to it.

* :mod:`.component`: the factory (``make_relation_classifier``) and its defaults;
* :mod:`.pipe`: the ``RelationClassifier`` pipe;
* :mod:`.inputs`: encoding pairs and running the model over them;
* :mod:`.targets`: gold and soft training targets, example weights;
* :mod:`.loss`: activation and loss on the model's device;
* :mod:`.predictions`: ``PairScores`` and predicted records;
* :mod:`.bidirectional`: PL-Marker's inverse labels, one decision per unordered pair;
* :mod:`.shim`: typed access to the model's torch shim;
* :mod:`.markers`, :mod:`.packing`, :mod:`.clm`: the input formats;
* :mod:`.model`, :mod:`.encoder`: the architecture (torch).
"""
from .component import make_relation_classifier
from .pipe import RelationClassifier
from .predictions import PairScores, UnfitPairWarning

__all__ = ["PairScores", "RelationClassifier", "UnfitPairWarning", "make_relation_classifier"]
