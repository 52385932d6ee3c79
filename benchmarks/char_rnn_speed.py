"""Training throughput of rnnlib's char-RNN, optionally against PyTorch and the reference loop.

Trains on random text of V symbols (made with a numpy Generator; nothing is downloaded)
and prints a few human-readable lines, then, as the LAST line, one JSON object:

    {"chars_per_second": ..., "batch": ..., ...,
     "torch_chars_per_second": ..., "speedup_vs_torch": ...,           # with --compare-torch
     "reference_chars_per_second": ..., "speedup_vs_reference": ...,   # with --reference
     "lockstep_steps": ..., "lockstep_max_rel_diff": ...}              # with --reference

A training step is the whole update of the seed's algorithm: forward, summed loss, backward
(truncated BPTT, hidden state carried from chunk to chunk), every gradient entry clipped to
[-5, 5], AdaGrad with lr 0.1. Timings take the best of --repeats rounds; in each round every
contender runs once, in turn, so a busy machine slows them all alike. The JSON also records
the load average at the start and end, so a reader can judge how busy the machine was.

--reference times rnnlib's plain per-step implementation (explicit one-hot vectors, one
step at a time, the seed's way) and checks it against the fast one in lock-step: for
--lockstep-steps training steps, both start every step from the same parameters, AdaGrad
memory and hidden state, and the largest difference of loss, gradients and final hidden state,
relative to the largest entry of each, is reported (and, separately, that of the parameters
after the update).

Reproduce the numbers of the course (torch only for measuring, in its own virtualenv):

    python3 -m venv .venv-torch
    .venv-torch/bin/pip install torch==2.13.0 numpy==2.4.6 matplotlib==3.11.2
    .venv-torch/bin/pip install --no-deps -e .
    .venv-torch/bin/python benchmarks/char_rnn_speed.py --batch 64 --hidden 100 \\
        --vocab 65 --seq-length 25 --dtype float32 --iterations 100 --compare-torch
    python benchmarks/char_rnn_speed.py --batch 1 --hidden 64 --vocab 65 --seq-length 25 \\
        --dtype float64 --iterations 300 --reference

PyTorch is optional (it is not in requirements.txt and is imported only with
--compare-torch); without it that option prints a message and skips the comparison.
--blas-threads N limits NumPy's BLAS to N threads (it sets OPENBLAS_NUM_THREADS and friends
before NumPy is imported); the default leaves the environment alone. PyTorch uses
--torch-threads threads (default 2, both cores).
"""

import argparse
import json
import os
import platform
import sys
import time

BLAS_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def numpy_runner(np, data, args, method):
    """A function that trains ``iterations`` steps and returns the seconds taken."""
    import functools

    from rnnlib import (
        CharRNNTrainer,
        char_rnn_loss_reference,
        char_rnn_zero_state,
        init_char_rnn_params,
    )

    params = init_char_rnn_params(args.vocab, args.hidden, rng=0, dtype=np.dtype(args.dtype))
    model = {} if method == "fast" else {  # default: the vectorised loss
        "loss_fn": char_rnn_loss_reference,
        "init_state": functools.partial(char_rnn_zero_state, params)}
    trainer = CharRNNTrainer(params, data, seq_length=args.seq_length,
                             batch_size=args.batch, lr=0.1, clip=5.0, **model)
    trainer.run(min(5, args.iterations))  # warm-up: caches, allocator, BLAS threads

    def run(iterations):
        start = time.perf_counter()
        trainer.run(iterations)
        return time.perf_counter() - start
    return run


