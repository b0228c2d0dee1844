"""Where the probe exercise lives: a tiny course that runs every grading stage."""

from pathlib import Path

PROBE_CURRICULUM = Path(__file__).parent / "fixtures" / "probe-curriculum"
PROBE_EXERCISE = PROBE_CURRICULUM / "01-probe" / "exercise"
