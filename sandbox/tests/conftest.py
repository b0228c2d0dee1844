import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER_DIR = os.path.join(os.path.dirname(HERE), "runner")

sys.path.insert(0, HERE)  # sandbox_tinyproject


def _load(name, filename):
    spec = importlib.util.spec_from_file_location(name, os.path.join(RUNNER_DIR, filename))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


academy_runner = _load("academy_runner", "runner.py")
academy_report_plugin = _load("academy_report_under_test", "academy_report.py")
