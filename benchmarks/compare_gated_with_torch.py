"""Do rnnlib's LSTM and GRU compute exactly what torch.nn.LSTM and torch.nn.GRU compute?

Copies the same float64 weights into PyTorch (no transposes, no reordering: rnnlib keeps
PyTorch's layout), runs both forward and backward on the same random data and upstream
gradient, and prints the largest absolute difference of the outputs and of every gradient.

    LSTM: W_x -> weight_ih_l0 (4H, D), W_h -> weight_hh_l0 (4H, H), gates i, f, g, o.
          PyTorch has two biases and adds them; rnnlib has one, b = bias_ih + bias_hh.
          Here b is split at random into the two, to show that only the sum matters, and
          each of PyTorch's bias gradients must equal rnnlib's db.
    GRU:  W_x -> weight_ih_l0 (3H, D), W_h -> weight_hh_l0 (3H, H), b_x -> bias_ih_l0,
          b_h -> bias_hh_l0, gates r, z, n; both biases are needed because r multiplies
          (W_hn h + b_hn) only.

Exits with status 1 if any difference exceeds --tol (default 1e-9), 0 otherwise. PyTorch
is not a requirement of the course: without it the script says "torch not installed" and
exits 0. To run the comparison, give torch its own virtualenv:

    python3 -m venv .venv-torch
    .venv-torch/bin/pip install torch==2.13.0 numpy
    .venv-torch/bin/python benchmarks/compare_gated_with_torch.py
"""

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # rnnlib from this checkout

from rnnlib.gated import gru_backward, gru_forward, lstm_backward, lstm_forward  # noqa: E402


def max_diff(ours, theirs):
    return float(np.max(np.abs(ours - theirs.detach().numpy())))


def compare_lstm(torch, rng, N, T, D, H):
    """Rows (name, max |rnnlib - torch|) for the LSTM's output and every gradient."""
    x, h0, c0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H))
    W_x, W_h = rng.normal(0, 0.5, (4 * H, D)), rng.normal(0, 0.5, (4 * H, H))
    b = rng.normal(0, 0.5, 4 * H)
    b_ih = rng.normal(0, 0.5, 4 * H)  # any split of b into two parts
    b_hh = b - b_ih
    up = rng.normal(size=(N, T, H))  # upstream gradient dL/dh

    h, cache = lstm_forward(x, h0, c0, W_x, W_h, b)
    dx, dh0, dc0, dW_x, dW_h, db = lstm_backward(up, cache)

    lstm = torch.nn.LSTM(D, H, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        for name, value in [("weight_ih_l0", W_x), ("weight_hh_l0", W_h),
                            ("bias_ih_l0", b_ih), ("bias_hh_l0", b_hh)]:
            getattr(lstm, name).copy_(torch.from_numpy(value))
    tx, th0, tc0 = (torch.tensor(a, requires_grad=True) for a in (x, h0, c0))
    out, (h_n, _) = lstm(tx, (th0[None], tc0[None]))  # PyTorch's states are (layers, N, H)
    (out * torch.from_numpy(up)).sum().backward()
    return [("LSTM h (all steps)", max_diff(h, out)),
            ("LSTM h_n vs h[:, -1]", max_diff(h[:, -1], h_n[0])),
            ("LSTM dx", max_diff(dx, tx.grad)), ("LSTM dh0", max_diff(dh0, th0.grad)),
            ("LSTM dc0", max_diff(dc0, tc0.grad)),
            ("LSTM dW_x vs weight_ih.grad", max_diff(dW_x, lstm.weight_ih_l0.grad)),
            ("LSTM dW_h vs weight_hh.grad", max_diff(dW_h, lstm.weight_hh_l0.grad)),
            ("LSTM db vs bias_ih.grad", max_diff(db, lstm.bias_ih_l0.grad)),
            ("LSTM db vs bias_hh.grad", max_diff(db, lstm.bias_hh_l0.grad))]


def compare_gru(torch, rng, N, T, D, H):
    """Rows (name, max |rnnlib - torch|) for the GRU's output and every gradient."""
    x, h0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H))
    W_x, W_h = rng.normal(0, 0.5, (3 * H, D)), rng.normal(0, 0.5, (3 * H, H))
    b_x, b_h = rng.normal(0, 0.5, 3 * H), rng.normal(0, 0.5, 3 * H)
    up = rng.normal(size=(N, T, H))

    h, cache = gru_forward(x, h0, W_x, W_h, b_x, b_h)
    dx, dh0, dW_x, dW_h, db_x, db_h = gru_backward(up, cache)

    gru = torch.nn.GRU(D, H, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        for name, value in [("weight_ih_l0", W_x), ("weight_hh_l0", W_h),
                            ("bias_ih_l0", b_x), ("bias_hh_l0", b_h)]:
            getattr(gru, name).copy_(torch.from_numpy(value))
    tx, th0 = (torch.tensor(a, requires_grad=True) for a in (x, h0))
    out, h_n = gru(tx, th0[None])
    (out * torch.from_numpy(up)).sum().backward()
    return [("GRU h (all steps)", max_diff(h, out)),
            ("GRU h_n vs h[:, -1]", max_diff(h[:, -1], h_n[0])),
            ("GRU dx", max_diff(dx, tx.grad)), ("GRU dh0", max_diff(dh0, th0.grad)),
            ("GRU dW_x vs weight_ih.grad", max_diff(dW_x, gru.weight_ih_l0.grad)),
            ("GRU dW_h vs weight_hh.grad", max_diff(dW_h, gru.weight_hh_l0.grad)),
            ("GRU db_x vs bias_ih.grad", max_diff(db_x, gru.bias_ih_l0.grad)),
            ("GRU db_h vs bias_hh.grad", max_diff(db_h, gru.bias_hh_l0.grad))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=3, help="N sequences")
    parser.add_argument("--steps", type=int, default=20, help="T time steps")
    parser.add_argument("--inputs", type=int, default=5, help="D input features")
    parser.add_argument("--hidden", type=int, default=8, help="H hidden units")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tol", type=float, default=1e-9, help="largest difference allowed")
    args = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        print("torch not installed: nothing to compare (PyTorch is optional; see the "
              "docstring for a separate virtualenv)")
        return 0
    sizes = (args.batch, args.steps, args.inputs, args.hidden)
    rng = np.random.default_rng(args.seed)
    rows = compare_lstm(torch, rng, *sizes) + compare_gru(torch, rng, *sizes)
    print(f"torch {torch.__version__}, numpy {np.__version__}, float64, "
          f"N={sizes[0]} T={sizes[1]} D={sizes[2]} H={sizes[3]}")
    for name, diff in rows:
        print(f"  {name:30s} max |rnnlib - torch| = {diff:.2e}")
    worst = max(diff for _, diff in rows)
    verdict = "OK" if worst <= args.tol else "MISMATCH"
    print(f"{verdict}: largest difference {worst:.2e} (tolerance {args.tol:g})")
    return 0 if worst <= args.tol else 1


if __name__ == "__main__":
    sys.exit(main())
