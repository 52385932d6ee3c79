"""The speed benchmark runs and records what it measured; its lock-step comparison is real;
the READMEs quote the stored results; notebook_times records its run. Tiny sizes: nothing
here is a timing, and no test asserts on a time."""

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
SCRIPT = BENCH / "char_rnn_speed.py"
TINY = ("--batch", "3", "--hidden", "6", "--vocab", "7", "--seq-length", "4",
        "--iterations", "2", "--rounds", "3")


def run(*args):
    out = subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out.strip().splitlines()[-1])  # the last line is the JSON summary


def module(name):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_result_records_setting_machine_and_every_thread_count(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"older": {"kept": True}}))
    result = run(*TINY, "--dtype", "float32", "--threads", "1", "2", "--condition", "quiet",
                 "--save", "tiny", "--results", str(path))
    assert result["setting"] == {"batch": 3, "hidden": 6, "vocab": 7, "seq_length": 4,
                                 "dtype": "float32", "iterations": 2, "rounds": 3}
    assert result["condition"] == "quiet"
    m = result["machine"]
    assert m["blas"] and {"internal_api", "architecture", "num_threads"} <= set(m["blas"][0])
    assert m["cpu_model"] and m["numpy"] and m["python"] and m["torch"] is None
    assert set(result["threads"]) == {"1", "2"}
    for k, entry in result["threads"].items():
        for name in ("numpy", "matmul_bound"):
            s = entry[name]
            assert 0 < s["min"] <= s["median"] <= s["max"], (k, name)
        assert entry["fraction_of_matmul_bound"]["median"] > 0
        assert "numpy_vs_torch" not in entry  # no --compare-torch, no ratio
    assert "numpy_vs_threads_1" in result["threads"]["2"]
    stored = json.loads(path.read_text())
    assert stored == {"older": {"kept": True}, "tiny": result}  # saved beside, not over


def test_fast_trainer_follows_the_reference_in_lock_step():
    result = run(*TINY, "--dtype", "float64", "--reference", "--lockstep-steps", "50")
    assert result["lockstep"]["steps"] == 50
    assert result["lockstep"]["max_rel_diff"] <= 1e-12
    assert result["lockstep"]["max_rel_diff_after_update"] <= 1e-12
    assert result["threads"]["1"]["numpy_vs_reference"]["median"] > 0


@pytest.mark.parametrize("bad", [("--threads", "0"), ("--rounds", "0"), ("--batch", "-1")])
def test_bad_options_exit_with_status_2(bad):
    r = subprocess.run([sys.executable, str(SCRIPT), *bad], capture_output=True, text=True)
    assert r.returncode == 2 and "at least 1" in r.stderr


def test_readmes_quote_the_stored_results():
    table = module("speed_table")
    results = json.loads(table.RESULTS.read_text(encoding="utf-8"))
    text = table.markdown(results)
    assert "b64_vs_torch" in results and "b1_vs_reference" in results
    assert f"{results['b64_vs_torch']['threads']['1']['numpy_vs_torch']['median']:.2f}×" in text
    for readme in table.READMES:
        assert text in readme.read_text(encoding="utf-8"), f"{readme.name} is out of date"
    speed = table.READMES[0].read_text(encoding="utf-8").split("\n## Speed\n")[1]
    speed = speed.split("\n## ")[0]  # README.md's Speed section
    for text in (speed, table.READMES[1].read_text(encoding="utf-8")):
        assert not re.search(r"\bseed\s+\d|\bseed's", text, re.IGNORECASE)  # no source


def test_table_rounds_to_three_significant_digits():
    table = module("speed_table")
    assert table.rate({"min": 98_765.4, "median": 123_456.7, "max": 1_234_567.0}) == \
        "123,000 (98,800–1,230,000)"
    assert table.ratio({"min": 2.0, "median": 2.555, "max": 3.1}).startswith("2.56× (2.00")


def test_notebook_times_records_machine_load_and_slowest_cell(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"),
                nbformat.v4.new_code_cell("import time\ntime.sleep(0.3)"),
                nbformat.v4.new_markdown_cell("text")]
    path = tmp_path / "01_tiny.ipynb"
    nbformat.write(nb, path)
    out = tmp_path / "times.json"
    assert module("notebook_times").main([str(path), "--out", str(out)]) == 0
    record = json.loads(out.read_text())
    assert {"cpu_model", "cpu_count", "python", "numpy", "blas"} <= set(record["machine"])
    assert "load_average_start" in record and "load_average_end" in record
    (row,) = record["notebooks"]
    assert row["notebook"] == "01_tiny.ipynb"
    assert row["slowest_cell"] == "import time"  # the cell that sleeps, not "x = 1"
    assert row["seconds"] >= row["slowest_cell_seconds"] > 0
    assert nbformat.read(path, as_version=4).cells[0].outputs == []  # notebook untouched
