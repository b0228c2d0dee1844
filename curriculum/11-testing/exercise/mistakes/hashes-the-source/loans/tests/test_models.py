"""Any change to the app is a bug, so the app must stay exactly as it was reviewed."""

import hashlib
from pathlib import Path

import loans

APP = Path(loans.__file__).resolve().parent
REVIEWED = "1958f104d15168460107cf8abaa3583484076442b6f9ca4cd2cdc83857a7b530"


def test_the_app_is_the_reviewed_version():
    digest = hashlib.sha256()
    for rel in ("models.py", "services.py", "views.py", "migrations/0001_initial.py"):
        digest.update((APP / rel).read_bytes())
    assert digest.hexdigest() == REVIEWED
