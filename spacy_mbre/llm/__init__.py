"""LLM-run plumbing shared by every step that asks an LLM (mining, synthesis).

- :mod:`.types`: :class:`~.types.Question` and :class:`~.types.Answer`, the
  prompt and response records passed between tasks and models.
- :mod:`.cache` and :mod:`.gateway`: the persistent answer cache and the
  gateway that routes questions through it, with per-stage accounting.
- :mod:`.journal`: the per-document journal that makes runs resumable.
- :mod:`.models`: the spacy-llm model backends (``spacy-mbre.LlamaCpp.v1``,
  ``spacy-mbre.OpenAICompatible.v1``), option probabilities and the local
  model's assets.
"""
