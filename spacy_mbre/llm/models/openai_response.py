"""The wire format of OpenAI-compatible servers: endpoint names and reading a
(non-streaming) ``/chat/completions`` or ``/completions`` response into the
generated text, the first token's top log-probabilities and the usage counts
(``reused_tokens`` from ``usage.prompt_tokens_details.cached_tokens`` where
the server reports it, else 0; ``evaluated_tokens`` = prompt - reused).
"""
from typing import Any, Dict, Optional, Tuple

from .openai_options import TopLogprobs

CHAT = "chat"
COMPLETIONS = "completions"
ENDPOINTS = {CHAT: "/chat/completions", COMPLETIONS: "/completions"}
PROMPT_SLOT = "{prompt}"


def _first_top_logprobs(logprobs: Any, endpoint: str) -> Optional[TopLogprobs]:
    """The first generated token's top log-probabilities from a choice's
    ``logprobs`` field (chat: ``content[0].top_logprobs`` as a list of
    {token, logprob}; completions: ``top_logprobs[0]`` as a dict)."""
    if not logprobs:
        return None
    if endpoint == CHAT:
        content = logprobs.get("content") if isinstance(logprobs, dict) else None
        if not content:
            return None
        entries = content[0].get("top_logprobs") or []
        out: TopLogprobs = []
        for entry in entries:
            token = entry.get("token")
            if token is None and entry.get("bytes") is not None:
                token = bytes(entry["bytes"]).decode("utf-8", errors="ignore")
            if token is not None and entry.get("logprob") is not None:
                out.append((str(token), float(entry["logprob"])))
        return out or None
    tops = logprobs.get("top_logprobs") if isinstance(logprobs, dict) else None
    if not tops or not isinstance(tops[0], dict):
        return None
    return [(str(tok), float(lp)) for tok, lp in tops[0].items() if lp is not None] or None


def parse_response(body: Any, endpoint: str) -> Tuple[str, Optional[TopLogprobs], Dict[str, float]]:
    """Read a (non-streaming) OpenAI-style response.

    body (Any): The decoded JSON body.
    endpoint (str): "chat" or "completions".
    RETURNS (Tuple[str, Optional[TopLogprobs], Dict[str, float]]): The
        generated text, the first token's top log-probabilities (None if the
        server gave none) and the usage counts.
    RAISES (ValueError): The body is not a well-formed response.
    """
    if not isinstance(body, dict) or not isinstance(body.get("choices"), list) or not body["choices"]:
        raise ValueError("no 'choices' in the response")
    choice = body["choices"][0]
    if not isinstance(choice, dict):
        raise ValueError("'choices[0]' is not an object")
    if endpoint == CHAT:
        message = choice.get("message")
        if not isinstance(message, dict):
            raise ValueError("no 'message' in choices[0]")
        text = message.get("content") or ""
    else:
        if "text" not in choice:
            raise ValueError("no 'text' in choices[0]")
        text = choice.get("text") or ""
    if not isinstance(text, str):
        raise ValueError("the generated text is not a string")
    try:
        top = _first_top_logprobs(choice.get("logprobs"), endpoint)
    except (AttributeError, IndexError, KeyError, TypeError, ValueError) as err:
        raise ValueError(f"malformed 'logprobs': {err}") from None
    raw = body.get("usage")
    raw = raw if isinstance(raw, dict) else {}
    details = raw.get("prompt_tokens_details")
    details = details if isinstance(details, dict) else {}
    prompt = float(raw.get("prompt_tokens") or 0)
    cached = min(prompt, float(details.get("cached_tokens") or 0))
    usage = {
        "prompt_tokens": prompt,
        "evaluated_tokens": prompt - cached,
        "reused_tokens": cached,
        "generated_tokens": float(raw.get("completion_tokens") or 0),
    }
    return text, top, usage
