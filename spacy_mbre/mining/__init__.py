"""M-BRe mining: relation grouping, LLM tasks, proposers and label decision
(the LLM plumbing they use lives in :mod:`spacy_mbre.llm`)."""
