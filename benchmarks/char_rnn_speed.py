"""Training throughput of rnnlib's char-RNN, against PyTorch, the per-step reference and
the matrix products a step cannot avoid.

Trains on random text of V symbols (made with a numpy Generator; nothing is downloaded).
A training step is the whole update of min-char-rnn's algorithm: forward, summed loss,
backward (truncated BPTT, hidden state carried from chunk to chunk), every gradient entry
clipped to [-5, 5], AdaGrad with lr 0.1. Throughput is chars/s = steps x B x T / seconds.

Contenders, for each BLAS thread count given with --threads (default 1, set with
threadpoolctl for NumPy and torch.set_num_threads for PyTorch, so both use the same count):

- numpy:        rnnlib.CharRNNTrainer with the vectorised rnnlib.char_rnn_loss.
- torch:        (--compare-torch) torch.nn.RNN + nn.Linear + optim.Adagrad on the CPU,
                one-hot inputs, the same update.
- reference:    (--reference) the trainer with rnnlib.char_rnn_loss_reference (one step
                at a time, explicit one-hot vectors).
- matmul_bound: only the matrix products of one step, at its shapes and dtype: T products
                (B, H)@(H, H) forward and T backward, the output layer (V, H)@(H, T*B) and
                its two gradients, and dW_hh (H, T*B)@(T*B, H). No implementation of the
                model can beat it with this BLAS; numpy's fraction of it says how much time
                goes elsewhere.

Every round runs each contender once for --iterations steps, in an order that rotates from
round to round, so a busy machine slows them all alike; the result gives min/median/max
over --rounds rounds, and each ratio (numpy / torch, ...) is taken within a round, then
summarised the same way (with several thread counts, also each contender against itself
at the first count). --reference also trains both losses in lock-step (each step
starting both from the same parameters, AdaGrad memory and state) and reports the largest
relative difference of loss, gradients and carried state.

The printed lines are for people; the LAST line is the result as one JSON object. With
--save NAME the result is also stored under NAME in --results (benchmarks/results/
char_rnn_speed.json by default, other names kept), which speed_table.py turns into the
tables of the READMEs. PyTorch is optional: it is imported only with --compare-torch, and
without it the script says so and skips the comparison.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import ThreadpoolController

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # rnnlib from this checkout

from rnnlib import (  # noqa: E402
    AdaGrad,
    CharRNNTrainer,
    char_rnn_loss,
    char_rnn_loss_reference,
    clip_by_value,
    init_char_rnn_params,
)

RESULTS = Path(__file__).resolve().parent / "results" / "char_rnn_speed.json"


def numpy_runner(data, args, loss_fn=None):
    """A function (iterations, threads) -> seconds that trains a char-RNN with rnnlib."""
    params = init_char_rnn_params(args.vocab, args.hidden, rng=0, dtype=args.dtype)
    model = {} if loss_fn is None else {"loss_fn": loss_fn}
    trainer = CharRNNTrainer(params, data, seq_length=args.seq_length, batch_size=args.batch,
                             lr=0.1, clip=5.0, **model)

    def run(iterations, threads):
        trainer.config.threads = threads  # run() limits the BLAS threads to this
        start = time.perf_counter()
        trainer.run(iterations)
        return time.perf_counter() - start
    return run


def matmul_runner(args, controller):
    """A function (iterations, threads) -> seconds of only the matrix products of a step."""
    B, T, V, H = args.batch, args.seq_length, args.vocab, args.hidden
    rng = np.random.default_rng(1)
    new = lambda *shape: rng.standard_normal(shape).astype(args.dtype)  # noqa: E731
    h, W_hh, W_hy = new(B, H), new(H, H), new(V, H)
    h_all, dy, scores = new(T * B, H), new(V, T * B), new(V, T * B)
    out_h, out_da = new(B, H), new(T * B, H)

    def step():
        for _ in range(T):  # forward recurrence: T products (B, H)@(H, H)
            np.dot(h, W_hh, out=out_h)
        np.matmul(W_hy, h_all.T, out=scores)  # output layer: (V, H)@(H, T*B)
        dy @ h_all  # dW_hy: (V, T*B)@(T*B, H)
        np.matmul(dy.T, W_hy, out=out_da)  # dL/dh from the outputs: (T*B, V)@(V, H)
        for _ in range(T):  # backward recurrence: T products (B, H)@(H, H)
            np.dot(h, W_hh, out=out_h)
        h_all.T @ out_da  # dW_hh: (H, T*B)@(T*B, H)

    step()

    def run(iterations, threads):
        with controller.limit(limits=threads, user_api="blas"):
            start = time.perf_counter()
            for _ in range(iterations):
                step()
            return time.perf_counter() - start
    return run


def torch_runner(data, args):
    """(function (iterations, threads) -> seconds, torch version), or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    torch.manual_seed(0)
    dtype = {"float32": torch.float32, "float64": torch.float64}[args.dtype]
    B, T, V, H = args.batch, args.seq_length, args.vocab, args.hidden
    rnn = torch.nn.RNN(V, H, nonlinearity="tanh", batch_first=True).to(dtype)
    head = torch.nn.Linear(H, V).to(dtype)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adagrad(params, lr=0.1)
    L = len(data) // B
    streams = torch.from_numpy(data[: L * B].reshape(B, L).astype(np.int64))
    state = {"pos": 0, "h": torch.zeros(1, B, H, dtype=dtype)}

    def step():
        p = state["pos"]
        if p + T + 1 > L:
            p, state["h"] = 0, torch.zeros(1, B, H, dtype=dtype)
        state["pos"] = p + T
        x = torch.nn.functional.one_hot(streams[:, p:p + T], V).to(dtype)  # (B, T, V)
        y = streams[:, p + 1:p + T + 1]
        out, h = rnn(x, state["h"])  # (B, T, H)
        logits = head(out)  # (B, T, V)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), y.reshape(-1),
                                                 reduction="sum") / B
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_value_(params, 5.0)
        opt.step()
        state["h"] = h.detach()  # carry the state, cut the graph (truncated BPTT)

    def run(iterations, threads):
        torch.set_num_threads(threads)
        start = time.perf_counter()
        for _ in range(iterations):
            step()
        return time.perf_counter() - start
    return run, torch.__version__


