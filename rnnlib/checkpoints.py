"""Char-RNN checkpoints: parameters, vocabulary and (optionally) the state to resume training.

An .npz archive of plain arrays read with allow_pickle=False: the five parameters, the
vocabulary as int32 code points, and for resuming, arrays named ``resume.*`` (step count,
stream position, carried state, optimizer memory).
"""

import os
import tempfile
from pathlib import Path

import numpy as np

from .char_rnn import PARAM_NAMES, char_params
from .text import Vocabulary

CHECKPOINT_KEYS = (*PARAM_NAMES, "vocab")
RESUME = "resume."


def save_checkpoint(path, params, vocab, resume=None):
    """Save parameters, vocabulary and optional resume state to an .npz file, atomically.

    Writes a temporary file in the same folder and renames it over ``path``, so an
    interrupted save never leaves a half-written checkpoint behind.

    Inputs:
    - path: where to write. params: a char-RNN's parameter dict. vocab: its Vocabulary.
    - resume: optional dict name -> array (CharRNNTrainer.state_dict()).
    """
    _, V = char_params(params)
    if not isinstance(vocab, Vocabulary):
        raise TypeError(f"vocab: expected a Vocabulary, got {type(vocab).__name__}")
    if len(vocab) != V:
        raise ValueError(f"vocab: has {len(vocab)} characters but the model expects {V}")
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(f"{path}: cannot save, folder {folder} does not exist")
    arrays = {n: params[n] for n in PARAM_NAMES}
    arrays.update({RESUME + k: np.asarray(v) for k, v in (resume or {}).items()})
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:  # a file object: np.savez adds no ".npz" suffix
            np.savez(f, vocab=vocab.code_points(), **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _read(path):
    """All arrays of a checkpoint file; ValueError naming the file if it is not one."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such checkpoint file")
    try:
        with np.load(path, allow_pickle=False) as f:
            return {k: f[k] for k in f.files}
    except Exception as err:  # zipfile.BadZipFile, EOFError, OSError, zlib.error, pickle, ...
        raise ValueError(
            f"{path}: not a valid char-RNN checkpoint (corrupt or truncated file, or not "
            f"an .npz archive: {type(err).__name__}: {err})"
        ) from None


def load_checkpoint(path):
    """Load and validate a checkpoint written by save_checkpoint.

    Returns a tuple of:
    - params: dict of the stored parameters.
    - vocab: the Vocabulary it was trained with.

    Raises FileNotFoundError for a missing file and ValueError, naming the file, for one
    that is corrupt, truncated, or whose arrays are missing or inconsistent.
    """
    arrays = _read(path)
    missing = [k for k in CHECKPOINT_KEYS if k not in arrays]
    extra = sorted(k for k in set(arrays) - set(CHECKPOINT_KEYS) if not k.startswith(RESUME))
    if missing or extra:
        raise ValueError(
            f"{path}: not a valid char-RNN checkpoint (missing arrays {missing}, "
            f"unexpected arrays {extra}; expected {list(CHECKPOINT_KEYS)})"
        )
    try:
        params = {n: arrays[n] for n in PARAM_NAMES}
        for n, a in params.items():
            if a.dtype not in (np.float32, np.float64):
                raise ValueError(f"{n} has dtype {a.dtype}, expected float32 or float64")
        _, V = char_params(params)
        for n, a in params.items():
            if not np.all(np.isfinite(a)):
                raise ValueError(f"{n} contains NaN or infinite values")
        vocab = Vocabulary.from_code_points(arrays["vocab"])
        if len(vocab) != V:
            raise ValueError(f"vocab has {len(vocab)} characters but W_hy has V = {V} rows")
    except (ValueError, TypeError) as err:
        raise ValueError(f"{path}: not a valid char-RNN checkpoint ({err})") from None
    return params, vocab


def load_resume_state(path):
    """The resume arrays of a checkpoint (dict without the prefix), or None if it has none."""
    arrays = _read(path)
    state = {k.removeprefix(RESUME): v for k, v in arrays.items() if k.startswith(RESUME)}
    return state or None
