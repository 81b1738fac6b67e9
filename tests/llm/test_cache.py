from spacy_mbre.llm.cache import AnswerCache, cache_key
from spacy_mbre.llm.gateway import LLMGateway
from spacy_mbre.llm.types import Answer, Question


class CountingModel:
    def __init__(self):
        self.seen = []

    def __call__(self, prompts):
        out = []
        for doc_prompts in prompts:
            doc_prompts = list(doc_prompts)
            self.seen.append([q.prefix_key for q in doc_prompts])
            out.append([Answer("yes", {"yes": 0.75, "no": 0.25}, {"evaluated_tokens": 3}) for _ in doc_prompts])
        return out


def test_key_depends_on_everything():
    base = cache_key("p", ["yes", "no"], "binary", "m", {"t": 0})
    assert base != cache_key("p ", ["yes", "no"], "binary", "m", {"t": 0})
    assert base != cache_key("p", ["no", "yes"], "binary", "m", {"t": 0})
    assert base != cache_key("p", ["yes", "no"], "binary", "m2", {"t": 0})
    assert base != cache_key("p", ["yes", "no"], "binary", "m", {"t": 1})
    # Word order matters (spacy-llm's cache collides here).
    assert cache_key("a b", [], "", "m", {}) != cache_key("b a", [], "", "m", {})


def test_cache_hits_persist_and_order_by_prefix(tmp_path):
    path = tmp_path / "answers.sqlite"
    questions = [Question(f"q{i}", ("yes", "no"), "binary", prefix_key=k) for i, k in enumerate("babab")]
    model = CountingModel()
    gateway = LLMGateway(model, "m", cache=AnswerCache(path))
    first = gateway.ask(questions)
    assert [a.fresh for a in first] == [True] * 5
    assert model.seen == [["a", "a", "b", "b", "b"]]  # equal prefixes back to back
    assert first[0].usage["evaluated_tokens"] == 3
    gateway.cache.close()
    again = LLMGateway(model, "m", cache=AnswerCache(path)).ask(questions)
    assert [a.fresh for a in again] == [False] * 5
    assert len(model.seen) == 1
    assert again[0].answer.probs == {"yes": 0.75, "no": 0.25} and str(again[0].answer) == "yes"
    # Another model identity misses.
    LLMGateway(model, "other", cache=AnswerCache(path)).ask(questions[:1])
    assert len(model.seen) == 2


def test_plain_string_answers_are_cached():
    cache = AnswerCache()
    gateway = LLMGateway(lambda prompts: [["no" for _ in p] for p in prompts], "m", cache=cache)
    assert str(gateway.ask([Question("x", ("yes", "no"), "binary")])[0].answer) == "no"
    cached = gateway.ask([Question("x", ("yes", "no"), "binary")])[0]
    assert not cached.fresh and cached.answer.probs is None


def test_answers_are_committed_per_chunk(tmp_path):
    """A model that dies mid-batch loses at most the chunk it was answering."""
    path = tmp_path / "answers.sqlite"
    questions = [Question(f"q{i}", ("yes", "no"), "binary", prefix_key="a") for i in range(5)]

    class DiesOnThirdCall(CountingModel):
        def __call__(self, prompts):
            if len(self.seen) == 2:
                raise RuntimeError("killed")
            return super().__call__(prompts)

    model = DiesOnThirdCall()
    gateway = LLMGateway(model, "m", cache=AnswerCache(path), chunk_size=2)
    try:
        gateway.ask(questions)
    except RuntimeError:
        pass
    assert [len(seen) for seen in model.seen] == [2, 2]
    gateway.cache.close()
    resumed = CountingModel()
    again = LLMGateway(resumed, "m", cache=AnswerCache(path), chunk_size=2).ask(questions)
    assert [a.fresh for a in again] == [False] * 4 + [True]
    assert resumed.seen == [["a"]]


def test_progress_counts_cached_and_chunked_answers():
    questions = [Question(f"q{i}", ("yes", "no"), "binary") for i in range(5)]
    gateway = LLMGateway(CountingModel(), "m", cache=AnswerCache(), chunk_size=2)
    gateway.ask(questions[:2])
    steps = []
    # 2 cached, 1 repeated question, 3 new ones in chunks of 2
    gateway.ask([*questions, questions[4]], progress=steps.append)
    assert steps == [3, 2, 1]
