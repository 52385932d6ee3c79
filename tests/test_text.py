"""Tests of rnnlib.text: the character vocabulary and the text loader."""

import numpy as np
import pytest

from rnnlib.text import Vocabulary, load_text


def test_from_text_sorts_distinct_characters():
    vocab = Vocabulary.from_text("hello world")
    assert vocab.chars == " dehlorw"
    assert len(vocab) == 8


def test_encode_gives_positions_in_the_sorted_list():
    vocab = Vocabulary.from_text("hello")  # e h l o
    ix = vocab.encode("hole")
    assert ix.dtype == np.int64
    np.testing.assert_array_equal(ix, [1, 3, 2, 0])
    assert vocab.decode(ix) == "hole"
    assert vocab.decode([]) == ""


def test_round_trip_non_ascii():
    text = "Grüße, naïve café — ☕ and 🙂!"
    vocab = Vocabulary.from_text(text)
    assert vocab.decode(vocab.encode(text)) == text
    assert list(vocab.chars) == sorted(set(text))


def test_custom_order_is_kept():
    vocab = Vocabulary("cab")
    np.testing.assert_array_equal(vocab.encode("abc"), [1, 2, 0])
    assert vocab.decode(np.array([0, 1, 2])) == "cab"


def test_unknown_character_is_named():
    vocab = Vocabulary.from_text("abc")
    with pytest.raises(ValueError, match=r"'z' at position 2 is not in the vocabulary"):
        vocab.encode("abzc")
    with pytest.raises(ValueError, match="'~'"):
        vocab.encode("~")  # sorts after every vocabulary character


def test_bad_vocabularies_and_indices():
    with pytest.raises(ValueError, match="repeats"):
        Vocabulary("abca")
    with pytest.raises(ValueError, match="chars: is empty, at least 1"):
        Vocabulary("")
    with pytest.raises(ValueError, match="empty"):
        Vocabulary.from_text("")
    vocab = Vocabulary("ab")
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        vocab.decode([0, 2])
    with pytest.raises(ValueError, match="integers"):
        vocab.decode(np.array([0.0, 1.0]))
    with pytest.raises(TypeError):
        vocab.encode(b"ab")


def test_code_points_round_trip():
    vocab = Vocabulary.from_text("aé🙂\n")
    codes = vocab.code_points()
    assert codes.dtype == np.int32
    np.testing.assert_array_equal(codes, [10, 97, 233, 0x1F642])
    assert Vocabulary.from_code_points(codes) == vocab
    with pytest.raises(ValueError, match="code point"):
        Vocabulary.from_code_points(np.array([-1]))
    with pytest.raises(ValueError):
        Vocabulary.from_code_points(np.array([0xD800]))  # a lone surrogate


def test_load_text_reads_utf8(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("\ufeffcafé\n".encode())
    assert load_text(path) == "café\n"  # the byte-order mark is dropped


def test_load_text_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        load_text(tmp_path / "missing.txt")
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("café".encode("latin-1"))
    with pytest.raises(ValueError, match=r"not UTF-8 .*0xe9 at offset 3"):
        load_text(bad)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="is empty"):
        load_text(empty)
    short = tmp_path / "short.txt"
    short.write_text("abc", encoding="utf-8")
    with pytest.raises(ValueError, match="3 characters, too short: at least 10"):
        load_text(short, min_length=10)
    with pytest.raises(ValueError, match="folder"):
        load_text(tmp_path)
