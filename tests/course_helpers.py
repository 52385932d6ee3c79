"""Helpers for the tests of the graded-assignment machinery (course/)."""

import contextlib
import importlib.util
import io
import logging
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"


def load_generator():
    """course/generate.py as a module."""
    spec = importlib.util.spec_from_file_location("course_generate", COURSE / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def nbgrader(*args, cwd):
    """Run ``nbgrader ARGS`` in folder ``cwd``, in this process (the command line's own app,
    without the seconds a new Python spends importing it); return its log; raise if it fails.
    """
    from jupyter_core.application import NoStart
    from nbgrader.apps import NbGraderApp
    from nbgrader.validator import Validator

    old = Path.cwd()
    log = io.StringIO()
    app = NbGraderApp.instance()
    code, stream = 0, Validator.stream  # validate prints its verdict there
    try:
        Validator.stream = log
        os.chdir(cwd)
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            app.initialize(list(args))
            app.init_logging(logging.StreamHandler, [log], color=False, subapps=True)
            app.start()
    except NoStart:  # how the app says that its subcommand finished
        pass
    except SystemExit as exit_:
        code = exit_.code
    finally:
        app.reset()
        os.chdir(old)
        Validator.stream = stream
    text = log.getvalue()
    if code:
        raise RuntimeError(f"nbgrader {' '.join(args)} exited with {code}:\n{text[-4000:]}")
    return text
