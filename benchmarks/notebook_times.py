"""Time every notebook of the course, run top to bottom in a fresh kernel.

    python benchmarks/notebook_times.py                 # all lessons and solutions
    python benchmarks/notebook_times.py notebooks/05_*  # some of them

Prints, per notebook, the wall-clock time of the whole run and of its slowest cell (usually
a training run), then a Markdown table for the README. Nothing is written to the notebooks.
"""

import sys
import time
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def seconds(cell):
    t = cell.get("metadata", {}).get("execution", {})
    if "iopub.execute_input" not in t or "shell.execute_reply" not in t:
        return 0.0
    start, end = (datetime.fromisoformat(t[k].replace("Z", "+00:00"))
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


def main(args):
    paths = [Path(a).resolve() for a in args] or sorted(
        list((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
        + list((ROOT / "notebooks" / "solutions").glob("*.ipynb")))
    rows = []
    for path in paths:
        total, slow, what = time_notebook(path)
        rows.append((path.name, total, slow, what))
        print(f"{path.name:55s} {total:6.1f} s   slowest cell {slow:5.1f} s: {what}", flush=True)
    print("\n| notebook | whole run (s) | slowest cell (s) |\n|---|---|---|")
    for name, total, slow, _ in rows:
        print(f"| {name} | {total:.1f} | {slow:.1f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
