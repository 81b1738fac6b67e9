"""LLM backends for mining: the local llama.cpp model and its assets.

Nothing here imports llama-cpp-python at import time; see
:mod:`.llamacpp` (``spacy-mbre.LlamaCpp.v1``) and :mod:`.assets`
(``python -m spacy_mbre fetch-llm``).
"""
