"""The local llama.cpp model callable: settings, cache identity, chat-templated
prompts and answers. Registered, and its behaviour described, in
:mod:`.llamacpp` (``spacy-mbre.LlamaCpp.v1``).
"""
import os
import time
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np
from confection import SimpleFrozenDict

from ...errors import ConfigError
from ..types import Answer, Question
from . import batching, llamacpp_eval, option_probs
from .assets import require_default_model
from .llamacpp_load import AUTO_TEMPLATE, NO_TEMPLATE, LlamaCppError, chat_formatter, load_llama


class LlamaCpp:
    """A spacy-llm model callable over a local GGUF file.

    path (Optional[Union[str, Path]]): A GGUF file; None uses the default model
        assembled by ``python -m spacy_mbre fetch-llm``.
    n_ctx (int): Context size in tokens (prompt + answer must fit).
    n_threads (Optional[int]): CPU threads; None uses all cores.
    n_batch (int): Prompt tokens per decode batch.
    seed (int): Seed for llama.cpp (answers are greedy/argmax, so this only
        matters for models with random components).
    chat_template (str): "auto" wraps each prompt as one user turn with the
        chat template stored in the GGUF (Qwen's ChatML for the default model;
        raw prompt if the file has none); "none" sends the prompt as is; any
        other string is used as a Jinja2 chat template.
    system_prompt (Optional[str]): A system message; None leaves it to the
        template (Qwen's inserts its default system message).
    max_tokens (int): Token limit for free-text answers to plain prompts.
    option_scoring (str): "auto" (first token if the options' first tokens
        differ, else full sequences), "first_token" or "sequence".
    eval_chunk (int): Evaluate prompts in chunks aligned to multiples of this
        many tokens and reuse the cache only up to such a boundary, so a
        prompt's probabilities do not depend on what was cached before (llama.cpp's
        results shift by ~1e-2 with how a prompt is split between cache and
        new batch). Costs up to eval_chunk - 1 re-evaluated tokens per prompt.
        0 turns alignment off (plain llama.cpp prefix reuse).
    config_init (Dict[str, Any]): Further keyword arguments for
        ``llama_cpp.Llama``.
    """

    def __init__(
        self,
        path: Optional[Union[str, Path]] = None,
        n_ctx: int = 4096,
        n_threads: Optional[int] = None,
        n_batch: int = 512,
        seed: int = 0,
        chat_template: str = AUTO_TEMPLATE,
        system_prompt: Optional[str] = None,
        max_tokens: int = 256,
        option_scoring: str = option_probs.AUTO,
        eval_chunk: int = 32,
        config_init: Dict[str, Any] = SimpleFrozenDict(),
    ) -> None:
        if option_scoring not in option_probs.SCORING_MODES:
            raise ConfigError(f"option_scoring must be one of {option_probs.SCORING_MODES}, not {option_scoring!r}")
        if n_ctx < 16 or n_batch < 1 or max_tokens < 1:
            raise ConfigError(f"n_ctx, n_batch and max_tokens must be positive (got {n_ctx}, {n_batch}, {max_tokens})")
        if eval_chunk < 0 or eval_chunk > n_batch:
            raise ConfigError(f"eval_chunk must be between 0 and n_batch={n_batch}, not {eval_chunk}")
        if path is not None and not Path(path).expanduser().is_file():
            raise ConfigError(f"LlamaCpp path: no GGUF file at {path}")
        self._path = Path(path).expanduser() if path is not None else None
        self._n_ctx = n_ctx
        self._n_threads = n_threads if n_threads else (os.cpu_count() or 1)
        self._n_batch = n_batch
        self._seed = seed
        self._chat_template = chat_template
        self._system_prompt = system_prompt
        self._max_tokens = max_tokens
        self._option_scoring = option_scoring
        self._eval_chunk = eval_chunk
        self._config_init = dict(config_init)
        self._formatter: Any = None
        self._last_key: Optional[str] = None
        self._plans: Dict[Tuple[str, ...], Tuple[str, Dict[str, List[int]]]] = {}

    @property
    def context_length(self) -> int:
        """RETURNS (int): The context size in tokens (spacy-llm sharding)."""
        return self._n_ctx

    def __call__(self, prompts: Iterable[Iterable[Any]]) -> Iterable[Iterable[Any]]:
        """Answer prompts, grouped by shared prefix, returned in input order.

        prompts (Iterable[Iterable[Any]]): Prompts per doc (``Question`` or str).
        RETURNS (Iterable[Iterable[Any]]): ``Answer`` objects per doc.
        """
        nested = [list(doc_prompts) for doc_prompts in prompts]
        flat = [prompt for doc_prompts in nested for prompt in doc_prompts]
        keys = [p.prefix_key if isinstance(p, Question) else None for p in flat]
        answers: List[Optional[Answer]] = [None] * len(flat)
        for i in batching.order_by_prefix(keys, first=self._last_key):
            prompt = flat[i]
            answers[i] = self.answer(prompt) if isinstance(prompt, Question) else self.generate(str(prompt))
            self._last_key = keys[i]
        return batching.regroup(answers, nested)

    @property
    def model_path(self) -> Path:
        """RETURNS (Path): The GGUF file this model runs (resolved lazily)."""
        return self._path if self._path is not None else require_default_model()

    @property
    def identity(self) -> Dict[str, Any]:
        """What determines this model's answers, for keying caches: the GGUF
        file (name, size) and every setting that changes an answer.

        RETURNS (Dict[str, Any]): JSON-serialisable description.
        """
        path = self.model_path
        return {
            "backend": "spacy-mbre.LlamaCpp.v1",
            "model_file": path.name,
            "model_bytes": path.stat().st_size,
            "chat_template": self._chat_template,
            "system_prompt": self._system_prompt,
            "max_tokens": self._max_tokens,
            "option_scoring": self._option_scoring,
            "eval_chunk": self._eval_chunk,
            "decoding": "greedy",
        }

    @property
    def llm(self) -> Any:
        """RETURNS (llama_cpp.Llama): The loaded model (loads it on first use)."""
        llm, fresh = load_llama(self.model_path, self._n_ctx, self._n_threads, self._n_batch, self._seed,
                                self._config_init)
        if fresh:
            self._formatter = None
            self._plans = {}
        return llm

    def format_prompt(self, text: str) -> str:
        """The prompt as the model sees it (chat template applied).

        text (str): The user message.
        RETURNS (str): The full prompt text.
        """
        if self._chat_template == NO_TEMPLATE:
            return text
        formatter = self._get_formatter()
        if formatter is None:
            return text
        messages = []
        if self._system_prompt is not None:
            messages.append({"role": "system", "content": self._system_prompt})
        messages.append({"role": "user", "content": text})
        return formatter(messages=messages).prompt

    def _get_formatter(self) -> Any:
        if self._formatter is None:
            self._formatter = chat_formatter(self.llm, self._chat_template)
        return self._formatter or None

    def tokenize_prompt(self, text: str) -> List[int]:
        """Tokens of a prompt after applying the chat template.

        text (str): The user message.
        RETURNS (List[int]): Token ids (special tokens parsed, BOS as the model wants).
        """
        tokens = self.llm.tokenize(self.format_prompt(text).encode("utf-8"), add_bos=True, special=True)
        if len(tokens) >= self._n_ctx:
            raise LlamaCppError(f"prompt has {len(tokens)} tokens, more than n_ctx={self._n_ctx} allows")
        return tokens

    def _tokenize_option(self, text: str) -> List[int]:
        return self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)

    def prefill(self, tokens: Sequence[int]) -> Tuple[int, int]:
        """Prepare the cache for `tokens` (see :func:`.llamacpp_eval.prefill`).

        tokens (Sequence[int]): The prompt tokens.
        RETURNS (Tuple[int, int]): Tokens reused from the cache, tokens evaluated.
        """
        return llamacpp_eval.prefill(self.llm, tokens, self._eval_chunk)

    def next_logprobs(self, tokens: Sequence[int]) -> Tuple[np.ndarray, int, int]:
        """One forward pass (see :func:`.llamacpp_eval.next_logprobs`).

        tokens (Sequence[int]): The prompt tokens.
        RETURNS (Tuple[np.ndarray, int, int]): Log-probabilities, tokens reused, tokens evaluated.
        """
        return llamacpp_eval.next_logprobs(self.llm, tokens, self._eval_chunk)

    def _plan(self, options: Tuple[str, ...]) -> Tuple[str, Dict[str, List[int]]]:
        if options not in self._plans:
            self._plans[options] = option_probs.plan_options(options, self._tokenize_option, self.llm.token_eos(),
                                                        self._option_scoring)
        return self._plans[options]

    def answer(self, question: Question) -> Answer:
        """Score a question's options in one forward pass over its prompt.

        question (Question): The prompt and its allowed answers.
        RETURNS (Answer): The most probable option, all option probabilities
            (summing to 1) and usage.
        """
        start = time.perf_counter()
        tokens = self.tokenize_prompt(str(question))
        mode, plan = self._plan(question.options)
        logprobs, reused, evaluated = self.next_logprobs(tokens)
        probs, mass, extra = llamacpp_eval.option_scores(self.next_logprobs, tokens, logprobs, mode, plan)
        usage = {
            "prompt_tokens": float(len(tokens)),
            "evaluated_tokens": float(evaluated),
            "reused_tokens": float(reused),
            "generated_tokens": 0.0,
            "option_tokens": float(extra),
            "seconds": time.perf_counter() - start,
        }
        return Answer(option_probs.argmax_option(probs, question.options), probs=probs, usage=usage,
                      option_mass=mass)

    def generate(self, prompt: str) -> Answer:
        """Greedy text generation for a plain prompt.

        prompt (str): The prompt text.
        RETURNS (Answer): The generated text (stripped), probs=None, usage.
        """
        start = time.perf_counter()
        llm = self.llm
        tokens = self.tokenize_prompt(prompt)
        reused, evaluated = self.prefill(tokens)
        max_tokens = min(self._max_tokens, self._n_ctx - len(tokens))
        out = llm.create_completion(tokens, max_tokens=max_tokens, temperature=0.0, repeat_penalty=1.0,
                                    seed=self._seed)
        usage = {
            "prompt_tokens": float(len(tokens)),
            "evaluated_tokens": float(evaluated),
            "reused_tokens": float(reused),
            "generated_tokens": float(out["usage"]["completion_tokens"]),
            "seconds": time.perf_counter() - start,
        }
        return Answer(out["choices"][0]["text"].strip(), probs=None, usage=usage)
