"""Each nb05 exercise check passes a right answer and fails wrong ones with a useful message."""

import numpy as np
from exercise_helpers import failing, hint_only_on_request, stub

from rnnlib.exercises import nb05


def step_back(dh, h, W_hh):
    return (dh * (1 - h**2)) @ W_hh


def clip_by_global_norm(grads, max_norm):
    norm = np.sqrt(sum(float((g**2).sum()) for g in grads.values()))
    scale = min(1.0, max_norm / norm)
    return {k: g * scale for k, g in grads.items()}


def linear_norms(W_hh, u, K):
    norms, v = [], u
    for _ in range(K):
        v = v @ W_hh
        norms.append(np.linalg.norm(v))
    return np.array(norms)


def diverged_share(curves, chance):
    bad = [not np.isfinite(c[-1]) or np.mean(c[-20:]) > chance for c in curves]
    return sum(bad) / len(curves)


def relu_step_back(dh, h, W_hh):
    return (dh * (h > 0)) @ W_hh


def test_right_answers_pass():
    for result in (nb05.check_step_back(step_back),
                   nb05.check_clip_by_global_norm(clip_by_global_norm),
                   nb05.check_gain(1000 ** (-1 / 30)),
                   nb05.check_gain(0.001 ** (1 / 30)),
                   nb05.check_linear_norms(linear_norms),
                   nb05.check_diverged_share(diverged_share),
                   nb05.check_relu_step_back(relu_step_back)):
        assert result, repr(result)
        assert repr(result).startswith("PASS")


def test_stubs_fail_with_a_hint():
    assert failing(nb05.check_step_back(stub), "returned None")
    assert hint_only_on_request(nb05.check_step_back, stub)
    assert failing(nb05.check_clip_by_global_norm(stub), "returned None")
    assert failing(nb05.check_gain(...), "replace ...")
    assert failing(nb05.check_linear_norms(stub), "returned None")
    assert failing(nb05.check_diverged_share(stub), "returned None")
    assert hint_only_on_request(nb05.check_diverged_share, stub)
    assert failing(nb05.check_relu_step_back(stub), "returned None")
    assert hint_only_on_request(nb05.check_relu_step_back, stub)


def test_step_back_wrong_answers():
    assert failing(nb05.check_step_back(lambda dh, h, W: dh @ W), "tanh's derivative")
    assert failing(nb05.check_step_back(lambda dh, h, W: (dh * (1 - h**2)) @ W.T), "transposed")
    assert failing(nb05.check_step_back(lambda dh, h, W: (dh * (1 - np.tanh(h) ** 2)) @ W),
                   "already tanh")
    assert failing(nb05.check_step_back(lambda dh, h, W: ((dh * (1 - h**2)) @ W)[:, :2]), "shape")


def test_clip_by_global_norm_wrong_answers():
    def in_place(grads, max_norm):
        norm = np.sqrt(sum(float((g**2).sum()) for g in grads.values()))
        for g in grads.values():
            g *= min(1.0, max_norm / norm)
        return grads

    def by_value(grads, max_norm):
        return {k: np.clip(g, -max_norm, max_norm) for k, g in grads.items()}

    def per_array(grads, max_norm):
        return {k: g * min(1.0, max_norm / np.linalg.norm(g)) for k, g in grads.items()}

    def always_scaled(grads, max_norm):
        norm = np.sqrt(sum(float((g**2).sum()) for g in grads.values()))
        return {k: g * max_norm / norm for k, g in grads.items()}

    assert failing(nb05.check_clip_by_global_norm(in_place), "changed the input")
    assert failing(nb05.check_clip_by_global_norm(by_value), "value clipping")
    assert failing(nb05.check_clip_by_global_norm(per_array), "ONE global norm")
    assert failing(nb05.check_clip_by_global_norm(always_scaled), "returned unscaled")
    shrunk = nb05.check_clip_by_global_norm(lambda g, m: {k: v * 0.4 for k, v in g.items()})
    assert failing(shrunk, "should be halved", "'a'")
    # the in-place attempt above must not have spoilt the check's data for the next learner
    assert nb05.check_clip_by_global_norm(clip_by_global_norm)


def test_gain_wrong_answers():
    assert failing(nb05.check_gain(0.7943), "rounded value", "computes g exactly")
    assert failing(nb05.check_gain(1000 ** (1 / 30)), "LARGER")
    assert failing(nb05.check_gain(0.5), "should be 0.001", "change the expression")
    # a value very close to 1 must not print as "1**30": the digits shown tell it apart
    near_one = repr(nb05.check_gain(0.99997))
    assert "0.99997" in near_one and "1**30" not in near_one


def test_linear_norms_wrong_answers():
    def column(W, u, K):
        return linear_norms(W.T, u, K)  # W @ v instead of v @ W

    def starts_at_u(W, u, K):
        return np.concatenate([[np.linalg.norm(u)], linear_norms(W, u, K - 1)])

    assert failing(nb05.check_linear_norms(column), "column vector")
    assert failing(nb05.check_linear_norms(starts_at_u), "not ||u||")
    assert failing(nb05.check_linear_norms(lambda W, u, K: linear_norms(W, u, K)[:-1]), "shape")


def test_diverged_share_wrong_answers():
    def worst_loss(curves, chance):  # a run that recovered is counted as diverged
        return np.mean([np.nanmax(c) > chance for c in curves])

    def median_rule(curves, chance):  # one huge last loss does not move the median
        return np.mean([not np.isfinite(c[-1]) or np.median(c[-20:]) > chance for c in curves])

    def nan_ignored(curves, chance):  # np.nanmean skips NaN, so a NaN ending looks fine
        return np.mean([bool(np.nanmean(c[-20:]) > chance) if np.any(np.isfinite(c[-20:]))
                         else False for c in curves])

    def count_not_share(curves, chance):
        return float(sum(np.mean(c[-20:]) > chance for c in curves))

    assert failing(nb05.check_diverged_share(worst_loss), "start above chance", "last 20 losses")
    assert failing(nb05.check_diverged_share(median_rule), "huge last loss", "mean")
    assert failing(nb05.check_diverged_share(nan_ignored), "NaN", "diverged too")
    assert failing(nb05.check_diverged_share(count_not_share), "divide by the number of runs")


def test_relu_step_back_wrong_answers():
    assert failing(nb05.check_relu_step_back(lambda dh, h, W: dh @ W), "pass no gradient")
    assert failing(nb05.check_relu_step_back(lambda dh, h, W: (dh * (1 - h**2)) @ W), "tanh")
    assert failing(nb05.check_relu_step_back(lambda dh, h, W: (dh * (h > 0)) @ W.T),
                   "transposed")
    assert failing(nb05.check_relu_step_back(lambda dh, h, W: (dh * (h > 0)) @ W * 2),
                   "finite differences")
    assert failing(nb05.check_relu_step_back(lambda dh, h, W: ((dh * (h > 0)) @ W)[:, :2]),
                   "shape")
