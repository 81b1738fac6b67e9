"""TKRE's knowledge-guided pre-training: LLM explanations of gold relations
(:mod:`.explain`), masked span language modelling (:mod:`.masking`) and
span-level contrastive learning (:mod:`.contrastive`), run by
:mod:`.trainer` before training ``mbre_relations`` on the encoder it writes.
See docs/pretraining.md."""
