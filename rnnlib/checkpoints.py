"""Char-model checkpoints: parameters, vocabulary and (optionally) the state to resume.

An .npz archive of plain arrays read with allow_pickle=False: the parameters of the model
(any cell of rnnlib.CHAR_MODELS: the names of its arrays tell which), the vocabulary as int32
code points, and for resuming, arrays named ``resume.*`` (step count, stream position,
carried state, optimizer memory and the training options as JSON, the cell among them).
"""

import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from ._checks import validated
from .models import CHAR_MODELS, char_cell
from .text import Vocabulary

RESUME = "resume."


def _is_checkpoint(path):
    """True if ``path`` is an .npz archive with a vocabulary and a cell's parameters."""
    try:
        with zipfile.ZipFile(path) as z:
            names = {n.removesuffix(".npy") for n in z.namelist()}
    except (OSError, zipfile.BadZipFile):
        return False
    return "vocab" in names and any(set(m.param_names) <= names for m in CHAR_MODELS.values())


def check_checkpoint_path(path):
    """Check that a checkpoint can be written at ``path``, before any work is done.

    Refuses a folder, a missing or unwritable folder, and an existing file that is not a
    checkpoint (a checkpoint replaces only a checkpoint). Returns the path as a Path.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path: expected a file name, got {type(path).__name__}")
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"{path}: is a folder; give a file name, e.g. {path / 'model.npz'}")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"{path}: cannot save, folder {path.parent} does not exist")
    if path.exists() and not _is_checkpoint(path):
        raise FileExistsError(f"{path}: exists and is not a checkpoint; it is never overwritten "
                              "(choose another file name)")
    if not os.access(path.parent, os.W_OK | os.X_OK) or (path.exists()
                                                         and not os.access(path, os.W_OK)):
        raise PermissionError(f"{path}: cannot save there, permission denied")
    return path


def _save_args(path, params, vocab, resume=None):
    _, V = CHAR_MODELS[char_cell(params)].sizes(params)
    if not isinstance(vocab, Vocabulary):
        raise TypeError(f"vocab: expected a Vocabulary, got {type(vocab).__name__}")
    if len(vocab) != V:
        raise ValueError(f"vocab: has {len(vocab)} characters but the model expects {V}")
    if resume is not None and not isinstance(resume, dict):
        raise TypeError(f"resume: expected a dict name -> array, got {type(resume).__name__}")
    check_checkpoint_path(path)


def _umask_mode():
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask  # what open() would give a new file


@validated(_save_args)
def save_checkpoint(path, params, vocab, resume=None):
    """Save parameters, vocabulary and optional resume state to an .npz file, atomically.

    Writes a temporary file in the same folder and renames it over ``path``, so an
    interrupted save never leaves a half-written checkpoint behind. The file gets the mode
    of any new file (the umask's). An existing file is replaced only if it is a checkpoint.

    Inputs:
    - path: where to write. params: a char model's parameter dict. vocab: its Vocabulary.
    - resume: optional dict name -> array (CharRNNTrainer.state_dict()).
    """
    path = Path(path)
    arrays = {n: params[n] for n in CHAR_MODELS[char_cell(params)].param_names}
    arrays.update({RESUME + k: np.asarray(v) for k, v in (resume or {}).items()})
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:  # a file object: np.savez adds no ".npz" suffix
            np.savez(f, vocab=vocab.code_points(), **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _umask_mode())  # mkstemp makes it 0600
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _path_args(path):
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path: expected a file name, got {type(path).__name__}")
    if not Path(path).exists():
        raise FileNotFoundError(f"{path}: no such checkpoint file")


def _read(path):
    """All arrays of a checkpoint file; ValueError naming the file if it is not one."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as f:
            return {k: f[k] for k in f.files}
    except Exception as err:  # zipfile.BadZipFile, EOFError, OSError, zlib.error, pickle, ...
        raise ValueError(
            f"{path}: not a valid char-RNN checkpoint (corrupt or truncated file, or not "
            f"an .npz archive: {type(err).__name__}: {err})"
        ) from None


@validated(_path_args)
def load_checkpoint(path):
    """Load and validate a checkpoint written by save_checkpoint (any cell).

    Returns a tuple of:
    - params: dict of the stored parameters (rnnlib.char_cell(params) names the cell).
    - vocab: the Vocabulary it was trained with.

    Raises FileNotFoundError for a missing file and ValueError, naming the file, for one
    that is corrupt, truncated, or whose arrays are missing or inconsistent.
    """
    arrays = _read(path)
    params = {k: v for k, v in arrays.items() if k != "vocab" and not k.startswith(RESUME)}
    try:
        cell = char_cell(params)
        saved = json.loads(str(arrays.get(RESUME + "config", "{}")))
        if saved.get("cell", cell) != cell:
            raise ValueError(f"its options name the cell {saved['cell']!r} but it holds a "
                             f"{cell!r} model's parameters")
        if "vocab" not in arrays:
            raise ValueError("it has no vocabulary")
        for n, a in params.items():
            if a.dtype not in (np.float32, np.float64):
                raise ValueError(f"{n} has dtype {a.dtype}, expected float32 or float64")
        _, V = CHAR_MODELS[cell].sizes(params)
        for n, a in params.items():
            if not np.all(np.isfinite(a)):
                raise ValueError(f"{n} contains NaN or infinite values")
        vocab = Vocabulary.from_code_points(arrays["vocab"])
        if len(vocab) != V:
            raise ValueError(f"vocab has {len(vocab)} characters but W_hy has V = {V} rows")
    except (ValueError, TypeError) as err:
        raise ValueError(f"{path}: not a valid char-RNN checkpoint ({err})") from None
    return params, vocab


@validated(_path_args)
def load_resume_state(path):
    """The resume arrays of a checkpoint (dict without the prefix), or None if it has none."""
    arrays = _read(path)
    state = {k.removeprefix(RESUME): v for k, v in arrays.items() if k.startswith(RESUME)}
    return state or None
