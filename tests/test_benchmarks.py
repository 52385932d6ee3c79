"""The speed benchmark runs, and its lock-step comparison is real (tiny sizes: not a timing)."""

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "char_rnn_speed.py"


def run(*args):
    out = subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out.strip().splitlines()[-1])  # the last line is the JSON summary


def test_last_line_is_json_with_the_sizes_asked_for():
    result = run("--batch", "3", "--hidden", "6", "--vocab", "7", "--seq-length", "4",
                 "--dtype", "float32", "--iterations", "3", "--repeats", "1")
    assert result["chars_per_second"] > 0
    sizes = [result[k] for k in ("batch", "hidden", "vocab", "seq_length")]
    assert sizes == [3, 6, 7, 4]
    assert result["dtype"] == "float32"


def test_fast_trainer_follows_the_reference_in_lock_step():
    result = run("--batch", "1", "--hidden", "8", "--vocab", "5", "--seq-length", "6",
                 "--dtype", "float64", "--iterations", "3", "--repeats", "1", "--reference",
                 "--lockstep-steps", "50")
    assert result["lockstep_steps"] == 50
    assert result["lockstep_max_rel_diff"] <= 1e-12
    assert result["lockstep_max_rel_diff_after_update"] <= 1e-12
