"""Option scoring for the OpenAI-compatible client: the answer to a
:class:`~spacy_mbre.llm.types.Question` from the top log-probabilities of the
*first* generated token. Pure functions, testable without a server.

- An option's mass is the sum of ``exp(logprob)`` over the listed tokens that
  belong to it, matched on token *strings* (the server returns strings, not
  ids): a token belongs to an option if it equals one of the option's surface
  variants (:func:`~.option_probs.surface_variants`: as written, lower,
  Capitalised, UPPER, with and without a leading space) or, failing an exact
  match, starts one (``"Y"`` for ``"Yes"`` tokenized as ``Y|es``). A token
  that exactly matches, or else starts, the variants of several options
  counts for none. The masses are renormalised over the options (the answer
  is the most probable option); the unnormalised total is the answer's
  ``option_mass`` (it only covers the ``top_logprobs`` listed tokens, so it
  is a lower bound of the full-vocabulary mass).
- **Fallback**: when the server returns no log-probabilities, or none of the
  listed tokens belongs to an option, the answer is the greedy text if it
  equals an option after strip/lowercase normalisation (returned as the
  option is written), else the raw text, with ``probs=None``.
"""
import math
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from . import option_probs

TopLogprobs = List[Tuple[str, float]]


def match_option(text: str, options: Sequence[str]) -> Optional[str]:
    """The option a free-text answer names exactly, after strip/lowercase.

    text (str): The generated text.
    options (Sequence[str]): The allowed answers.
    RETURNS (Optional[str]): The option as written, or None.
    """
    norm = str(text).strip().lower()
    for option in options:
        if option.strip().lower() == norm:
            return option
    return None


def token_owner(token: str, variants: Mapping[str, Sequence[str]]) -> Optional[str]:
    """Which option a token string belongs to (first-token matching).

    token (str): A token string from top_logprobs.
    variants (Mapping[str, Sequence[str]]): Option → its surface variants.
    RETURNS (Optional[str]): The one option whose variants the token equals
        (or, if it equals none, the one whose variants it starts); None if no
        option or several claim it, or the token is blank.
    """
    if not token or not token.strip():
        return None
    exact = [opt for opt, forms in variants.items() if token in forms]
    if exact:
        return exact[0] if len(exact) == 1 else None
    starts = [opt for opt, forms in variants.items() if any(form.startswith(token) for form in forms)]
    return starts[0] if len(starts) == 1 else None


def option_masses(top: TopLogprobs, options: Sequence[str]) -> Dict[str, float]:
    """Unnormalised option masses from one token's top log-probabilities.

    top (TopLogprobs): (token string, log-probability) pairs; entries with
        equal strings (distinct token ids) add up.
    options (Sequence[str]): The allowed answers.
    RETURNS (Dict[str, float]): Option → summed probability of its tokens.
    """
    variants = {opt: option_probs.surface_variants(opt) for opt in options}
    masses = {opt: 0.0 for opt in options}
    for token, logprob in top:
        if logprob is None or not math.isfinite(logprob):
            continue
        owner = token_owner(token, variants)
        if owner is not None:
            masses[owner] += math.exp(logprob)
    return masses


def score_options(
    top: Optional[TopLogprobs], text: str, options: Sequence[str]
) -> Tuple[str, Optional[Dict[str, float]], Optional[float]]:
    """The answer to a question from the first token's top log-probabilities,
    or the fallback from the text (see the module docs).

    top (Optional[TopLogprobs]): The first generated token's top
        log-probabilities, or None if the server gave none.
    text (str): The generated text.
    options (Sequence[str]): The allowed answers.
    RETURNS (Tuple[str, Optional[Dict[str, float]], Optional[float]]): The
        answer text, option → probability (None in the fallback) and the
        option mass (None when the server gave no log-probabilities).
    """
    if top:
        probs, mass = option_probs.renormalise(option_masses(top, options))
        if mass > 0.0:
            return option_probs.argmax_option(probs, tuple(options)), probs, mass
        fallback_mass: Optional[float] = 0.0
    else:
        fallback_mass = None
    matched = match_option(text, options)
    return (matched if matched is not None else text), None, fallback_mass

