"""Time every notebook of the course, run top to bottom in a fresh kernel.

    python benchmarks/notebook_times.py                 # all lessons and solutions
    python benchmarks/notebook_times.py notebooks/05_*  # some of them
    python benchmarks/notebook_times.py --out FILE ...  # record somewhere else

Prints, per notebook, the wall-clock time of the whole run and of its slowest cell (usually
a training run), then a Markdown table for the README. Records the run in
benchmarks/results/notebook_times.json (--out): the machine (CPU model, cores, Python,
NumPy and its BLAS), the 1-minute load average at the start and the end, and per notebook
the seconds of the whole run and of its slowest cell. Nothing is written to the notebooks.
"""

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
from nbclient import NotebookClient
from threadpoolctl import threadpool_info

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "notebook_times.json"


def seconds(cell):
    t = cell.get("metadata", {}).get("execution", {})
    if "iopub.execute_input" not in t or "shell.execute_reply" not in t:
        return 0.0
    start, end = (dt.datetime.fromisoformat(t[k].replace("Z", "+00:00"))
                  for k in ("iopub.execute_input", "shell.execute_reply"))
    return (end - start).total_seconds()


def first_line(cell):
    lines = [ln for ln in "".join(cell["source"]).splitlines() if ln.strip()]
    return lines[0][:60] if lines else ""


def time_notebook(path):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=True,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    total = time.perf_counter() - start
    code = [c for c in nb.cells if c.cell_type == "code"]
    slowest = max(code, key=seconds)
    return total, seconds(slowest), first_line(slowest)


def machine():
    """CPU model and count, Python, NumPy and the BLAS it uses."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f
                        if ln.startswith("model name")), cpu)
    except OSError:
        pass
    blas = [{k: d.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
            for d in threadpool_info() if d.get("user_api") == "blas"]
    return {"cpu_model": cpu, "cpu_count": os.cpu_count(), "python": platform.python_version(),
            "numpy": np.__version__, "blas": blas}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to time (default: all)")
    parser.add_argument("--out", default=str(RESULTS),
                        help="where to record the run (default: benchmarks/results/"
                             "notebook_times.json)")
    args = parser.parse_args(argv)
    paths = [Path(a).resolve() for a in args.notebooks] or sorted(
        list((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
        + list((ROOT / "notebooks" / "solutions").glob("*.ipynb")))
    record = {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
              "machine": machine(), "load_average_start": round(os.getloadavg()[0], 2),
              "notebooks": []}
    for path in paths:
        total, slow, what = time_notebook(path)
        name = (path.relative_to(ROOT / "notebooks").as_posix()
                if path.is_relative_to(ROOT / "notebooks") else path.name)
        record["notebooks"].append({"notebook": name, "seconds": round(total, 1),
                                    "slowest_cell_seconds": round(slow, 1),
                                    "slowest_cell": what})
        print(f"{name:55s} {total:6.1f} s   slowest cell {slow:5.1f} s: {what}", flush=True)
    record["load_average_end"] = round(os.getloadavg()[0], 2)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"\nrecorded in {out}; load average {record['load_average_start']:.1f} at the "
          f"start, {record['load_average_end']:.1f} at the end")
    print("\n| notebook | whole run (s) | slowest cell (s) |\n|---|---|---|")
    for row in record["notebooks"]:
        print(f"| {row['notebook']} | {row['seconds']:.1f} | {row['slowest_cell_seconds']:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
