"""Text to numbers and back: a character vocabulary and a careful text loader.

    vocab = Vocabulary.from_text("hello")     # characters sorted: 'e', 'h', 'l', 'o'
    ix = vocab.encode("hole")                 # int64 array [1, 3, 2, 0]
    vocab.decode(ix)                          # 'hole'
    text = load_text("my_file.txt")           # str; clear errors for bad files
    train, val = train_val_split(text, 0.9)   # contiguous parts
"""

from pathlib import Path

import numpy as np

from ._checks import check_alphabet, check_integers, check_positive, check_text, validated


def _code_points(text):
    """(L,) uint32 array of the Unicode code points of ``text``."""
    return np.frombuffer(text.encode("utf-32-le", errors="surrogatepass"), dtype="<u4")


def _code_point_args(cls, codes):
    chars = "".join(map(chr, check_integers("codes", codes, 0, 0x10FFFF, "every code point")))
    try:
        chars.encode("utf-8")  # lone surrogates cannot be written out
    except UnicodeEncodeError as err:
        raise ValueError(f"codes: not valid characters ({err})") from None
    check_alphabet(chars, "codes")


def _decode_args(self, indices):
    if np.size(indices):  # an empty sequence decodes to ""
        check_integers("indices", indices, 0, len(self) - 1, "every index")


class Vocabulary:
    """A fixed list of distinct characters; a character's index is its position in the list.

    Inputs:
    - chars: a string (or iterable) of distinct characters, kept in the order given.
      ``Vocabulary.from_text`` builds one with the characters of a text, sorted.
    """

    @validated(lambda self, chars: check_alphabet("".join(chars), "chars"))
    def __init__(self, chars):
        self.chars = "".join(chars)
        self._codes = _code_points(self.chars)  # (V,) code point of each index
        self._order = np.argsort(self._codes)  # indices sorted by code point
        self._sorted = self._codes[self._order]  # for binary search in encode

    @classmethod
    @validated(lambda cls, text: check_text("text", text))
    def from_text(cls, text):
        """The vocabulary of every distinct character in ``text``, sorted by code point."""
        return cls("".join(sorted(set(text))))

    @classmethod
    @validated(_code_point_args)
    def from_code_points(cls, codes):
        """Rebuild a vocabulary from an integer array of Unicode code points (checkpoints)."""
        return cls("".join(map(chr, np.asarray(codes).tolist())))

    def code_points(self):
        """The vocabulary as an int32 array of code points, (V,), in index order."""
        return self._codes.astype(np.int32)

    def __len__(self):
        return len(self.chars)

    def __eq__(self, other):
        return isinstance(other, Vocabulary) and self.chars == other.chars

    def __repr__(self):
        return f"Vocabulary({self.chars!r})"

    @validated(lambda self, text: check_text("text", text, 0))
    def encode(self, text):
        """Turn a string into indices, one per character.

        Inputs:
        - text: str whose characters are all in the vocabulary (else a ValueError names the
          first one that is not).

        Returns:
        - indices: (L,) int64 array.
        """
        codes = _code_points(text)  # (L,)
        pos = np.searchsorted(self._sorted, codes)  # where each code would sit, (L,)
        pos = np.minimum(pos, len(self._sorted) - 1)
        unknown = self._sorted[pos] != codes
        if np.any(unknown):
            i = int(np.argmax(unknown))
            more = "..." if len(self) > 40 else ""
            raise ValueError(f"text: character {text[i]!r} at position {i} is not in the "
                             f"vocabulary ({len(self)} characters: {self.chars[:40]!r}{more})")
        return self._order[pos].astype(np.int64)

    @validated(_decode_args)
    def decode(self, indices):
        """Turn a sequence of indices back into a string.

        Inputs:
        - indices: (L,) integers in [0, V).

        Returns:
        - text: str of length L.
        """
        ix = np.asarray(indices, dtype=np.int64)
        return self._codes[ix].astype("<u4").tobytes().decode("utf-32-le")


def _load_args(path, min_length=2):
    check_positive("min_length", min_length, integer=True)
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise ValueError(f"{path}: is a folder, expected a text file")


@validated(_load_args)
def load_text(path, min_length=2):
    """Read a UTF-8 text file, refusing files that cannot train a character model.

    Inputs:
    - path: file name (str or Path).
    - min_length: fewest characters accepted (an input and a target need at least 2).

    Returns:
    - text: the file's contents as a str (without a byte-order mark).

    A missing file raises FileNotFoundError; a folder, a file that is not UTF-8 or shorter
    than ``min_length`` characters raises ValueError, naming the file.
    """
    path = Path(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")  # a byte-order mark is not text
    except UnicodeDecodeError as err:
        raise ValueError(f"{path}: is not UTF-8 text (byte 0x{data[err.start]:02x} at offset "
                         f"{err.start}); save it as UTF-8 or convert it, e.g. with iconv") from None
    if len(text) < min_length:  # min_length >= 1: an empty file stops here
        have = f"has {len(text)} characters, too short" if text else "is empty"
        raise ValueError(f"{path}: {have}: at least {min_length} characters needed")
    return text


def _split_args(text, fraction=0.9):
    if not isinstance(text, (str, np.ndarray)):
        raise TypeError(f"text: expected a str or 1-D array, got {type(text).__name__}")
    if isinstance(text, np.ndarray) and text.ndim != 1:
        raise ValueError(f"text: expected a 1-D array, got shape {text.shape}")
    check_positive("fraction", fraction)
    if not 0 < fraction < 1:
        raise ValueError(f"fraction: expected a number strictly between 0 and 1, got {fraction}")
    n = round(fraction * len(text))
    if n < 2 or len(text) - n < 2:
        raise ValueError(f"text: {len(text)} characters split at fraction {fraction} leave {n} "
                         f"for training and {len(text) - n} for validation; each needs at least 2")


@validated(_split_args)
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
    n = round(fraction * len(text))
    return text[:n], text[n:]
