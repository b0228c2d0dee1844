"""academy: download exercises, test them in the grading image, submit, and watch them graded.

Exit codes: 0 success (for submit and status: full marks), 1 graded below full marks, a failing
local test or a refusal by the server, 2 usage, configuration (not logged in, token expired)
or network errors. `--json` prints one JSON document on stdout (schema in docs/cli.md).
"""

import argparse
import getpass
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path, PurePosixPath

from academy_cli import __version__, config, pack, sandbox
from academy_cli.client import ApiError, Client, Unreachable, eprint

OK, NOT_FULL, USAGE = 0, 1, 2
JSON_SCHEMA = 1
POLL_SECONDS = 1.0
WAIT_LIMIT_SECONDS = 30 * 60
# Errors that mean "log in again", not "the server refused this request".
AUTH_CODES = {"not_authenticated", "invalid_token", "token_expired", "user_inactive"}


class Failure(Exception):
    """Stop with a message and an exit code; in --json mode the message becomes an error object."""

    def __init__(self, message: str, code: int = USAGE, error_code: str = "usage", details: dict | None = None):
        super().__init__(message)
        self.message, self.exit_code, self.error_code, self.details = message, code, error_code, details or {}


def emit_json(document: dict) -> None:
    print(json.dumps({"schema": JSON_SCHEMA, **document}, indent=2, sort_keys=True))


def client_from_config(require_token: bool = True) -> Client:
    settings = config.load()
    server = os.environ.get("ACADEMY_SERVER") or settings.get("server")
    if not server:
        raise Failure("not logged in: run `academy login` first", error_code="not_logged_in")
    if require_token and not settings.get("token"):
        raise Failure(f"not logged in to {server}: run `academy login`", error_code="not_logged_in")
    return Client(server, settings.get("token"))


def api_failure(exc: ApiError) -> Failure:
    if exc.code in AUTH_CODES:
        hint = "" if "academy login" in exc.message else " Run `academy login`."
        return Failure(f"{exc.message}{hint}", USAGE, exc.code, exc.details)
    return Failure(exc.message, NOT_FULL, exc.code, exc.details)


def project_dir(arg: str | None) -> Path:
    directory = Path(arg or ".").resolve()
    if not directory.is_dir():
        raise Failure(f"{directory} is not a folder")
    return directory


def exercise_of(directory: Path, client: Client | None) -> dict:
    """The exercise a folder holds: from .academy.json, refreshed from the server when possible."""
    marker = config.project_read(directory)
    if marker is None:
        raise Failure(f"{directory} has no {config.PROJECT_FILE}: run this in a folder made by `academy download`")
    if client is not None:
        try:
            fresh = client.get(f"exercises/{marker['exercise']['slug']}/")
            marker["exercise"] = {k: fresh[k] for k in ("slug", "title", "django_settings", "stages", "limits")}
            config.project_write(directory, marker)
        except (ApiError, Unreachable):
            pass  # offline: the copy saved at download time is good enough for a local test
    return marker["exercise"]


# login / logout / whoami


def cmd_login(args) -> int:
    saved = config.load()
    server = args.server or input(f"Server URL [{saved.get('server') or config.DEFAULT_SERVER}]: ").strip()
    server = (server or saved.get("server") or config.DEFAULT_SERVER).rstrip("/")
    username = args.username or input("Username: ").strip()
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Password: ")
    if not username or not password:
        raise Failure("a username and a password are needed")
    body = {"username": username, "password": password, "name": args.name, "expires_in_days": args.expires_in_days}
    try:
        token = Client(server).post("auth/tokens/create/", body)
    except ApiError as exc:
        raise Failure(exc.message, USAGE, exc.code, exc.details) from None
    path = config.save({"server": server, "username": username, "token": token["token"], "token_id": token["id"]})
    expiry = f", expires {token['expires_at']}" if token["expires_at"] else ""
    print(f"Logged in to {server} as {username} (token {token['name']!r}{expiry}).")
    print(f"Token saved to {path} (readable by you only).")
    return OK


