"""M-BRe mining: relation grouping, LLM tasks and models, label decision."""
