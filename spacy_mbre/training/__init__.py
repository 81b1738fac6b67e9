"""Training: few-shot splits (:mod:`.fewshot`), self-training on mined or
synthetic pools (:mod:`.self_training`) and config callbacks (:mod:`.callbacks`)."""
