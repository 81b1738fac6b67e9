"""TKRE's knowledge-guided pre-training: LLM explanations of gold relations
(:mod:`.explain`, :mod:`.filtering`, :mod:`.explanations`), masked span
language modelling (:mod:`.masking`) and span-level contrastive learning
(:mod:`.contrastive`) on entity pairs located in word pieces (:mod:`.samples`,
:mod:`.spans`), run by :mod:`.trainer` (:mod:`.settings`,
:mod:`.checkpoints`) before ``mbre_relations`` trains on the encoder it
writes. See docs/pretraining.md."""
