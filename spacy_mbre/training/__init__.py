"""Training data preparation: few-shot splits (:mod:`.fewshot`)."""