def lockstep_max_rel_diff(data, args):
    """Train with the fast loss; at every step compare it with the reference, same start.

    Returns a tuple of:
    - the largest max|fast - reference| / max|reference| over every step of the loss, the
      five gradients and the carried hidden state (what the two implementations compute);
    - the same for the parameters after the clipped AdaGrad update from the same start.
      AdaGrad divides by sqrt(memory), which amplifies rounding differences in tiny
      gradient entries, so this one is larger.
    """
    def rel(a, b):
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        scale = np.max(np.abs(b))
        return float(np.max(np.abs(a - b)) / scale) if scale > 0 else float(np.max(np.abs(a)))

    params = init_char_rnn_params(args.vocab, args.hidden, rng=0, dtype=args.dtype)
    trainer = CharRNNTrainer(params, data, seq_length=args.seq_length, batch_size=args.batch)
    opt = AdaGrad(0.1)
    worst, worst_update = 0.0, 0.0
    for _ in range(args.lockstep_steps):
        x, y = trainer.next_chunk()
        lf, gf, hf = char_rnn_loss(params, x, y, trainer.state)
        lr_, gr, hr = char_rnn_loss_reference(params, x, y, trainer.state)
        diffs = [rel(lf, lr_), rel(hf, hr)] + [rel(gf[n], gr[n]) for n in gf]
        # The update from either gradient, from the same parameters and AdaGrad memory.
        params_r = {n: p.copy() for n, p in params.items()}
        opt_r = AdaGrad(0.1)
        opt_r.memory = {n: m.copy() for n, m in opt.memory.items()}
        opt_r.step(params_r, clip_by_value(gr, 5.0))
        opt.step(params, clip_by_value(gf, 5.0))
        worst = max(worst, *diffs)
        worst_update = max(worst_update, *(rel(params[n], params_r[n]) for n in params_r))
        trainer.state = hf  # carry the fast path's state; the reference restarts from it
    return worst, worst_update


