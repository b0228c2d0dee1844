"""The mssql_lint stage: the runner renders the learner's migrations as T-SQL offline
(mssql_check.py) and reports SQL Server hazards. Run on the host, like the other runner tests."""

import json
import textwrap

import pytest
import sandbox_tinyproject as tiny
from academy_runner import parse_mssql_output
from test_sandbox_runner_unit import run_on_host

pytest.importorskip("mssql")  # mssql-django renders the DDL (the grading image has it too)

SETTINGS = tiny.FILES["tinyshop/settings.py"].replace(
    """\
        DATABASES = {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": os.path.join(os.path.dirname(os.path.dirname(__file__)), "db.sqlite3"),
            }
        }
""",
    """\
        if os.environ.get("DATABASE_ENGINE") == "mssql":
            DATABASES = {
                "default": {
                    "ENGINE": "mssql",
                    "NAME": os.environ["DATABASE_NAME"],
                    "HOST": os.environ["DATABASE_HOST"],
                    "PORT": os.environ["DATABASE_PORT"],
                    "USER": os.environ["DATABASE_USER"],
                    "PASSWORD": os.environ["DATABASE_PASSWORD"],
                    "OPTIONS": {"driver": "ODBC Driver 18 for SQL Server"},
                }
            }
        else:
            DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
""",
)
assert tiny.FILES["tinyshop/settings.py"] != SETTINGS

MIGRATION_0002 = """\
    from django.db import migrations, models


    class Migration(migrations.Migration):
        dependencies = [("shop", "0001_initial")]
        operations = [
            migrations.AddField("book", "isbn", models.CharField(max_length=13, null=True, unique=True)),
            migrations.AddField("book", "blurb", models.TextField(default="")),
            migrations.AddIndex("book", models.Index(fields=["blurb"], name="book_blurb_idx")),
            migrations.AddConstraint(
                "book",
                models.UniqueConstraint(
                    fields=["title"], condition=~models.Q(title="draft"), name="book_title_unless_draft"
                ),
            ),
            migrations.RunPython(migrations.RunPython.noop),
        ]
    """

SERVICES = """\
    from shop.models import Book


    def books_by_ids(ids):
        return list(Book.objects.filter(pk__in=list(ids)))


    def books_of(queryset):
        return Book.objects.filter(pk__in=queryset.values("pk"))
    """


def project(**extra):
    files = {**tiny.FILES, "tinyshop/settings.py": SETTINGS, **extra}
    return tiny.dedent_all(files)


def test_host_run_mssql_lint_reports_hazards_with_lessons(tmp_path):
    files = project(**{"shop/migrations/0002_hazards.py": MIGRATION_0002, "shop/services.py": SERVICES})
    # The learner's own print()s go to the stage output, never into the JSON result.
    files["shop/models.py"] = b'print("hello from models")\n' + files["shop/models.py"]
    m = tiny.manifest(stages=["mssql_lint"], hidden_ids=[])
    _, results = run_on_host(tmp_path, tiny.pack(m, files))
    (stage,) = results["stages"]
    assert (stage["name"], stage["status"], stage["exit_code"]) == ("mssql_lint", "failed", 0), stage["output"]
    assert "hello from models" in stage["output"]
    found = [(f["severity"], f["rule"], f["path"], f["line"], f["lesson"], f["anchor"]) for f in results["mssql"]]
    assert found == [
        ("error", "max-key", "shop/migrations/0002_hazards.py", None, "models-integrity", "nvarchar-max"),
        ("error", "filter-not-or", "shop/migrations/0002_hazards.py", None, "models-integrity", "filtered-unique"),
        ("warning", "nullable-unique", "shop/migrations/0002_hazards.py", None, "models-integrity", "filtered-unique"),
        ("warning", "param-limit", "shop/services.py", 5, "orm-performance", "parameter-limit"),
        ("unverifiable", "unverifiable", "shop/migrations/0002_hazards.py", None, "testing", "sql-server"),
        ("unverifiable", "unverifiable", "shop/migrations/0002_hazards.py", None, "testing", "sql-server"),
    ]
    messages = [f["message"] for f in results["mssql"]]
    assert messages[0].startswith("index [book_blurb_idx] on [shop_book]: key column [blurb] is nvarchar(max)")
    # A default needs its constraint's name from the server: not checked, and said so.
    assert messages[4] == (
        "operation 2 (Add field blurb to book): the statements after its SELECT use that query's answer, "
        "which only a server can give"
    )
    assert messages[5] == "operation 5 (Raw Python operation): Python code cannot be rendered as SQL"
    assert results["truncated"] == {"tests": False, "lint": False, "mssql": False}
    assert results["internal_error"] is None


