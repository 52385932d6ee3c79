"""Markdown tables of the stored char-RNN speed results (benchmarks/results/char_rnn_speed.json).

    python benchmarks/speed_table.py            # prints the tables
    python benchmarks/speed_table.py --check    # exit 1 if a README does not contain them

README.md's Speed section and benchmarks/README.md quote this output verbatim (a test
checks it), so every speed number of the course comes from one file. Results are looked
up by the names char_rnn_speed.py --save gave them: b64_vs_torch (B = 64, float32, against
PyTorch), b1_vs_reference (B = 1, float64, against the per-step reference and PyTorch), each
with repeat runs b64_vs_torch_2, ... shown beside it, and
threads_b64_idle, threads_b64_loaded, threads_b1_idle, threads_b1_loaded (1 against 2 BLAS
threads, without and with two extra busy processes).
"""

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "char_rnn_speed.json"
READMES = (ROOT / "README.md", ROOT / "benchmarks" / "README.md")


def rate(s):
    """'412,000 chars/s (356,000-468,000)': median, then min-max, to 3 significant digits."""
    def r(x):
        return f"{float(f'{x:.3g}'):,.0f}"
    return f"{r(s['median'])} ({r(s['min'])}–{r(s['max'])})"


def ratio(s):
    return f"{s['median']:.2f}× ({s['min']:.2f}–{s['max']:.2f})"


def setting(res):
    s = res["setting"]
    return (f"B = {s['batch']}, H = {s['hidden']}, V = {s['vocab']}, T = {s['seq_length']}, "
            f"{s['dtype']}")


def machine(res):
    m = res["machine"]
    blas = ", ".join(f"{b['internal_api']} {b['version']} ({b['architecture']} kernel)"
                     for b in m["blas"])
    torch = f", PyTorch {m['torch']}" if m.get("torch") else ""
    return (f"{m['cpu_model']}, {m['cpu_count']} cores; Python {m['python']}, NumPy "
            f"{m['numpy']} with {blas}{torch}")


def load(res):
    return f"{res['load_average_start']:.1f}–{res['load_average_end']:.1f}"


def markdown(results):
    """The tables (a str) for the stored ``results`` dict."""
    lines = []
    runs = [(name, results[name]) for prefix in ("b64_vs_torch", "b1_vs_reference")
            for name in sorted(results) if name.split("_")[:3] == prefix.split("_")]
    if runs:
        lines += ["| setting | machine load | rnnlib, 1 thread (chars/s) | compared with, "
                  "1 thread (chars/s) | ratio | share of the matmul bound |",
                  "|---|---|---|---|---|---|"]
        for _, res in runs:
            one = res["threads"]["1"]
            if "torch" in one:
                other, vs = f"PyTorch: {rate(one['torch'])}", one["numpy_vs_torch"]
            else:
                other, vs = f"per-step reference: {rate(one['reference'])}", \
                    one["numpy_vs_reference"]
            lines.append(f"| {setting(res)} | {load(res)} | {rate(one['numpy'])} | {other} | "
                         f"{ratio(vs)} | "
                         f"{one['fraction_of_matmul_bound']['median']:.0%} of "
                         f"{rate(one['matmul_bound'])} |")
            if "reference" in one and "torch" in one:
                lines.append(f"| {setting(res)} | (same run) | (same run) | per-step reference: "
                             f"{rate(one['reference'])} | {ratio(one['numpy_vs_reference'])} "
                             "| |")
        lines.append("")
    threads = [(name, results[name]) for name in ("threads_b64_idle", "threads_b64_loaded",
                                                  "threads_b1_idle", "threads_b1_loaded")
               if name in results]
    if threads:
        lines += ["| setting | condition: machine load | rnnlib, 1 thread (chars/s) "
                  "| rnnlib, 2 threads (chars/s) | 2 threads / 1 thread |", "|---|---|---|---|---|"]
        for _, res in threads:
            t1, t2 = res["threads"]["1"], res["threads"]["2"]
            lines.append(f"| {setting(res)} | {res['condition']}: {load(res)} | "
                         f"{rate(t1['numpy'])} | {rate(t2['numpy'])} | "
                         f"{ratio(t2['numpy_vs_threads_1'])} |")
        lines.append("")
    first = (runs or threads)[0][1] if (runs or threads) else None
    if first is not None:
        lines.append(f"Machine: {machine(first)}. Each cell: median (min–max) over "
                     "alternating rounds; machine load: the 1-minute load average at the "
                     "start and the end of the run.")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--results", default=str(RESULTS), help="the stored results (JSON)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 unless README.md and benchmarks/README.md contain the tables")
    args = parser.parse_args(argv)
    text = markdown(json.loads(Path(args.results).read_text(encoding="utf-8")))
    if args.check:
        missing = [str(p.relative_to(ROOT)) for p in READMES
                   if text not in p.read_text(encoding="utf-8")]
        if missing:
            print(f"not up to date with {Path(args.results).name}: {', '.join(missing)}")
            return 1
        return 0
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
