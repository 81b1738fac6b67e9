"""Synthesis of relation-extraction training sentences with an LLM from
few-shot gold examples (``python -m spacy_mbre synthesize``):

* ``unconditional`` (S2ynRE): new sentences with one marked subject and
  object and no label — an unlabelled pool for self-training;
* ``schema`` (TKRE): per relation, new samples with context, head and tail
  entities and their types, constrained to the schema.

Modules: :mod:`.prompts` (gold examples, seeded prompt draws, templates),
:mod:`.parse` (answers → candidates), :mod:`.validate` (strict checks,
dedupe, docs), :mod:`.diversity` (3-gram type-token ratio),
:mod:`.synthesizer` (the crash-safe, cached run and its report).
"""
