"""spacy-mbre.LlamaCpp.v1: construction without the model, and real-model
behaviour (marked slow + llm; skipped if the default GGUF is not assembled)."""
from typing import List, Tuple

import numpy as np
import pytest
from spacy_llm.registry import registry

from spacy_mbre.errors import ConfigError
from spacy_mbre.llm.models import assets
from spacy_mbre.llm.models.llamacpp import LlamaCpp
from spacy_mbre.llm.types import BINARY, MULTICLASS, Answer, Question


def test_registered_and_cheap_to_construct() -> None:
    factory = registry.llm_models.get("spacy-mbre.LlamaCpp.v1")
    model = factory(n_ctx=1024)  # no file access, no llama_cpp import
    assert isinstance(model, LlamaCpp)
    assert model.context_length == 1024


def test_bad_settings_are_config_errors(tmp_path) -> None:
    with pytest.raises(ConfigError, match="no GGUF file"):
        LlamaCpp(path=tmp_path / "missing.gguf")
    with pytest.raises(ConfigError, match="option_scoring"):
        LlamaCpp(option_scoring="beam")
    with pytest.raises(ConfigError, match="eval_chunk"):
        LlamaCpp(eval_chunk=1024, n_batch=512)


class FakeLlama:
    """Just enough of llama_cpp.Llama for LlamaCpp.prefill: a token cache and eval()."""

    def __init__(self) -> None:
        self.input_ids = np.zeros(4096, dtype=np.intc)
        self.n_tokens = 0
        self.batches: List[Tuple[int, int]] = []

    def eval(self, tokens: List[int]) -> None:
        self.batches.append((self.n_tokens, self.n_tokens + len(tokens)))
        self.input_ids[self.n_tokens : self.n_tokens + len(tokens)] = tokens
        self.n_tokens += len(tokens)


def test_prefill_evaluates_aligned_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeLlama()
    monkeypatch.setattr(LlamaCpp, "llm", property(lambda self: fake))
    model = LlamaCpp(eval_chunk=8)
    prompt = list(range(1, 30))  # 29 tokens: chunks 0-8-16-24, final chunk 24..29 left to generate
    assert model.prefill(prompt) == (0, 29)
    assert fake.batches == [(0, 8), (8, 16), (16, 24)] and fake.n_tokens == 24
    fake.input_ids[24:29] = prompt[24:]  # what generate would have evaluated
    fake.n_tokens = 29
    fake.batches.clear()
    assert model.prefill(prompt) == (29, 0)  # exact hit: nothing to evaluate
    variant = prompt[:19] + [99] * 14  # shares 19 tokens: reuse up to 16, chunks 16-24, 24-32, final 32..33
    assert model.prefill(variant) == (16, 17)
    assert fake.batches == [(16, 24), (24, 32)]
    short = prompt[:5]  # inside the cache, below one chunk: generate evaluates all of it
    assert model.prefill(short) == (0, 5) and fake.n_tokens == 0


