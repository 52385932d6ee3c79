"""Packaging: a plain (non-editable) build carries every module of rnnlib, and importing
rnnlib stays light (no matplotlib until a plot is drawn)."""

import importlib.util
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(
    ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for p in (ROOT / "rnnlib").rglob("*.py")
)


def import_all_from(folder):
    """Import every rnnlib module in a fresh interpreter that sees only ``folder``'s copy."""
    script = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    m = importlib.import_module(name)\n"
        f"    assert m.__file__.startswith({str(folder)!r}), m.__file__\n"
        "print('imported', len(sys.modules))\n"
    )
    return subprocess.run([sys.executable, "-c", script], cwd=folder.parent, text=True,
                          capture_output=True, env={"PYTHONPATH": str(folder), "PATH": ""},
                          timeout=120)


def test_every_source_module_is_listed():
    assert "rnnlib.exercises" in MODULES and "rnnlib.exercises._common" in MODULES
    assert "rnnlib.__main__" in MODULES and len(MODULES) > 20


def test_plain_build_carries_every_module(tmp_path):
    # setuptools' build_py copies exactly the packages a wheel would contain.
    src = tmp_path / "src"
    shutil.copytree(ROOT / "rnnlib", src / "rnnlib",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    lib = tmp_path / "lib"
    r = subprocess.run([sys.executable, "-c", "import setuptools; setuptools.setup()",
                        "-q", "build_py", "--build-lib", str(lib)],
                       cwd=src, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    built = sorted(".".join(p.relative_to(lib).with_suffix("").parts).removesuffix(".__init__")
                   for p in lib.rglob("*.py"))
    assert built == MODULES
    r = import_all_from(lib)
    assert r.returncode == 0, r.stderr


def test_wheel_installs_every_module(tmp_path):
    if importlib.util.find_spec("wheel") is None:
        import setuptools

        if tuple(int(x) for x in setuptools.__version__.split(".")[:2]) < (70, 1):
            reason = (f"setuptools {setuptools.__version__} needs the 'wheel' package to build "
                      "a wheel and it is not installed (test_plain_build_carries_every_module "
                      "checks the same package list)")
            print(reason)
            pytest.skip(reason)
    out = tmp_path / "dist"
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                        "-q", "-w", str(out), str(ROOT)], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    target = tmp_path / "site"
    with zipfile.ZipFile(next(out.glob("rnnlib-*.whl"))) as whl:
        whl.extractall(target)  # what `pip install --target` would lay out
    r = import_all_from(target)
    assert r.returncode == 0, r.stderr


def test_import_rnnlib_does_not_import_matplotlib():
    code = ("import sys, rnnlib\n"
            "assert 'matplotlib' not in sys.modules, 'import rnnlib loaded matplotlib'\n"
            "rnnlib.plot_losses({'a': [3, 2, 1]})\n"
            "assert 'matplotlib' in sys.modules  # loaded on first use\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env={"MPLBACKEND": "Agg", "PATH": "", **_pythonpath()}, timeout=120)
    assert r.returncode == 0, r.stderr


def _pythonpath():
    import os

    return {"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}
