"""The trainable relation classifier (``mbre_relations``) with entity markers
and candidate label markers, and its entity typing mode.

Kept light on purpose: the architecture in :mod:`.model` (torch,
transformers) is imported only when a config refers to it.
"""
