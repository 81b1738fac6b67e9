"""Names spacy-mbre stores things under, defined once: the ``doc.user_data``
keys a doc carries beside its records, and the record source of predictions.

* ``ID_KEY`` (``"mbre_id"``): the doc's id in its dataset.
* ``META_KEY`` (``"mbre_meta"``): free-form metadata of the doc.
* ``WEIGHT_KEY`` (``"mbre_weight"``): the example's training weight (default
  1.0), read by ``mbre_relations`` when it computes the loss.
* ``MINING_KEY`` (``"mbre_mining"``): the mining stages' answers per pair
  (see :mod:`spacy_mbre.mining.record`).
* ``PREDICTED`` (``"predicted"``): the ``source`` of the records that
  ``mbre_relations`` writes (and that evaluation scores).
"""

ID_KEY = "mbre_id"
META_KEY = "mbre_meta"
WEIGHT_KEY = "mbre_weight"
MINING_KEY = "mbre_mining"
PREDICTED = "predicted"
