"""Submitted files as highlighted lines, with lint findings and failing tests at their lines."""

import html
import re
from collections import defaultdict

from pygments.lexers import get_lexer_for_filename
from pygments.lexers.special import TextLexer
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

MAX_FILE_BYTES = 256 * 1024


def _css_class(token_type) -> str:
    while token_type not in STANDARD_TYPES:
        token_type = token_type.parent
    return STANDARD_TYPES[token_type]


def highlight_lines(path: str, data: bytes, notes: dict[int, list[dict]]) -> list[dict]:
    """One dict per line: its number, its highlighted HTML (escaped) and the notes attached to it."""
    text = data[:MAX_FILE_BYTES].decode("utf-8", errors="replace")
    try:
        lexer = get_lexer_for_filename(path, stripnl=False, ensurenl=False)
    except ClassNotFound:
        lexer = TextLexer(stripnl=False, ensurenl=False)
    lines, current = [], []
    for token_type, value in lexer.get_tokens(text):
        css = _css_class(token_type)
        for index, piece in enumerate(value.split("\n")):
            if index:
                lines.append("".join(current))
                current = []
            if piece:
                escaped = html.escape(piece)
                current.append(f'<span class="{css}">{escaped}</span>' if css else escaped)
    lines.append("".join(current))
    if lines and lines[-1] == "" and text.endswith("\n"):
        lines.pop()
    return [{"number": n, "html": line, "notes": notes.get(n, [])} for n, line in enumerate(lines, start=1)]


def notes_for(results: dict, members: dict[str, bytes]) -> dict[str, dict[int, list[dict]]]:
    """Lint findings, collection errors, failing learner tests and tampering signs, keyed by path and line."""
    notes: dict[str, dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for sign in results.get("tamper_signs", []):
        notes[sign["path"]][sign["line"]].append({"kind": "flag", "text": f"Flag: {sign['text']}"})
    for finding in results.get("lint", []):
        notes[finding["path"]][finding["line"]].append(
            {"kind": "lint", "text": f"{finding['code']} {finding['message']}"}
        )
    for error in results.get("collection_errors", []):
        if error.get("path") in members:
            notes[error["path"]][error.get("line") or 1].append({"kind": "error", "text": error["message"]})
    for test in results.get("tests", []):
        if test["outcome"] == "passed" or "::" not in test["id"]:
            continue
        path, name = test["id"].split("::", 1)
        if path not in members:
            continue
        function = re.escape(name.split("[")[0].split("::")[-1])
        text = members[path].decode("utf-8", errors="replace")
        found = re.search(rf"^\s*(?:async\s+)?def {function}\(", text, re.MULTILINE)
        line = text.count("\n", 0, found.start()) + 1 if found else 1
        first = (test.get("message") or test["outcome"]).strip().splitlines()[:1]
        notes[path][line].append({"kind": "test", "text": f"{test['outcome']}: {first[0] if first else ''}"})
    return {path: dict(lines) for path, lines in notes.items()}
