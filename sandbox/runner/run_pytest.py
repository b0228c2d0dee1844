"""Bootstrap for the hidden-test stage: ``python -I -B /opt/runner/run_pytest.py ARGS``.

``-I`` ignores PYTHONPATH and leaves the current directory off sys.path, so this script puts
the runner's directory first (for ``-p academy_report``) and the project root (the current
directory, /work) last: learner modules can be imported by the hidden tests but cannot shadow
the standard library, pytest or Django.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.append(os.getcwd())

import pytest  # noqa: E402

if __name__ == "__main__":
    sys.exit(int(pytest.main(sys.argv[1:])))