def test_prefill_without_alignment_mirrors_llama_cpp(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeLlama()
    fake.input_ids[:10] = range(10)
    fake.n_tokens = 10
    monkeypatch.setattr(LlamaCpp, "llm", property(lambda self: fake))
    model = LlamaCpp(eval_chunk=0)
    assert model.prefill(list(range(7)) + [50, 51]) == (7, 2)
    assert fake.batches == []


def test_missing_default_model_says_how_to_fetch(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv(assets.CACHE_ENV, str(tmp_path))
    with pytest.raises(assets.ModelAssetError, match="fetch-llm"):
        LlamaCpp().model_path


real = [
    pytest.mark.slow,
    pytest.mark.llm,
]

PREFIX = (
    "You are given a text in which two entities are marked (e1 with <e1> and </e1>, e2 with <e2> and </e2>) and "
    'a statement about them. Answer "yes" if the text expresses the statement, otherwise answer "no".\n\n'
    "The statement is always of this form: e1 causes, produces or brings about e2\n\nExamples:\n\n"
    "Text: The <e1>virus</e1> caused a severe <e2>fever</e2>.\n"
    'Statement: "virus" causes, produces or brings about "fever"\nAnswer: yes\n\n'
    "Text: The <e1>book</e1> lay on the <e2>table</e2>.\n"
    'Statement: "book" causes, produces or brings about "table"\nAnswer: no\n\nQuestion:\n'
)


def cause_question(text: str, e1: str, e2: str) -> Question:
    body = f'Text: {text}\nStatement: "{e1}" causes, produces or brings about "{e2}"\nAnswer:'
    return Question(PREFIX + body, ("yes", "no"), BINARY, prefix_key="cause")


TRUE_Q = cause_question("The <e1>earthquake</e1> produced a huge <e2>tsunami</e2>.", "earthquake", "tsunami")
FALSE_Q = cause_question("The <e1>cup</e1> stood next to the <e2>lamp</e2>.", "cup", "lamp")


@pytest.fixture(scope="module")
def model() -> LlamaCpp:
    return LlamaCpp(n_ctx=2048)


@pytest.mark.usefixtures("model")
class TestRealModel:
    pytestmark = real

    def test_binary_probabilities_and_order(self, model: LlamaCpp) -> None:
        (answers,) = model([[TRUE_Q, FALSE_Q]])
        for answer in answers:
            assert isinstance(answer, Answer)
            assert set(answer.probs) == {"yes", "no"}
            assert answer.probs["yes"] + answer.probs["no"] == pytest.approx(1.0)
            assert answer in ("yes", "no")
        assert answers[0].probs["yes"] > answers[1].probs["yes"]
        assert answers[0] == "yes" and answers[1] == "no"

    def test_deterministic_whatever_was_cached(self, model: LlamaCpp) -> None:
        """Chunk-aligned evaluation: identical probabilities cold, warm and after another prefix."""
        other = Question("Is the sky green? Answer yes or no.", ("yes", "no"), BINARY, prefix_key="other")
        model.llm.reset()
        cold = model([[TRUE_Q, FALSE_Q]])[0]
        warm = model([[FALSE_Q, TRUE_Q]])[0][::-1]
        model([[other]])
        after_other = model([[TRUE_Q, FALSE_Q]])[0]
        for run in (warm, after_other):
            assert [str(a) for a in run] == [str(a) for a in cold]
            assert [a.probs for a in run] == [a.probs for a in cold]

    def test_prefix_reuse_is_reported(self, model: LlamaCpp) -> None:
        model.llm.reset()
        other = Question("Is the sky green? Answer yes or no.", ("yes", "no"), BINARY, prefix_key="other")
        # Interleaved on input; the model groups by prefix_key and answers in input order.
        (answers,) = model([[TRUE_Q, other, FALSE_Q]])
        assert answers[1].usage["prompt_tokens"] < answers[0].usage["prompt_tokens"]
        first, second = answers[0].usage, answers[2].usage
        assert first["reused_tokens"] == 0 and first["evaluated_tokens"] == first["prompt_tokens"]
        assert second["reused_tokens"] > 0.6 * second["prompt_tokens"]
        assert second["evaluated_tokens"] < 0.4 * first["evaluated_tokens"]
        assert second["reused_tokens"] + second["evaluated_tokens"] == second["prompt_tokens"]
        assert (
            answers[1].usage["reused_tokens"] + answers[1].usage["evaluated_tokens"]
            == answers[1].usage["prompt_tokens"]
        )

    def test_multiclass_letters_and_sequences(self, model: LlamaCpp) -> None:
        letters = Question(
            "Which of these is a fruit?\nA. apple\nB. hammer\nC. chair\nAnswer with the letter only, or none.",
            ("A", "B", "C", "none"), MULTICLASS, prefix_key="fruit",
        )
        names = Question(
            "In 'The <e1>fire</e1> caused the <e2>smoke</e2>.', which relation holds? Options: "
            "Cause-Effect(e1,e2), Cause-Effect(e2,e1), none. Answer with the option exactly.",
            ("Cause-Effect(e1,e2)", "Cause-Effect(e2,e1)", "none"), MULTICLASS, prefix_key="names",
        )
        (answers,) = model([[letters, names]])
        assert answers[0] == "A"
        assert sum(answers[0].probs.values()) == pytest.approx(1.0)
        assert answers[1].probs is not None and sum(answers[1].probs.values()) == pytest.approx(1.0)
        assert answers[1].usage["option_tokens"] > 0  # shared first token: scored as sequences
        assert answers[1] == "Cause-Effect(e1,e2)"

    def test_plain_prompt_gives_text(self, model: LlamaCpp) -> None:
        docs: List[List[str]] = [["Reply with the single word: hello"], []]
        answers = model(docs)
        assert len(answers) == 2 and answers[1] == []
        (text,) = answers[0]
        assert isinstance(text, Answer) and text.probs is None
        assert "hello" in text.lower()
        assert text.usage["generated_tokens"] >= 1
