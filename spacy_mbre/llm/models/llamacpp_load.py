"""Loading a local GGUF model with llama-cpp-python, once per process, and
its chat template. llama-cpp-python is imported only here, on first use."""
from pathlib import Path
from typing import Any, Dict, Tuple

from ...errors import MBReError

AUTO_TEMPLATE = "auto"
NO_TEMPLATE = "none"

# One loaded model per process: (settings key, Llama).
_LOADED: Dict[str, Tuple[Tuple[Any, ...], Any]] = {}


class LlamaCppError(MBReError):
    """llama-cpp-python is missing, or the model cannot run a prompt."""


def load_llama(
    path: Path, n_ctx: int, n_threads: int, n_batch: int, seed: int, config_init: Dict[str, Any]
) -> Tuple[Any, bool]:
    """The process's loaded ``llama_cpp.Llama`` for these settings, loading
    it (and releasing a model loaded with other settings) if needed.

    path (Path): The GGUF file.
    n_ctx (int): Context size in tokens.
    n_threads (int): CPU threads (for generation and prompt batches).
    n_batch (int): Prompt tokens per decode batch.
    seed (int): Seed for llama.cpp.
    config_init (Dict[str, Any]): Further keyword arguments for ``llama_cpp.Llama``.
    RETURNS (Tuple[Any, bool]): The model, and whether it was loaded by this call.
    RAISES (LlamaCppError): llama-cpp-python is missing or cannot load the file.
    """
    settings = (str(path.resolve()), n_ctx, n_threads, n_batch, seed,
                tuple(sorted((k, repr(v)) for k, v in config_init.items())))
    loaded = _LOADED.get("model")
    if loaded is not None and loaded[0] == settings:
        return loaded[1], False
    _LOADED.clear()  # release the previous model before loading another
    try:
        from llama_cpp import Llama
    except ImportError:
        raise LlamaCppError(
            "llama-cpp-python is not installed: pip install 'spacy-mbre[llm]' (it compiles, ~5-8 min)"
        ) from None
    kwargs: Dict[str, Any] = {"n_threads_batch": n_threads, "verbose": False, **config_init}
    try:
        llm = Llama(str(path), n_ctx=n_ctx, n_threads=n_threads, n_batch=n_batch, seed=seed, **kwargs)
    except (ValueError, RuntimeError) as err:
        raise LlamaCppError(f"llama.cpp could not load {path}: {err}") from None
    _LOADED["model"] = (settings, llm)
    return llm, True


def chat_formatter(llm: Any, chat_template: str) -> Any:
    """A formatter that wraps messages with a chat template.

    llm (Any): The loaded ``llama_cpp.Llama``.
    chat_template (str): "auto" (the template stored in the GGUF) or a Jinja2
        chat template.
    RETURNS (Any): A ``Jinja2ChatFormatter``, or False if there is no template.
    """
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    template = llm.metadata.get("tokenizer.chat_template") if chat_template == AUTO_TEMPLATE else chat_template
    if not template:
        return False
    return Jinja2ChatFormatter(
        template=template,
        eos_token=token_text(llm, llm.token_eos()),
        bos_token=token_text(llm, llm.token_bos()),
        add_generation_prompt=True,
    )


def token_text(llm: Any, token: int) -> str:
    """llm (Any): The loaded ``llama_cpp.Llama``.
    token (int): A token id; negative for none.
    RETURNS (str): The token's text, special tokens spelled out ("" for none).
    """
    if token < 0:
        return ""
    return llm.detokenize([token], special=True).decode("utf-8", errors="ignore")
