"""The two-stage loop on a TINY random BERT: output directory, resume after
a crash, and loading the encoder into ``mbre_relations`` through config."""
import json
from pathlib import Path
from typing import Any, List

import pytest
import spacy
import torch
from safetensors.torch import load_file
from spacy.tokens import Doc
from spacy.training import Example

from spacy_mbre.data.relations import remove_relations
from spacy_mbre.errors import ConfigError
from spacy_mbre.pretrain.checkpoints import CHECKPOINT_POINTER, StepRecord
from spacy_mbre.pretrain.samples import PretrainSample
from spacy_mbre.pretrain.settings import PretrainSettings
from spacy_mbre.pretrain.trainer import ENCODER_DIR, batch_indices, pretrain


class Crash(Exception):
    pass


def settings(encoder: Path, **overrides: Any) -> PretrainSettings:
    values = dict(encoder=str(encoder), stage1_steps=3, stage2_steps=3, batch_size=4, learn_rate=1e-3,
                  warmup_steps=1, max_length=32, checkpoint_every=2, device="cpu")
    values.update(overrides)
    return PretrainSettings(**values)


def encoder_weights(path: Path) -> dict:
    return load_file(str(path / "model.safetensors"))


def test_batches_cover_every_sample_once_per_epoch() -> None:
    stream = [i for step in range(6) for i in batch_indices(8, 4, step, seed=3)]
    assert sorted(stream[:8]) == list(range(8)) and sorted(stream[8:16]) == list(range(8))
    assert stream[:8] != stream[8:16]
    assert batch_indices(8, 4, 5, seed=3) == batch_indices(8, 4, 5, seed=3)
    assert batch_indices(8, 4, 0, seed=3) != batch_indices(8, 4, 0, seed=4)


def test_pretrain_writes_encoder_and_report(
    tmp_path: Path, tiny_encoder_dir: Path, samples: List[PretrainSample]
) -> None:
    records: List[StepRecord] = []
    report = pretrain(samples, tmp_path / "out", settings(tiny_encoder_dir), progress=False, on_step=records.append)
    assert [(r.step, r.stage) for r in records] == [(0, 1), (1, 1), (2, 1), (3, 2), (4, 2), (5, 2)]
    assert all(r.scl is None for r in records[:3]) and all(r.scl is not None and r.scl_rows > 0 for r in records[3:])
    assert report["stage1"]["steps"] == 3 and report["stage2"]["steps"] == 3
    assert report["labels"] == ["Cause-Effect", "Component-Whole", "Content-Container", "Entity-Destination",
                                "Message-Topic"]
    assert report["encoded"] == len(samples) and report["resumed_at_step"] is None
    encoder = tmp_path / "out" / ENCODER_DIR
    for name in ("config.json", "model.safetensors", "tokenizer.json", "vocab.txt", "mbre_pretraining.json"):
        assert (encoder / name).is_file(), name
    weights = encoder_weights(encoder)
    assert not any(k.startswith("cls.") for k in weights)  # the bare encoder, no MLM head
    before = load_file(str(tiny_encoder_dir / "model.safetensors"))
    key = "encoder.layer.0.attention.self.query.weight"
    assert not torch.equal(weights[key], before[f"bert.{key}"])


def test_resume_after_a_crash_equals_an_uninterrupted_run(
    tmp_path: Path, tiny_encoder_dir: Path, samples: List[PretrainSample]
) -> None:
    whole = tmp_path / "whole"
    pretrain(samples, whole, settings(tiny_encoder_dir), progress=False)

    def crash_at_step_4(record: StepRecord) -> None:
        if record.step == 4:
            raise Crash()

    broken = tmp_path / "broken"
    with pytest.raises(Crash):
        pretrain(samples, broken, settings(tiny_encoder_dir), progress=False, on_step=crash_at_step_4)
    assert not (broken / ENCODER_DIR).exists()
    assert (broken / CHECKPOINT_POINTER).is_file()  # the checkpoint after step 4 of 6 (index 3)
    done: List[int] = []
    report = pretrain(samples, broken, settings(tiny_encoder_dir), progress=False,
                      on_step=lambda r: done.append(r.step))
    assert done == [4, 5]
    assert report["resumed_at_step"] == 4
    assert report["stage1"]["steps"] + report["stage2"]["steps"] == 6
    a, b = encoder_weights(whole / ENCODER_DIR), encoder_weights(broken / ENCODER_DIR)
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key