def cmd_logout(args) -> int:
    settings = config.load()
    if not settings.get("token"):
        print("Not logged in.")
        return OK
    problem = None
    try:
        Client(settings["server"], settings["token"]).request("DELETE", f"auth/tokens/{settings['token_id']}/")
    except ApiError as exc:
        if exc.code not in AUTH_CODES | {"not_found"}:  # an invalid token is as good as revoked
            problem = exc.message
    except Unreachable as exc:
        problem = str(exc)
    config.save({k: v for k, v in settings.items() if k not in {"token", "token_id"}})
    if problem:
        eprint(f"academy: removed the token here, but could not revoke it on the server: {problem}")
        return USAGE
    print(f"Logged out of {settings['server']}; the token is revoked.")
    return OK


def cmd_whoami(args) -> int:
    me = client_from_config().get("me/")
    if args.json:
        emit_json({"user": me})
    else:
        role = "instructor" if me["is_instructor"] else "learner"
        print(f"{me['username']} ({role}) on {client_from_config().server}")
    return OK


# exercises / download


def score_text(score, max_score) -> str:
    return "-" if score is None else f"{score:g}/{max_score}"


def cmd_exercises(args) -> int:
    rows = client_from_config().get("exercises/")
    if args.json:
        emit_json({"exercises": rows})
        return OK
    table = [("SLUG", "TITLE", "BEST", "ATTEMPTS", "DUE", "STATUS")]
    for row in rows:
        attempts = str(row["attempts_used"])
        if row["max_attempts"] is not None:
            attempts += f"/{row['max_attempts']}"
        due = row["due_at"][:16].replace("T", " ") if row.get("due_at") else "-"
        if row.get("due_at") and row.get("late_penalty_percent"):
            due += f" (late -{row['late_penalty_percent']}%)"
        table.append((row["slug"], row["title"], score_text(row["best_score"], row["max_score"]), attempts, due,
                      row["status"].replace("_", " ")))  # fmt: skip
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return OK


def safe_member(name: str, slug: str) -> PurePosixPath | None:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        raise Failure(f"the starter holds an unsafe path {name!r}; not extracting it", NOT_FULL, "unsafe_archive")
    parts = path.parts[1:] if path.parts and path.parts[0] == slug else path.parts
    return PurePosixPath(*parts) if parts else None