def summary(values, digits):
    """min, median and max of ``values``, rounded to ``digits`` decimals."""
    return {k: round(f(values), digits)
            for k, f in (("min", min), ("median", statistics.median), ("max", max))}


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine(controller, torch_version):
    blas = [{k: d.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
            for d in controller.select(user_api="blas").info()]
    return {"cpu_model": cpu_model(), "cpu_count": os.cpu_count(),
            "python": platform.python_version(), "numpy": np.__version__,
            "blas": blas, "torch": torch_version}


def measure(args):
    """Run every contender for every thread count; return the result dict."""
    controller = ThreadpoolController()
    load_start = os.getloadavg()[0]
    rng = np.random.default_rng(0)
    n_chars = max(100_000, 4 * args.batch * (args.seq_length + 1))
    data = rng.integers(0, args.vocab, size=n_chars)  # random text of V symbols
    chars_per_step = args.batch * args.seq_length

    runners = {"numpy": numpy_runner(data, args), "matmul_bound": matmul_runner(args, controller)}
    torch_version = None
    if args.compare_torch:
        got = torch_runner(data, args)
        if got is None:
            print("torch is not installed: skipping the PyTorch comparison")
        else:
            runners["torch"], torch_version = got
    if args.reference:
        runners["reference"] = numpy_runner(data, args, char_rnn_loss_reference)
    info = machine(controller, torch_version)

    contenders = [(name, k) for k in args.threads for name in runners]
    for name, k in contenders:  # warm-up: caches, allocator, thread pools
        runners[name](min(5, args.iterations), k)
    rates = {c: [] for c in contenders}
    for r in range(args.rounds):
        shift = r % len(contenders)
        done = []
        for name, k in contenders[shift:] + contenders[:shift]:
            seconds = runners[name](args.iterations, k)
            rates[name, k].append(args.iterations * chars_per_step / seconds)
            done.append(f"{name}/{k}t {seconds:.2f} s")
        print(f"round {r + 1}/{args.rounds}: {', '.join(done)}", file=sys.stderr, flush=True)

    by_threads = {}
    for k in args.threads:
        entry = {name: summary(rates[name, k], 0) for name in runners}
        ours = rates["numpy", k]
        for other, label in (("torch", "numpy_vs_torch"), ("reference", "numpy_vs_reference"),
                             ("matmul_bound", "fraction_of_matmul_bound")):
            if other in runners:
                entry[label] = summary([a / b for a, b in zip(ours, rates[other, k],
                                                              strict=True)], 3)
        if k != args.threads[0]:  # the same contender with the first thread count
            for name in ("numpy", "torch"):
                if name in runners:
                    entry[f"{name}_vs_threads_{args.threads[0]}"] = summary(
                        [a / b for a, b in zip(rates[name, k], rates[name, args.threads[0]],
                                               strict=True)], 3)
        by_threads[str(k)] = entry
        for name in runners:
            s = entry[name]
            print(f"{k} thread(s) {name:>13}: median {s['median']:>11,.0f} chars/s "
                  f"(min {s['min']:,.0f}, max {s['max']:,.0f})")
        for label in entry:
            if label not in runners:
                s = entry[label]
                print(f"{k} thread(s) {label}: median {s['median']:.2f} "
                      f"(min {s['min']:.2f}, max {s['max']:.2f})")

    result = {
        "setting": {"batch": args.batch, "hidden": args.hidden, "vocab": args.vocab,
                    "seq_length": args.seq_length, "dtype": args.dtype,
                    "iterations": args.iterations, "rounds": args.rounds},
        "condition": args.condition,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": info,
        "load_average_start": round(load_start, 2),
        "threads": by_threads,
    }
    if args.reference:
        diff, diff_update = lockstep_max_rel_diff(data, args)
        result["lockstep"] = {"steps": args.lockstep_steps, "max_rel_diff": diff,
                              "max_rel_diff_after_update": diff_update}
        print(f"lock-step over {args.lockstep_steps} steps: max relative difference "
              f"{diff:.3g} (loss, gradients, state), {diff_update:.3g} (parameters after "
              "the update)")
    result["load_average_end"] = round(os.getloadavg()[0], 2)
    return result


def save(result, name, path):
    """Store ``result`` under ``name`` in the JSON file ``path``, keeping the other names."""
    path = Path(path)
    stored = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    stored[name] = result
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    positive = [("--batch", 64, "B, parallel streams"), ("--hidden", 100, "H, hidden units"),
                ("--vocab", 65, "V, distinct symbols"), ("--seq-length", 25, "T, steps per chunk"),
                ("--iterations", 100, "training steps per contender and round"),
                ("--rounds", 7, "rounds; min/median/max are over them"),
                ("--lockstep-steps", 200, "steps of the lock-step check (with --reference)")]
    for option, default, text in positive:
        parser.add_argument(option, type=int, default=default,
                            help=f"{text} (default: %(default)s)")
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32",
                        help="floating-point type (default: %(default)s)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1],
                        help="BLAS thread counts to measure, for NumPy and PyTorch alike "
                             "(default: 1)")
    parser.add_argument("--compare-torch", action="store_true",
                        help="also time torch.nn.RNN + nn.Linear + optim.Adagrad on the CPU")
    parser.add_argument("--reference", action="store_true",
                        help="also time the per-step reference and check lock-step agreement")
    parser.add_argument("--condition", default="",
                        help="how busy the machine was, in words (stored with the result)")
    parser.add_argument("--save", metavar="NAME",
                        help="store the result under NAME in --results")
    parser.add_argument("--results", default=str(RESULTS),
                        help="JSON file of stored results (default: benchmarks/results/"
                             "char_rnn_speed.json)")
    args = parser.parse_args(argv)
    for option, *_ in positive:
        if getattr(args, option[2:].replace("-", "_")) < 1:
            parser.error(f"{option} must be at least 1")
    if min(args.threads) < 1:
        parser.error("--threads must be at least 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    result = measure(args)
    if args.save:
        save(result, args.save, args.results)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