def test_resume_refuses_other_settings(tmp_path: Path, tiny_encoder_dir: Path, samples: List[PretrainSample]) -> None:
    with pytest.raises(Crash):
        pretrain(samples, tmp_path, settings(tiny_encoder_dir), progress=False,
                 on_step=lambda r: (_ for _ in ()).throw(Crash()) if r.step == 2 else None)
    with pytest.raises(ConfigError, match="other settings"):
        pretrain(samples, tmp_path, settings(tiny_encoder_dir, learn_rate=1e-4), progress=False)


def test_stage_two_needs_labels(tmp_path: Path, tiny_encoder_dir: Path, samples: List[PretrainSample]) -> None:
    unlabelled = [PretrainSample(s.text, s.head, s.tail, None) for s in samples]
    with pytest.raises(ConfigError, match="labelled samples"):
        pretrain(unlabelled, tmp_path, settings(tiny_encoder_dir), progress=False)
    report = pretrain(unlabelled, tmp_path, settings(tiny_encoder_dir, stage2_steps=0), progress=False)
    assert report["stage2"]["steps"] == 0 and report["labels"] == []


def test_head_only_steps_leave_the_encoder_untouched(
    tmp_path: Path, tiny_encoder_dir: Path, samples: List[PretrainSample]
) -> None:
    report = pretrain(samples, tmp_path, settings(tiny_encoder_dir, stage1_steps=2, stage2_steps=0, head_only_steps=2),
                      progress=False)
    assert report["new_mlm_weights"] == []  # the tiny model was saved with its MLM head
    before = load_file(str(tiny_encoder_dir / "model.safetensors"))
    after = encoder_weights(tmp_path / ENCODER_DIR)
    for key, value in after.items():
        assert torch.equal(value, before[f"bert.{key}"]), key
    state = torch.load(tmp_path / "checkpoint-2" / "state.pt", weights_only=True)["model"]
    key = "cls.predictions.transform.dense.weight"
    assert not torch.equal(state[key], before[key])


def test_ctrl_c_checkpoints_the_steps_done(
    tmp_path: Path, tiny_encoder_dir: Path, samples: List[PretrainSample]
) -> None:
    def interrupt_at_step_2(record: StepRecord) -> None:
        if record.step == 2:
            raise KeyboardInterrupt()

    with pytest.raises(KeyboardInterrupt):
        pretrain(samples, tmp_path, settings(tiny_encoder_dir, checkpoint_every=100), progress=False,
                 on_step=interrupt_at_step_2)
    assert json.loads((tmp_path / CHECKPOINT_POINTER).read_text()) == {"checkpoint": "checkpoint-3", "step": 3}
    done: List[int] = []
    pretrain(samples, tmp_path, settings(tiny_encoder_dir, checkpoint_every=100), progress=False,
             on_step=lambda r: done.append(r.step))
    assert done == [3, 4, 5]
    assert [p.name for p in tmp_path.glob("checkpoint-*")] == ["checkpoint-6"]


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_pretrain_on_cuda(tmp_path: Path, tiny_encoder_dir: Path, samples: List[PretrainSample]) -> None:
    report = pretrain(samples, tmp_path, settings(tiny_encoder_dir, device="cuda"), progress=False)
    assert report["device"].startswith("cuda") and report["stage2"]["steps"] == 3
    assert (tmp_path / ENCODER_DIR / "model.safetensors").is_file()


def test_encoder_loads_into_mbre_relations_through_config(
    tmp_path: Path, tiny_encoder_dir: Path, samples: List[PretrainSample], docs: List[Doc]
) -> None:
    pretrain(samples, tmp_path, settings(tiny_encoder_dir, stage1_steps=2, stage2_steps=1), progress=False)
    encoder = tmp_path / ENCODER_DIR
    nlp = spacy.blank("en")
    nlp.add_pipe("mbre_relations", config={"schema": "semeval", "model": {"name": str(encoder)}})
    examples = []
    for doc in docs:
        predicted = doc.copy()
        remove_relations(predicted, "gold")
        examples.append(Example(predicted, doc))
    nlp.initialize(lambda: examples)
    module = nlp.get_pipe("mbre_relations").model.shims[0]._model
    saved = encoder_weights(encoder)
    loaded = module.encoder.state_dict()
    key = "encoder.layer.1.output.dense.weight"
    assert torch.equal(loaded[key].cpu(), saved[key])
    # The marker tokens were added after the pretrained vocabulary.
    embeddings = saved["embeddings.word_embeddings.weight"]
    assert torch.equal(loaded["embeddings.word_embeddings.weight"][: embeddings.shape[0]].cpu(), embeddings)
    nlp.update(examples)
