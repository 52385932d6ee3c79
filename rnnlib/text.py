"""Text to numbers and back: a character vocabulary and a careful text loader.

    vocab = Vocabulary.from_text("hello")     # characters sorted: 'e', 'h', 'l', 'o'
    ix = vocab.encode("hole")                 # int64 array [1, 3, 2, 0]
    vocab.decode(ix)                          # 'hole'
    text = load_text("my_file.txt")           # str; clear errors for bad files
    train, val = train_val_split(text, 0.9)   # contiguous parts
"""

from pathlib import Path

import numpy as np

from ._checks import check_positive


class Vocabulary:
    """A fixed list of distinct characters; a character's index is its position in the list.

    Inputs:
    - chars: a string (or iterable) of distinct characters, kept in the order given.
      ``Vocabulary.from_text`` builds one with the characters of a text, sorted.
    """

    def __init__(self, chars):
        chars = "".join(chars) if not isinstance(chars, str) else chars
        if not chars:
            raise ValueError("chars: a vocabulary needs at least one character, got none")
        if len(set(chars)) != len(chars):
            dup = next(c for i, c in enumerate(chars) if c in chars[:i])  # the first repeat
            raise ValueError(f"chars: every character must appear once; {dup!r} repeats")
        self.chars = chars
        self._codes = _code_points(chars)  # (V,) code point of each index
        self._order = np.argsort(self._codes)  # indices sorted by code point
        self._sorted = self._codes[self._order]  # for binary search in encode

    @classmethod
    def from_text(cls, text):
        """The vocabulary of every distinct character in ``text``, sorted by code point."""
        if not isinstance(text, str):
            raise TypeError(f"text: expected a str, got {type(text).__name__}")
        if not text:
            raise ValueError("text: is empty; a vocabulary needs at least one character")
        return cls("".join(sorted(set(text))))

    @classmethod
    def from_code_points(cls, codes):
        """Rebuild a vocabulary from an integer array of Unicode code points (checkpoints)."""
        codes = np.asarray(codes)
        if codes.ndim != 1 or not np.issubdtype(codes.dtype, np.integer):
            raise ValueError(
                f"codes: expected a 1-D integer array of code points, "
                f"got dtype {codes.dtype} and shape {codes.shape}"
            )
        if codes.size and (codes.min() < 0 or codes.max() > 0x10FFFF):
            raise ValueError("codes: values must be Unicode code points in [0, 0x10FFFF]")
        try:
            chars = "".join(chr(int(c)) for c in codes)
            chars.encode("utf-8")  # lone surrogates cannot be written out
        except (ValueError, UnicodeEncodeError) as err:
            raise ValueError(f"codes: not valid characters ({err})") from None
        return cls(chars)

    def code_points(self):
        """The vocabulary as an int32 array of code points, (V,), in index order."""
        return self._codes.astype(np.int32)

    def __len__(self):
        return len(self.chars)

    def __contains__(self, char):
        return isinstance(char, str) and len(char) == 1 and char in self.chars

    def __eq__(self, other):
        return isinstance(other, Vocabulary) and self.chars == other.chars

    def __hash__(self):
        return hash(self.chars)

    def __repr__(self):
        return f"Vocabulary({self.chars!r})"

    def encode(self, text):
        """Turn a string into an int64 array of indices, one per character.

        Inputs:
        - text: str whose characters are all in the vocabulary.

        Returns:
        - indices: (L,) int64 array.

        Raises ValueError naming the first character that is not in the vocabulary.
        """
        if not isinstance(text, str):
            raise TypeError(f"text: expected a str, got {type(text).__name__}")
        codes = _code_points(text)  # (L,)
        pos = np.searchsorted(self._sorted, codes)  # where each code would sit, (L,)
        pos = np.minimum(pos, len(self._sorted) - 1)
        unknown = self._sorted[pos] != codes
        if np.any(unknown):
            i = int(np.argmax(unknown))
            raise ValueError(
                f"text: character {text[i]!r} at position {i} is not in the vocabulary "
                f"({len(self)} characters: {self.chars[:40]!r}"
                f"{'...' if len(self) > 40 else ''})"
            )
        return self._order[pos].astype(np.int64)

    def decode(self, indices):
        """Turn a sequence of indices back into a string.

        Inputs:
        - indices: (L,) integers in [0, V).

        Returns:
        - text: str of length L.
        """
        ix = np.asarray(indices)
        if ix.size == 0:
            return ""
        if ix.ndim != 1 or not np.issubdtype(ix.dtype, np.integer):
            raise ValueError(
                f"indices: expected a 1-D sequence of integers, "
                f"got dtype {ix.dtype} and shape {ix.shape}"
            )
        if ix.min() < 0 or ix.max() >= len(self):
            raise ValueError(
                f"indices: must lie in [0, {len(self) - 1}], "
                f"got values from {ix.min()} to {ix.max()}"
            )
        return self._codes[ix].astype("<u4").tobytes().decode("utf-32-le")


def _code_points(text):
    """(L,) uint32 array of the Unicode code points of ``text``."""
    return np.frombuffer(text.encode("utf-32-le", errors="surrogatepass"), dtype="<u4")


def load_text(path, min_length=2):
    """Read a UTF-8 text file, refusing files that cannot train a character model.

    Inputs:
    - path: file name (str or Path).
    - min_length: fewest characters accepted (an input and a target need at least 2).

    Returns:
    - text: the file's contents as a str.

    Raises FileNotFoundError for a missing file and ValueError, naming the file, for a
    file that is not UTF-8, is empty, or is shorter than ``min_length`` characters.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise ValueError(f"{path}: is a folder, expected a text file")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(
            f"{path}: is not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start}); "
            "save it as UTF-8 or convert it, e.g. with iconv"
        ) from None
    text = text.removeprefix("\ufeff")  # a byte-order mark is not part of the text
    if not text:
        raise ValueError(f"{path}: is empty; a character model needs some text to learn from")
    if len(text) < min_length:
        raise ValueError(
            f"{path}: has {len(text)} characters, too short: at least {min_length} needed"
        )
    return text


def train_val_split(text, fraction=0.9):
    """Cut a text into a training part (the first ``fraction``) and a validation part.

    The cut is contiguous, not shuffled: characters depend on their neighbours, and the
    validation text should read like unseen text, not like gaps inside the training text.

    Inputs:
    - text: str (or 1-D array) of length L >= 4.
    - fraction: share of the text used for training, 0 < fraction < 1.

    Returns a tuple of:
    - train: text[:n] with n = round(fraction * L); val: text[n:]. Each has >= 2 characters.
    """
    if isinstance(text, np.ndarray):
        if text.ndim != 1:
            raise ValueError(f"text: expected a 1-D array, got shape {text.shape}")
    elif not isinstance(text, str):
        raise TypeError(f"text: expected a str or 1-D array, got {type(text).__name__}")
    check_positive("fraction", fraction)
    if not 0 < fraction < 1:
        raise ValueError(f"fraction: expected a number strictly between 0 and 1, got {fraction}")
    n = round(fraction * len(text))
    if n < 2 or len(text) - n < 2:
        raise ValueError(
            f"text: {len(text)} characters split at fraction {fraction} leave "
            f"{n} for training and {len(text) - n} for validation; each needs at least 2"
        )
    return text[:n], text[n:]
