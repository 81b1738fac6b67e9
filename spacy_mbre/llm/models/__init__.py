"""LLM backends: the local llama.cpp model, the OpenAI-compatible client, the
option probabilities they share, and the local model's assets.

Nothing here imports llama-cpp-python at import time; see
:mod:`.llamacpp` (``spacy-mbre.LlamaCpp.v1``), :mod:`.openai_compat`
(``spacy-mbre.OpenAICompatible.v1``), :mod:`.option_probs` and :mod:`.assets`
(``python -m spacy_mbre fetch-llm``).
"""
