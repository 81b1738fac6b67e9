"""The typed contracts of spacy_mbre.llm.types: Answer.option_mass and the
OptionScoringModel protocol."""
import pickle
import sys

from spacy_mbre.llm.cache import AnswerCache
from spacy_mbre.llm.models.openai_compat import OpenAICompatible
from spacy_mbre.llm.types import Answer, OptionScoringModel
from spacy_mbre.mining.tasks.base import option_mass


def test_option_mass_is_a_field_kept_in_usage():
    answer = Answer("yes", {"yes": 0.75, "no": 0.25}, {"prompt_tokens": 10.0}, option_mass=0.9)
    assert answer.option_mass == 0.9 and answer.usage["option_mass"] == 0.9
    assert Answer("yes", {"yes": 1.0}, {"option_mass": 0.5}).option_mass == 0.5
    assert Answer("yes").option_mass is None and "option_mass" not in Answer("yes").usage
    assert pickle.loads(pickle.dumps(answer)).option_mass == 0.9
    assert option_mass(answer) == 0.9 and option_mass("yes") is None


def test_option_mass_survives_the_answer_cache(tmp_path):
    cache = AnswerCache(tmp_path / "answers.sqlite")
    cache.put_many([("k", Answer("no", {"yes": 0.2, "no": 0.8}, {"seconds": 1.0}, option_mass=0.97))])
    back = cache.get_many(["k"])["k"]
    cache.close()
    assert back.option_mass == 0.97 and back.probs == {"yes": 0.2, "no": 0.8}


def test_models_implement_the_protocol():
    fake = sys.modules["spacy_mbre_tests_fake_llm"].make_fake_llm()
    assert isinstance(fake, OptionScoringModel)
    assert isinstance(OpenAICompatible("http://127.0.0.1:1/v1"), OptionScoringModel)
    assert not isinstance(lambda prompts: prompts, OptionScoringModel)