def cmd_download(args) -> int:
    client = client_from_config()
    exercise = client.get(f"exercises/{args.slug}/")
    target = Path(args.dir or args.slug).resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())) and not args.force:
        raise Failure(f"{target} already exists and is not empty: use --force to overwrite the starter files in it")
    data = client.request("GET", f"exercises/{args.slug}/starter/", headers={"Accept": "application/zip"}).body
    written = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            relative = safe_member(info.filename, args.slug)
            if relative is None or info.is_dir():
                continue
            path = target.joinpath(*relative.parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(archive.read(info))
            written += 1
    saved = {k: exercise[k] for k in ("slug", "title", "django_settings", "stages", "limits")}
    config.project_write(target, {"server": client.server, "exercise": saved})
    print(f"Downloaded {exercise['title']!r} into {target} ({written} files).")
    print(f"Lesson: {exercise['lesson_url']}")
    print(f"Next: cd {os.path.relpath(target)} && academy test && academy submit")
    return OK


# test


def print_stage_event(event: dict) -> None:
    if event.get("state") == "started":
        eprint(f"  running {event.get('stage')} ...")
    else:
        eprint(f"  {event.get('stage')}: {event.get('status')}")


def print_lint(findings: list[dict]) -> None:
    for finding in findings:
        where = f"{finding['path']}:{finding['line']}:{finding.get('column') or 1}"
        print(f"  {where}: {finding['code']} {finding['message']}")


def cmd_test(args) -> int:
    directory = project_dir(args.dir)
    try:
        client = client_from_config()
    except Failure:
        client = None  # a local test needs no server
    exercise = exercise_of(directory, client)
    packed = pack.pack(directory)
    report_skipped(packed, quiet=args.json)
    reason = None
    if not args.local:
        try:
            sandbox.docker_client()
        except sandbox.DockerMissing as exc:
            reason = str(exc)
    if args.local or reason:
        return local_pytest(directory, reason=reason or "--local was given", as_json=args.json)
    if not args.json:
        eprint(f"Running the visible checks of {exercise['slug']} in {args.image} (no network, as on the server) ...")
    try:
        run = sandbox.run(
            image=args.image,
            payload=sandbox.payload_build(files=packed.files, executable=packed.executable, exercise=exercise),
            exercise=exercise,
            on_event=(lambda event: None) if args.json else print_stage_event,
        )
    except sandbox.DockerMissing as exc:
        return local_pytest(directory, reason=str(exc), as_json=args.json)
    results = run.results or {}
    stages = results.get("stages", [])
    passed = bool(stages) and all(s["status"] == "passed" for s in stages) and not run.timed_out
    if args.json:
        emit_json({"mode": "docker", "image": args.image, "passed": passed, "timed_out": run.timed_out,
                   "results": results})  # fmt: skip
        return OK if passed else NOT_FULL
    if results.get("internal_error"):
        print(f"The runner failed: {results['internal_error']}")
    for stage in stages:
        mark = "PASS" if stage["status"] == "passed" else stage["status"].upper()
        print(f"{mark:>7}  {stage['name']}  ({stage['duration_ms'] / 1000:.1f} s)")
    for test in results.get("tests", []):
        if test["outcome"] != "passed":
            print(f"  {test['outcome']}: {test['id']}\n      {test['message']}")
    for error in results.get("collection_errors", []):
        print(f"  cannot import {error['path']}:{error.get('line') or ''} {error['message']}")
    print_lint(results.get("lint", []))
    if run.timed_out:
        print(f"The run took longer than {exercise['limits']['wall_seconds']} s and was stopped.")
    for stage in stages:
        if stage["status"] not in {"passed", "skipped"} and stage["name"] in {"django_check", "migrations"}:
            print(
                f"  {stage['name']} output:\n" + "\n".join("    " + line for line in stage["output"].splitlines()[-15:])
            )
    print("All visible checks pass. Hidden tests run when you submit." if passed else "Some visible checks fail.")
    return OK if passed else NOT_FULL


def local_pytest(directory: Path, *, reason: str, as_json: bool) -> int:
    note = f"Not using the grading image: {reason}. Running `python -m pytest` locally instead."
    if as_json:
        completed = subprocess.run(
            [sys.executable, "-m", "pytest", "-q"], cwd=directory, capture_output=True, text=True
        )  # noqa: S603
        emit_json({"mode": "local", "reason": reason, "passed": completed.returncode == 0,
                   "exit_code": completed.returncode, "output": completed.stdout[-20000:]})  # fmt: skip
    else:
        eprint(note)
        completed = subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=directory)  # noqa: S603
        print("(ran locally with pytest, not in the grading image: lint and Django checks were not run)")
    return OK if completed.returncode == 0 else NOT_FULL


# submit / status / history


def report_skipped(packed: pack.Packed, quiet: bool) -> None:
    if quiet:
        return
    for skipped in packed.skipped:
        eprint(f"warning: not packing {skipped.path} ({skipped.reason})")


def progress_printer(enabled: bool):
    interactive = sys.stderr.isatty()

    def progress(sent: int, total: int) -> None:
        if not enabled:
            return
        percent = int(100 * sent / total)
        if interactive:
            eprint(f"\rUploading {total / 1024:.1f} KiB ... {percent}%", end="" if percent < 100 else "\n")
        elif percent == 100:
            eprint(f"Uploaded {total / 1024:.1f} KiB.")  # no progress bar without a terminal

    return progress


def rate_limit_of(response) -> dict | None:
    if response.headers.get("X-RateLimit-Limit") is None:
        return None
    return {
        "limit": int(response.headers["X-RateLimit-Limit"]),
        "remaining": int(response.headers["X-RateLimit-Remaining"]),
        "reset_seconds": int(response.headers.get("X-RateLimit-Reset") or 0),
    }


def wait_graded(client: Client, submission_id: int, quiet: bool) -> dict:
    last = None
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while time.monotonic() < deadline:
        status = client.get(f"submissions/{submission_id}/status/")
        if status["done"]:
            return status
        if status["status"] == "queued":
            line = f"queued (position {status['queue_position']})"
        else:
            line = f"grading: {status['stage'] or 'starting'}"
        if line != last and not quiet:
            eprint(f"  {line}")
        last = line
        time.sleep(POLL_SECONDS)
    raise Failure(f"still grading after {WAIT_LIMIT_SECONDS // 60} minutes: see `academy status {submission_id}`",
                  NOT_FULL, "wait_timeout")  # fmt: skip


