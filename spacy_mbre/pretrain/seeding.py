"""Everything random in pre-training as a function of ``(seed, step)``: the
per-purpose seeds and the batch of each step; and the corpus fingerprint a
resumed run is checked against."""

import hashlib
import json
import random
from typing import Dict, List, Sequence

from .spans import EncodedSample


def seed_for(seed: int, step: int, purpose: str) -> int:
    """seed (int): The run's seed.
    step (int): The step (or epoch).
    purpose (str): What the draw is for ("batch", "mask", "negative", "dropout").
    RETURNS (int): A 63-bit seed derived from all three.
    """
    digest = hashlib.sha256(f"{seed}\x1f{step}\x1f{purpose}".encode("utf8")).hexdigest()
    return int(digest[:15], 16)


def batch_indices(n_samples: int, batch_size: int, step: int, seed: int) -> List[int]:
    """n_samples (int): The corpus size.
    batch_size (int): Samples per step.
    step (int): The step.
    seed (int): The run's seed.
    RETURNS (List[int]): The sample indices of the step: positions
        step·batch_size ... of a stream of per-epoch permutations.
    """
    out: List[int] = []
    perms: Dict[int, List[int]] = {}
    for pos in range(step * batch_size, (step + 1) * batch_size):
        epoch, i = divmod(pos, n_samples)
        if epoch not in perms:
            perm = list(range(n_samples))
            random.Random(seed_for(seed, epoch, "batch")).shuffle(perm)
            perms[epoch] = perm
        out.append(perms[epoch][i])
    return out


def samples_fingerprint(samples: Sequence[EncodedSample]) -> str:
    """samples (Sequence[EncodedSample]): The encoded corpus.
    RETURNS (str): Its sha256 (a resumed run must read the same corpus).
    """
    payload = [[list(s.input_ids), s.head.start, s.head.end, s.tail.start, s.tail.end, s.label] for s in samples]
    return hashlib.sha256(json.dumps(payload).encode("utf8")).hexdigest()
