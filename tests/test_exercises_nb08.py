"""Each nb08 exercise check passes a right answer, fails wrong ones with a useful message,
and shows its hint only when asked (hint=True)."""

from exercise_helpers import failing, hint_only_on_request, stub

from rnnlib.exercises import nb08

CHECKS = (nb08.check_forget_gate_backward, nb08.check_gru_update, nb08.check_count_parameters)


def forget_gate_backward(dc, c_prev, f):
    return dc * c_prev * f * (1 - f)


def gru_update(h_prev, n, z):
    return (1 - z) * n + z * h_prev


def count_parameters(kind, D, H):
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    biases = 2 if kind == "gru" else 1
    return gates * H * (D + H + biases)


def test_right_answers_pass():
    for check, fn in zip(CHECKS, (forget_gate_backward, gru_update, count_parameters),
                         strict=True):
        result = check(fn)
        assert result and repr(result).startswith("PASS"), repr(result)


def test_stubs_fail_and_hints_appear_only_on_request():
    for check in CHECKS:
        quiet, helped = check(stub), check(stub, hint=True)
        assert failing(quiet, "returned None", "hint=True") and "hint:" not in repr(quiet)
        assert failing(helped, "returned None", "hint:")
        assert hint_only_on_request(check, stub)


def test_forget_gate_mistakes_are_named():
    assert failing(nb08.check_forget_gate_backward(lambda dc, c, f: dc * c), "pre-activation")
    assert failing(nb08.check_forget_gate_backward(lambda dc, c, f: dc * f), "c_prev")
    sign = nb08.check_forget_gate_backward(lambda dc, c, f: -forget_gate_backward(dc, c, f))
    assert failing(sign, "finite-difference")
    assert failing(nb08.check_forget_gate_backward(lambda dc, c, f: dc[:1]), "shape")


def test_gru_update_mistakes_are_named():
    assert failing(nb08.check_gru_update(lambda h, n, z: z * n + (1 - z) * h), "OLD state")
    assert failing(nb08.check_gru_update(lambda h, n, z: n), "expected")


def test_count_mistakes_are_named():
    def torch_biases(kind, D, H):
        return 4 * H * (D + H + 2) if kind == "lstm" else count_parameters(kind, D, H)

    def one_gru_bias(kind, D, H):
        return 3 * H * (D + H + 1) if kind == "gru" else count_parameters(kind, D, H)

    def no_biases(kind, D, H):
        return {"rnn": 1, "lstm": 4, "gru": 3}[kind] * H * (D + H)

    assert failing(nb08.check_count_parameters(torch_biases), "two LSTM bias")
    assert failing(nb08.check_count_parameters(one_gru_bias), "two bias vectors")
    assert failing(nb08.check_count_parameters(no_biases), "biases are missing")


def test_learner_code_that_raises_is_reported():
    def broken(*args):
        raise KeyError("oops")

    assert failing(nb08.check_gru_update(broken), "raised KeyError")