def print_detail(detail: dict) -> None:
    score = score_text(detail["score"], detail["max_score"])
    print(f"Submission #{detail['number']} of {detail['exercise']} (id {detail['id']}): {detail['status']}, "
          f"{detail['verdict'] or 'no verdict yet'}, score {score}")  # fmt: skip
    if detail["error_message"]:
        print(f"  {detail['error_message']}")
    feedback = detail.get("feedback")
    if feedback:
        for check in feedback["checks"]:
            mark = "PASS" if check["passed"] else "FAIL"
            hidden = " (hidden)" if check["hidden"] else ""
            print(f"{mark:>7}  {check['points']:g}/{check['max_points']:g}  {check['title']}{hidden}")
            if not check["passed"]:
                for text in dict.fromkeys(t for t in (check["hint"], check["message"]) if t):
                    lines = text.splitlines()[-10:]  # the end of a long output says the most
                    print("\n".join(f"           {line}" for line in lines))
                print(f"           lesson: {check['lesson_url']}")
        for test in feedback["failing_tests"]:
            print(f"  your test {test['outcome']}: {test['id']}\n      {test['message']}")
        for error in feedback["collection_errors"]:
            print(f"  cannot import {error['path']}:{error.get('line') or ''} {error['message']}")
        if feedback["lint"]:
            print(f"  lint findings (lesson: {feedback['lint_url']}):")
            print_lint(feedback["lint"])
        if feedback["limit"]:
            limit = feedback["limit"]
            print(f"  limit reached in {limit.get('stage')}" + (f" ({limit['test']})" if limit.get("test") else ""))
    print(f"Details: {detail['url']}")


def full_marks(detail: dict) -> bool:
    return detail["status"] == "graded" and detail["score"] is not None and detail["score"] >= detail["max_score"]


def cmd_submit(args) -> int:
    directory = project_dir(args.dir)
    client = client_from_config()
    marker = config.project_read(directory)
    slug = args.exercise or (marker or {}).get("exercise", {}).get("slug")
    if not slug:
        raise Failure(f"which exercise? {directory} has no {config.PROJECT_FILE}: pass --exercise SLUG")
    packed = pack.pack(directory)
    report_skipped(packed, quiet=args.json)
    if not packed.files:
        raise Failure(f"nothing to submit in {directory}")
    data = packed.tar_gz()
    try:
        response = client.upload(f"exercises/{slug}/submit/", field="archive", filename=f"{slug}.tar.gz", data=data,
                                 progress=progress_printer(not args.json))  # fmt: skip
    except ApiError as exc:
        if exc.code == "archive_rejected":
            raise Failure(f"the server refused the archive: {exc.message}", NOT_FULL, exc.code) from None
        raise
    created, rate = response.json(), rate_limit_of(response)
    if not args.json:
        eprint(f"Submitted: #{created['number']} (id {created['id']}) {created['url']}")
        if rate:
            eprint(f"Rate limit: {rate['remaining']} of {rate['limit']} submissions left in this window.")
    skipped = [{"path": s.path, "reason": s.reason} for s in packed.skipped]
    if args.no_wait:
        if args.json:
            emit_json({"submission": created, "feedback": None, "full_marks": False, "rate_limit": rate,
                       "skipped": skipped})  # fmt: skip
        else:
            print(f"Queued. Follow it with `academy status {created['id']}`.")
        return OK
    wait_graded(client, created["id"], quiet=args.json)
    detail = client.get(f"submissions/{created['id']}/")
    if args.json:
        feedback = detail.pop("feedback")
        emit_json({"submission": detail, "feedback": feedback, "full_marks": full_marks(detail), "rate_limit": rate,
                   "skipped": skipped})  # fmt: skip
    else:
        print_detail(detail)
    return OK if full_marks(detail) else NOT_FULL


def cmd_status(args) -> int:
    client = client_from_config()
    submission_id = args.id
    if submission_id is None:
        latest = client.get("submissions/", query={"limit": 1})
        if not latest:
            raise Failure("you have no submissions yet", NOT_FULL, "not_found")
        submission_id = latest[0]["id"]
    detail = client.get(f"submissions/{submission_id}/")
    if args.json:
        feedback = detail.pop("feedback")
        emit_json({"submission": detail, "feedback": feedback, "full_marks": full_marks(detail)})
    elif detail["status"] in {"queued", "running"}:
        where = f"position {detail['queue_position']}" if detail["status"] == "queued" else detail["stage"]
        print(f"Submission {detail['id']} of {detail['exercise']}: {detail['status']} ({where})")
    else:
        print_detail(detail)
    return OK if full_marks(detail) else NOT_FULL


