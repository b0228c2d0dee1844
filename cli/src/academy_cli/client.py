"""A small JSON client for the academy API on urllib: errors become ApiError or Unreachable."""

import json
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator

from academy_cli import __version__

TIMEOUT = 60
CHUNK = 64 * 1024


class Unreachable(Exception):
    """The server cannot be reached (down, wrong URL, no network)."""


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or {}


class Response:
    def __init__(self, status: int, headers, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body) if self.body else None


def _error_from(exc: urllib.error.HTTPError) -> ApiError:
    body = exc.read()
    try:
        error = json.loads(body)["error"]
        return ApiError(exc.code, error["code"], error["message"], error.get("details"))
    except (ValueError, KeyError, TypeError):
        text = body.decode(errors="replace").strip()[:200]
        return ApiError(exc.code, "http_error", f"HTTP {exc.code} {exc.reason}" + (f": {text}" if text else ""))


class Client:
    def __init__(self, server: str, token: str | None = None) -> None:
        self.server = server.rstrip("/")
        self.token = token

    def url(self, path: str) -> str:
        return f"{self.server}/api/v1/{path.lstrip('/')}"

    def request(self, method: str, path: str, *, body=None, headers: dict | None = None, query=None) -> Response:
        url = self.url(path)
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        headers = {"Accept": "application/json", "User-Agent": f"academy-cli/{__version__}", **(headers or {})}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        if isinstance(body, dict):
            body = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310 (http/https only)
        if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
            raise Unreachable(f"{self.server} is not an http(s) URL")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                return Response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as exc:
            raise _error_from(exc) from None
        except (TimeoutError, urllib.error.URLError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise Unreachable(f"cannot reach the server at {self.server} ({reason})") from None

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs).json()

    def post(self, path: str, body: dict):
        return self.request("POST", path, body=body).json()

    def upload(self, path: str, *, field: str, filename: str, data: bytes, progress: Callable[[int, int], None]):
        """POST one file as multipart/form-data, calling progress(sent, total) as it goes."""
        boundary = uuid.uuid4().hex
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        total = len(head) + len(data) + len(tail)

        def chunks() -> Iterator[bytes]:
            sent = 0
            for part in (head, *(data[i : i + CHUNK] for i in range(0, len(data), CHUNK)), tail):
                yield part
                sent += len(part)
                progress(sent, total)

        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(total)}
        return self.request("POST", path, body=chunks(), headers=headers)


def eprint(*args, **kwargs) -> None:
    print(*args, file=sys.stderr, **kwargs)