def test_host_run_mssql_lint_passes_a_clean_project(tmp_path):
    m = tiny.manifest(stages=["mssql_lint"], hidden_ids=[])
    _, results = run_on_host(tmp_path, tiny.pack(m, project()))
    (stage,) = results["stages"]
    assert (stage["status"], stage["exit_code"]) == ("passed", 0), stage["output"]
    assert results["mssql"] == []


def test_host_run_mssql_lint_errors_when_settings_ignore_database_engine(tmp_path):
    # The tiny project's own settings always use SQLite: nothing can be rendered for SQL Server.
    m = tiny.manifest(stages=["mssql_lint"], hidden_ids=[])
    _, results = run_on_host(tmp_path, tiny.pack(m, tiny.dedent_all(tiny.FILES)))
    (stage,) = results["stages"]
    assert stage["status"] == "error"
    assert "the settings must select mssql-django" in stage["output"]
    assert results["mssql"] == []


def test_host_run_mssql_lint_never_uses_the_manifest_database(tmp_path):
    # The manifest's env cannot point the stage at a real server: the dummy values win.
    files = project(
        **{
            "shop/apps.py": """\
                import os

                from django.apps import AppConfig


                class ShopConfig(AppConfig):
                    name = "shop"

                    def ready(self):
                        print("HOST=" + os.environ["DATABASE_HOST"], "PASSWORD=" + os.environ["DATABASE_PASSWORD"])
                """
        }
    )
    env = {"DATABASE_ENGINE": "sqlite", "DATABASE_HOST": "db.example", "DATABASE_PASSWORD": "real-secret"}
    m = tiny.manifest(stages=["mssql_lint"], hidden_ids=[], env=env)
    _, results = run_on_host(tmp_path, tiny.pack(m, files))
    (stage,) = results["stages"]
    assert stage["status"] == "passed", stage["output"]
    assert "HOST=192.0.2.1 PASSWORD=offline-not-a-secret" in stage["output"]


def test_parse_mssql_output_sorts_caps_and_refuses_garbage():
    def finding(severity, n):
        return {"rule": "r", "severity": severity, "path": f"p{n}.py", "line": n, "message": "m", "lesson": "l",
                "anchor": "a"}  # fmt: skip

    items = [finding("warning", 1), finding("unverifiable", 2), finding("error", 3), finding("error", 4)]
    text = json.dumps({"findings": items, "connection_opened": False})
    findings, truncated = parse_mssql_output(text)
    assert [(f["severity"], f["line"]) for f in findings] == [("error", 3), ("error", 4), ("warning", 1),
                                                              ("unverifiable", 2)]  # fmt: skip
    assert truncated is False
    findings, truncated = parse_mssql_output(text, limit=2)
    assert [f["line"] for f in findings] == [3, 4]
    assert truncated is True
    with pytest.raises(ValueError, match="a database connection was opened"):
        parse_mssql_output(json.dumps({"findings": items, "connection_opened": True}))
    with pytest.raises(ValueError, match="bad finding"):
        parse_mssql_output(json.dumps({"findings": [finding("fatal", 1)], "connection_opened": False}))
    with pytest.raises(ValueError, match="Expecting value"):
        parse_mssql_output("not json")
    bad_line = {**finding("warning", 1), "line": True}
    (parsed,), _ = parse_mssql_output(json.dumps({"findings": [bad_line], "connection_opened": False}))
    assert parsed["line"] is None


def test_mssql_check_is_self_contained():
    # The image holds only /opt/runner and /opt/venv: the child must not import the academy.
    from pathlib import Path

    source = (Path(tiny.__file__).parent.parent / "runner" / "mssql_check.py").read_text()
    assert "import grader" not in source
    assert "from grader" not in source
    assert textwrap.dedent(source).count("import mssql_hazards") == 1