def cmd_history(args) -> int:
    client = client_from_config()
    client.get(f"exercises/{args.slug}/")  # a clear 404 for an unknown exercise
    rows = client.get("submissions/", query={"exercise": args.slug, "limit": args.limit})
    if args.json:
        emit_json({"exercise": args.slug, "submissions": rows})
        return OK
    if not rows:
        print(f"No submissions for {args.slug} yet.")
        return OK
    print(f"{'#':>3}  {'ID':>6}  {'SUBMITTED (UTC)':<19}  {'STATUS':<8}  {'VERDICT':<13}  SCORE")
    for row in rows:
        when = row["created_at"][:19].replace("T", " ")
        print(f"{row['number']:>3}  {row['id']:>6}  {when:<19}  {row['status']:<8}  {row['verdict'] or '-':<13}  "
              f"{score_text(row['score'], row['max_score'])}")  # fmt: skip
    return OK


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print one JSON document on stdout (docs/cli.md)")
    main_parser = argparse.ArgumentParser(prog="academy", description="Django Backend Academy from the terminal.")
    main_parser.add_argument("--version", action="version", version=f"academy {__version__}")
    commands = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    login = commands.add_parser("login", help="log in and save a token")
    login.add_argument("--server", help=f"the site's URL (default {config.DEFAULT_SERVER})")
    login.add_argument("--username")
    login.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    login.add_argument("--name", default=f"academy-cli on {os.uname().nodename}"[:100], help="the token's name")
    login.add_argument("--expires-in-days", type=int, default=None, help="let the token expire (default: never)")
    login.set_defaults(handler=cmd_login)

    commands.add_parser("logout", help="revoke the token and forget it").set_defaults(handler=cmd_logout)
    commands.add_parser("whoami", parents=[common], help="who the token belongs to").set_defaults(handler=cmd_whoami)
    exercises = commands.add_parser("exercises", parents=[common], help="the exercises with your best scores")
    exercises.set_defaults(handler=cmd_exercises)

    download = commands.add_parser("download", help="download an exercise's starter project")
    download.add_argument("slug")
    download.add_argument("dir", nargs="?", help="target folder (default: ./SLUG)")
    download.add_argument("--force", action="store_true", help="write into a folder that is not empty")
    download.set_defaults(handler=cmd_download)

    test = commands.add_parser("test", parents=[common], help="run the visible checks in the grading image")
    test.add_argument("dir", nargs="?")
    test.add_argument("--local", action="store_true", help="skip Docker: run pytest with this Python")
    test.add_argument("--image", default=os.environ.get("ACADEMY_GRADER_IMAGE", sandbox.DEFAULT_IMAGE))
    test.set_defaults(handler=cmd_test)

    submit = commands.add_parser("submit", parents=[common], help="pack, upload and watch the grading")
    submit.add_argument("dir", nargs="?")
    submit.add_argument("--no-wait", action="store_true", help="return once the upload is queued")
    submit.add_argument("--exercise", help="the exercise slug, when the folder has no .academy.json")
    submit.set_defaults(handler=cmd_submit)

    status = commands.add_parser("status", parents=[common], help="a submission's state and results")
    status.add_argument("id", nargs="?", type=int, help="default: your latest submission")
    status.set_defaults(handler=cmd_status)

    history = commands.add_parser("history", parents=[common], help="your submissions for an exercise")
    history.add_argument("slug")
    history.add_argument("--limit", type=int, default=50)
    history.set_defaults(handler=cmd_history)
    return main_parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    as_json = getattr(args, "json", False)
    try:
        try:
            return args.handler(args)
        except ApiError as exc:
            raise api_failure(exc) from None
        except Unreachable as exc:
            raise Failure(str(exc), USAGE, "unreachable") from None
    except Failure as failure:
        if as_json:
            emit_json({"error": {"code": failure.error_code, "message": failure.message, "details": failure.details}})
        else:
            eprint(f"academy: {failure.message}")
        return failure.exit_code
    except KeyboardInterrupt:
        eprint("academy: interrupted")
        return USAGE
    except BrokenPipeError:
        # `academy exercises | head`: the reader left; stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return OK