def torch_runner(np, data, args):
    """The same model and update in PyTorch on the CPU, or None if torch is missing."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(args.torch_threads)
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

    for _ in range(min(5, args.iterations)):
        step()

    def run(iterations):
        start = time.perf_counter()
        for _ in range(iterations):
            step()
        return time.perf_counter() - start
    return run, torch.__version__


def lockstep_max_rel_diff(np, data, args):
    """Train with the fast path; at every step compare it with the reference, same start.

    Returns a tuple of:
    - the largest max|fast - reference| / max|reference| over every step of the loss, the
      five gradients and the carried hidden state (what the two implementations compute);
    - the same for the parameters after the clipped AdaGrad update from the same start.
      AdaGrad divides by sqrt(memory), which amplifies rounding differences in tiny
      gradient entries, so this one is larger.
    """
    from rnnlib import (
        AdaGrad,
        CharRNNTrainer,
        char_rnn_loss,
        char_rnn_loss_reference,
        clip_by_value,
        init_char_rnn_params,
    )

    def rel(a, b):
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        scale = np.max(np.abs(b))
        return float(np.max(np.abs(a - b)) / scale) if scale > 0 else float(np.max(np.abs(a)))

    params = init_char_rnn_params(args.vocab, args.hidden, rng=0, dtype=np.dtype(args.dtype))
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


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch", type=int, default=64, help="B, parallel streams")
    parser.add_argument("--hidden", type=int, default=100, help="H, hidden units")
    parser.add_argument("--vocab", type=int, default=65, help="V, distinct symbols")
    parser.add_argument("--seq-length", type=int, default=25, help="T, steps per chunk")
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--iterations", type=int, default=100, help="training steps per round")
    parser.add_argument("--repeats", type=int, default=3, help="rounds; the best one counts")
    parser.add_argument("--compare-torch", action="store_true",
                        help="also time torch.nn.RNN + nn.Linear + optim.Adagrad on the CPU")
    parser.add_argument("--torch-threads", type=int, default=2)
    parser.add_argument("--reference", "--compare-reference", dest="reference",
                        action="store_true",
                        help="also time the per-step reference and check lock-step agreement")
    parser.add_argument("--lockstep-steps", type=int, default=200)
    parser.add_argument("--blas-threads", type=int, default=None,
                        help="limit NumPy's BLAS to this many threads (default: unchanged)")
    args = parser.parse_args(argv)
    for name in ("batch", "hidden", "vocab", "seq_length", "iterations", "repeats",
                 "torch_threads", "lockstep_steps", "blas_threads"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.blas_threads is not None:  # must happen before NumPy loads its BLAS
        if "numpy" in sys.modules:
            raise RuntimeError("--blas-threads: NumPy is already imported")
        for name in BLAS_VARIABLES:
            os.environ[name] = str(args.blas_threads)
    import numpy as np

    load_start = os.getloadavg()[0]
    rng = np.random.default_rng(0)
    n_chars = max(100_000, 4 * args.batch * (args.seq_length + 1))
    data = rng.integers(0, args.vocab, size=n_chars)  # random text of V symbols
    chars_per_step = args.batch * args.seq_length

    runners = {"numpy": numpy_runner(np, data, args, "fast")}
    result = {}
    if args.compare_torch:
        got = torch_runner(np, data, args)
        if got is None:
            print("torch is not installed: skipping the PyTorch comparison")
        else:
            runners["torch"], result["torch_version"] = got
            result["torch_threads"] = args.torch_threads
    if args.reference:
        runners["reference"] = numpy_runner(np, data, args, "reference")

    best = {name: float("inf") for name in runners}
    for _ in range(args.repeats):
        for name, run in runners.items():
            best[name] = min(best[name], run(args.iterations))
    rate = {name: args.iterations * chars_per_step / sec for name, sec in best.items()}
    for name in runners:
        print(f"{name:>9}: {rate[name]:>12,.0f} chars/s  "
              f"({1e3 * best[name] / args.iterations:.3f} ms per step)")

    result = {
        "chars_per_second": rate["numpy"],
        "batch": args.batch, "hidden": args.hidden, "vocab": args.vocab,
        "seq_length": args.seq_length, "dtype": args.dtype, "iterations": args.iterations,
        "repeats": args.repeats, "numpy_version": np.__version__,
        "blas_threads": args.blas_threads, "cpu_count": os.cpu_count(),
        "python": platform.python_version(), **result,
    }
    if "torch" in rate:
        result["torch_chars_per_second"] = rate["torch"]
        result["speedup_vs_torch"] = rate["numpy"] / rate["torch"]
        print(f"numpy / torch: {result['speedup_vs_torch']:.2f}x")
    if "reference" in rate:
        result["reference_chars_per_second"] = rate["reference"]
        result["speedup_vs_reference"] = rate["numpy"] / rate["reference"]
        result["lockstep_steps"] = args.lockstep_steps
        diff, diff_update = lockstep_max_rel_diff(np, data, args)
        result["lockstep_max_rel_diff"] = diff
        result["lockstep_max_rel_diff_after_update"] = diff_update
        print(f"numpy / reference: {result['speedup_vs_reference']:.2f}x; lock-step over "
              f"{args.lockstep_steps} steps: max relative difference {diff:.3g} (loss, "
              f"gradients, state), {diff_update:.3g} (parameters after the update)")
    result["load_average_start"] = load_start
    result["load_average_end"] = os.getloadavg()[0]
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
