"""The set-up files agree with each other, so Binder, CI and a laptop get the same stack."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pins(path):
    lines = (line.split("#")[0].strip() for line in path.read_text().splitlines())
    return sorted(line for line in lines if line and not line.startswith("-e"))


def test_binder_pins_are_a_subset_of_the_root_pins():
    # same versions where shared; the browser gets no test, lint or browser-automation tools
    binder, root = pins(ROOT / "binder" / "requirements.txt"), pins(ROOT / "requirements.txt")
    assert binder and set(binder) <= set(root), sorted(set(binder) - set(root))
    names = {line.split("==")[0] for line in binder}
    assert not names & {"playwright", "ruff", "hypothesis", "pytest", "nbval"}, names
    assert {"numpy", "matplotlib", "jupyterlab", "ipykernel"} <= names


def test_every_requirement_is_pinned_exactly():
    for line in pins(ROOT / "requirements.txt"):
        assert "==" in line, f"requirements.txt: {line!r} is not pinned with =="


def test_binder_uses_python_311_and_installs_rnnlib():
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    assert "pip install --no-deps -e ." in (ROOT / "binder" / "postBuild").read_text()
