"""The config file: server URL and token, readable by the user only (mode 0600)."""

import json
import os
from pathlib import Path

DEFAULT_SERVER = "http://127.0.0.1:8000"
PROJECT_FILE = ".academy.json"  # written by `academy download` into the exercise folder


def config_path() -> Path:
    if os.environ.get("ACADEMY_CONFIG"):
        return Path(os.environ["ACADEMY_CONFIG"]).expanduser()
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "academy" / "config.json"


def load() -> dict:
    path = config_path()
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise SystemExit(f"academy: cannot read {path} ({exc}); delete it and run `academy login`") from None


def save(config: dict) -> Path:
    path = config_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Created 0600 before anything is written: the token is never readable by others, not even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as stream:
        json.dump(config, stream, indent=2)
        stream.write("\n")
    os.chmod(path, 0o600)  # an older file may have had wider permissions
    return path


def project_read(directory: Path) -> dict | None:
    try:
        return json.loads((directory / PROJECT_FILE).read_text())
    except (FileNotFoundError, ValueError):
        return None


def project_write(directory: Path, data: dict) -> None:
    (directory / PROJECT_FILE).write_text(json.dumps(data, indent=2) + "\n")
