"""Option-probability maths and prefix accounting, with a toy tokenizer."""
from typing import Dict, List, Tuple

import numpy as np
import pytest

from spacy_mbre.llm.models import option_probs

VOCAB = ["yes", "Yes", "YES", " yes", " Yes", " YES", "no", "No", "NO", " no", " No", " NO",
         "A", "B", " A", " B", "a", "b", " a", " b", "none", " none", "None", " None", "NONE", " NONE",
         "Cause", "-", "Effect", "(e1,e2)", "(e2,e1)", "<end>"]
IDS = {piece: i for i, piece in enumerate(VOCAB)}
END = IDS["<end>"]


def tokenize(text: str) -> List[int]:
    """Greedy longest-match over VOCAB (enough for these tests)."""
    out = []
    while text:
        piece = max((p for p in VOCAB if text.startswith(p)), key=len)
        out.append(IDS[piece])
        text = text[len(piece):]
    return out


def dist(weights: Dict[str, float], rest: float = 0.0) -> np.ndarray:
    """Log-probabilities with the given probability per piece; `rest` spread on the others."""
    p = np.full(len(VOCAB), rest / max(1, len(VOCAB) - len(weights)))
    for piece, w in weights.items():
        p[IDS[piece]] = w
    with np.errstate(divide="ignore"):
        return np.log(p / p.sum())


def test_binary_sums_case_and_space_variants() -> None:
    mode, plan = option_probs.plan_options(("yes", "no"), tokenize, END)
    assert mode == option_probs.FIRST_TOKEN
    assert set(plan["yes"]) == {IDS[p] for p in ("yes", "Yes", "YES", " yes", " Yes", " YES")}
    assert plan["yes"][0] == IDS["yes"]
    probs, mass = option_probs.first_token_probs(
        dist({"yes": 0.1, "Yes": 0.3, " no": 0.2, "No": 0.2, "Cause": 0.2}), plan
    )
    assert probs["yes"] == pytest.approx(0.4 / 0.8)
    assert probs["yes"] + probs["no"] == pytest.approx(1.0)
    assert mass == pytest.approx(0.8)  # "Cause" is neither option


def test_letters_with_none() -> None:
    options = ("A", "B", "none")
    mode, plan = option_probs.plan_options(options, tokenize, END)
    assert mode == option_probs.FIRST_TOKEN
    probs, _ = option_probs.first_token_probs(dist({"B": 0.5, " b": 0.1, "None": 0.4}), plan)
    assert probs == pytest.approx({"A": 0.0, "B": 0.6, "none": 0.4}, abs=1e-9)
    assert option_probs.argmax_option(probs, options) == "B"


def test_variant_claimed_by_two_options_counts_for_neither() -> None:
    # "a" is the lower-case variant of "A" and the option "a" as written:
    # the canonical token stays with "a", the variant is dropped from "A".
    mode, plan = option_probs.plan_options(("A", "a"), tokenize, END)
    assert mode == option_probs.FIRST_TOKEN
    assert IDS["a"] not in plan["A"] and plan["a"][0] == IDS["a"]


def test_shared_first_token_falls_back_to_sequence() -> None:
    options = ("Cause-Effect(e1,e2)", "Cause-Effect(e2,e1)", "none")
    mode, plan = option_probs.plan_options(options, tokenize, END)
    assert mode == option_probs.SEQUENCE
    assert plan["none"] == [IDS["none"]]
    calls: List[Tuple[int, ...]] = []
    cond = {
        (): dist({"Cause": 0.8, "none": 0.2}),
        (IDS["Cause"],): dist({"-": 1.0}),
        (IDS["Cause"], IDS["-"]): dist({"Effect": 1.0}),
        (IDS["Cause"], IDS["-"], IDS["Effect"]): dist({"(e1,e2)": 0.25, "(e2,e1)": 0.75}),
    }

    def next_logprobs(prefix: Tuple[int, ...]) -> np.ndarray:
        calls.append(prefix)
        return cond[prefix]

    probs, mass, n_extra = option_probs.sequence_probs(plan, next_logprobs)
    assert probs == pytest.approx({"Cause-Effect(e1,e2)": 0.2, "Cause-Effect(e2,e1)": 0.6, "none": 0.2})
    assert mass == pytest.approx(1.0)
    assert len(calls) == len(set(calls)) == 4, "shared prefixes are computed once"
    assert n_extra == 3
    with pytest.raises(ValueError, match="distinct first tokens"):
        option_probs.plan_options(options, tokenize, END, mode=option_probs.FIRST_TOKEN)


def test_option_that_prefixes_another_gets_end_token() -> None:
    mode, plan = option_probs.plan_options(("Cause", "Cause-Effect(e1,e2)"), tokenize, END, mode=option_probs.SEQUENCE)
    assert plan["Cause"] == [IDS["Cause"], END]
    assert plan["Cause-Effect(e1,e2)"][-1] != END


def test_bad_options() -> None:
    with pytest.raises(ValueError):
        option_probs.plan_options(("yes",), tokenize, END)
    with pytest.raises(ValueError):
        option_probs.plan_options(("yes", "yes"), tokenize, END)
    with pytest.raises(ValueError):
        option_probs.plan_options(("yes", "no"), tokenize, END, mode="beam")


def test_renormalise_and_log_softmax() -> None:
    probs, total = option_probs.renormalise({"a": 0.0, "b": 0.0})
    assert probs == {"a": 0.5, "b": 0.5} and total == 0.0
    lp = option_probs.log_softmax(np.array([1000.0, 1000.0, -1000.0]))
    assert np.exp(lp).sum() == pytest.approx(1.0)
    assert np.exp(lp[0]) == pytest.approx(0.5)


def test_argmax_tie_goes_to_first_option() -> None:
    assert option_probs.argmax_option({"yes": 0.5, "no": 0.5}, ("yes", "no")) == "yes"


@pytest.mark.parametrize(
    "cached,tokens,requires_eval,expected",
    [
        ([], [1, 2, 3], False, (0, 3)),  # empty cache
        ([1, 2, 3, 4], [1, 2, 9, 9, 9], False, (2, 3)),  # common prefix kept
        ([1, 2, 3], [1, 2, 3, 4, 5], False, (3, 2)),  # cache is a prefix of the prompt
        ([1, 2, 3, 4], [1, 2, 3], False, (2, 1)),  # prompt inside cache: last token re-run
        ([1, 2, 3], [1, 2, 3], False, (3, 0)),  # exact hit with live logits
        ([1, 2, 3], [1, 2, 3], True, (2, 1)),  # exact hit, stale logits
        ([5, 6], [1, 2], False, (0, 2)),  # nothing in common
    ],
)
def test_planned_reuse_mirrors_llama_cpp(cached: List[int], tokens: List[int], requires_eval: bool,
                                         expected: Tuple[int, int]) -> None:
    assert option_probs.planned_reuse(cached, tokens, requires_eval) == expected


def test_order_by_prefix_groups_stably() -> None:
    keys = ["a", "b", "a", None, "b", "a"]
    assert option_probs.order_by_prefix(keys) == [0, 2, 5, 1, 4, 3]
    assert option_probs.order_by_prefix(keys, first="b") == [1, 4, 0, 2, 5, 3]
    assert option_probs.order_by_prefix(keys, first="zzz") == [0, 2, 5, 1, 4, 3]
