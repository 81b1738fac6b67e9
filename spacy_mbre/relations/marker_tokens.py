"""The marker tokens: subject, object and span markers (typed or not), candidate
label markers, and every special token a model adds to its tokenizer (see
:mod:`.markers`)."""

from typing import List, Sequence

from ..data.schema import TYPING

SUBJ_START, SUBJ_END = "[S]", "[/S]"
OBJ_START, OBJ_END = "[O]", "[/O]"
ENT_START, ENT_END = "[E]", "[/E]"
CLM_POS, CLM_NEG = "[CLM+]", "[CLM-]"


def typed_marker(marker: str, entity_type: str) -> str:
    """marker (str): An untyped marker, e.g. "[S]" or "[/O]".
    entity_type (str): The entity label, e.g. "PER".
    RETURNS (str): The typed marker, e.g. "[S:PER]".
    """
    return f"{marker[:-1]}:{entity_type}]"


def label_marker(index: int) -> str:
    """index (int): A label index.
    RETURNS (str): The candidate label marker token for it, e.g. "[L3]".
    """
    return f"[L{index}]"


def marker_tokens(task: str, entity_types: Sequence[str], typed: bool, n_clm_labels: int) -> List[str]:
    """task (str): "relation" or "typing".
    entity_types (Sequence[str]): Entity labels for typed markers.
    typed (bool): Whether typed markers are used.
    n_clm_labels (int): Number of labels with a candidate label marker (0 = no CLMs).
    RETURNS (List[str]): Every special token the model adds to its tokenizer.
    """
    base = [ENT_START, ENT_END] if task == TYPING else [SUBJ_START, SUBJ_END, OBJ_START, OBJ_END]
    tokens = list(base)
    if typed:
        for entity_type in entity_types:
            tokens.extend(typed_marker(m, entity_type) for m in base)
    if n_clm_labels:
        tokens.extend([CLM_POS, CLM_NEG])
        tokens.extend(label_marker(i) for i in range(n_clm_labels))
    return tokens
