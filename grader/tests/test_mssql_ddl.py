"""Offline T-SQL rendering and the SQL Server hazard rules, with exact statements and messages."""

import dataclasses
import textwrap
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import migrations, models
from django.db.migrations.state import ProjectState
from django.db.models import Q

from grader import mssql_ddl

hazards = mssql_ddl.hazards_module()

DATETIMEOFFSET = (
    "[shop_product] [created]: datetimeoffset because USE_TZ is on. The column type follows a setting that "
    "migrations do not record (with USE_TZ off mssql-django expects datetime2 and makemigrations sees no change); "
    "raw SQL must compare with SYSDATETIMEOFFSET(), not GETDATE()."
)
NULLABLE_CONSTRAINT = (
    "unique constraint [product_sku_uniq] on [shop_product] covers nullable [sku]: SQL Server's UNIQUE treats "
    "NULLs as equal, so only one row may hold NULL (SQLite and PostgreSQL allow many). Add "
    "condition=Q(<field>__isnull=False) to get a filtered unique index."
)
NOT_IN_FILTER = (
    "filtered index [product_live_idx] on [shop_product]: its WHERE clause (NOT ([status] = 'gone')) uses NOT or "
    "OR, which SQL Server refuses in a filtered index. Write the condition positively, e.g. Q(status__in=[...])."
)
MAX_KEY = (
    "index [shop_product_notes_8c5fa680] on [shop_product]: key column [notes] is nvarchar(max) (a TextField or "
    "JSONField), which SQL Server refuses as an index key (error 1919). Use a CharField with max_length (at most "
    "850 characters in a key) or index a shorter copy."
)
FILTERED_UNIQUE = (
    "unique index [shop_product_national_id_cbd23cb4_uniq] on [shop_product] covers nullable [national_id]: "
    "mssql-django makes it a filtered index (WHERE ... IS NOT NULL), so rows with NULL are not checked, and no "
    "foreign key can reference a filtered index."
)
PARAM_IN = (
    "{kw}= takes a list built in Python: each value is one parameter and SQL Server accepts at most 2100 per "
    "statement (error 8003). Pass a QuerySet (a subquery) or split the values into batches."
)
PARAM_BULK = (
    "{method}() without batch_size: one statement carries rows x fields parameters and SQL Server accepts at most "
    "2100; set batch_size so that the statement size does not depend on the backend's estimate."
)


def migration(name: str, operations: list) -> migrations.Migration:
    m = migrations.Migration(name, "shop")
    m.operations = operations
    return m


def small_project() -> list[migrations.Migration]:
    return [
        migration(
            "0001_initial",
            [
                migrations.CreateModel(
                    "Product",
                    [
                        ("id", models.BigAutoField(primary_key=True)),
                        ("code", models.CharField(max_length=32, unique=True)),
                        ("notes", models.TextField(db_index=True)),
                        ("national_id", models.CharField(max_length=11, unique=True, null=True)),
                        ("sku", models.CharField(max_length=20, null=True)),
                        ("status", models.CharField(max_length=10)),
                        ("created", models.DateTimeField()),
                    ],
                ),
                migrations.AddConstraint("product", models.UniqueConstraint(fields=["sku"], name="product_sku_uniq")),
                migrations.AddIndex(
                    "product", models.Index(fields=["status"], condition=~Q(status="gone"), name="product_live_idx")
                ),
            ],
        ),
        migration(
            "0002_change",
            [
                migrations.AlterField("product", "code", models.CharField(max_length=64, unique=True)),
                migrations.RunPython(migrations.RunPython.noop),
                migrations.RunSQL("UPDATE [shop_product] SET [status] = 'new';"),
                migrations.AddField("product", "body", models.JSONField(default=dict)),
            ],
        ),
    ]


@pytest.fixture(scope="module")
def rendered():
    connection = mssql_ddl.offline_connection()
    result = mssql_ddl.render_migrations(connection, small_project(), ProjectState())
    assert connection.connection is None  # nothing was opened
    return result


def test_create_model_ddl_is_exact(rendered):
    first = rendered[0]
    assert first.label == "shop.0001_initial"
    assert [(op.kind, op.status) for op in first.operations] == [
        ("CreateModel", "rendered"),
        ("AddConstraint", "rendered"),
        ("AddIndex", "rendered"),
    ]
    assert first.operations[0].statements == [
        "CREATE TABLE [shop_product] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), "
        "[code] nvarchar(32) NOT NULL UNIQUE, [notes] nvarchar(max) NOT NULL, [national_id] nvarchar(11) NULL, "
        "[sku] nvarchar(20) NULL, [status] nvarchar(10) NOT NULL, [created] datetimeoffset NOT NULL);"
    ]
    assert first.operations[1].statements == [
        "ALTER TABLE [shop_product] ADD CONSTRAINT [product_sku_uniq] UNIQUE ([sku]);"
    ]
    assert first.operations[2].statements == [
        "CREATE INDEX [product_live_idx] ON [shop_product] ([status]) WHERE NOT ([status] = 'gone');"
    ]
    # Sorted: mssql-django keeps deferred statements in a set.
    assert first.deferred == [
        "CREATE INDEX [shop_product_notes_8c5fa680] ON [shop_product] ([notes]);",
        "CREATE UNIQUE INDEX [shop_product_national_id_cbd23cb4_uniq] ON [shop_product]([national_id]) "
        "WHERE [national_id] IS NOT NULL;",
    ]


def test_operations_that_need_a_server_are_unverifiable(rendered):
    second = rendered[1]
    assert [(op.kind, op.status, op.reason) for op in second.operations] == [
        (
            "AlterField",
            "unverifiable",
            "needs a live server: mssql-django reads the live schema in _db_table_constraint_names()",
        ),
        ("RunPython", "unverifiable", "Python code cannot be rendered as SQL"),
        ("RunSQL", "unverifiable", "raw SQL is copied as written; only a server can parse it"),
        (
            "AddField",
            "unverifiable",
            "the statements after its SELECT use that query's answer, which only a server can give",
        ),
    ]
    assert second.operations[0].statements == []  # nothing partial is kept
    assert second.operations[3].statements[0] == (
        "ALTER TABLE [shop_product] ADD [body] nvarchar(max) DEFAULT '{}' NOT NULL CHECK ((ISJSON (\"body\") = 1));"
    )


def test_every_hazard_of_the_small_project_is_flagged(rendered):
    result = {"migrations": [dataclasses.asdict(m) for m in rendered]}
    found = [(f.where, f.rule, f.severity, f.message) for f in mssql_ddl.findings_for(result, None, [], None)]
    assert found == [
        ("shop.0001_initial", "datetimeoffset", "warning", DATETIMEOFFSET),
        ("shop.0001_initial", "nullable-unique", "warning", NULLABLE_CONSTRAINT),
        ("shop.0001_initial", "filter-not-or", "error", NOT_IN_FILTER),
        ("shop.0001_initial", "max-key", "error", MAX_KEY),
        ("shop.0001_initial", "nullable-unique", "warning", FILTERED_UNIQUE),
        (
            "shop.0002_change",
            "unverifiable",
            "unverifiable",
            "operation 1 (Alter field code on product): needs a live server: mssql-django reads the live schema "
            "in _db_table_constraint_names()",
        ),
        (
            "shop.0002_change",
            "unverifiable",
            "unverifiable",
            "operation 2 (Raw Python operation): Python code cannot be rendered as SQL",
        ),
        (
            "shop.0002_change",
            "unverifiable",
            "unverifiable",
            "operation 3 (Raw SQL operation): raw SQL is copied as written; only a server can parse it",
        ),
        (
            "shop.0002_change",
            "unverifiable",
            "unverifiable",
            "operation 4 (Add field body to product): the statements after its SELECT use that query's answer, "
            "which only a server can give",
        ),
    ]


def test_offline_refuses_an_open_connection_and_restores_the_wrapper():
    connection = mssql_ddl.offline_connection()
    with mssql_ddl.offline(connection), pytest.raises(mssql_ddl.LiveServerNeeded):
        connection.ensure_connection()
    assert "connect" not in vars(connection)
    assert connection.alias not in type(connection)._known_versions
    connection.connection = object()  # as if something had connected
    with pytest.raises(mssql_ddl.ConnectionOpened), mssql_ddl.offline(connection):
        pass


# --- the pure rules --------------------------------------------------------------------------------


def judge(*statements: str) -> list[tuple[str, str, str]]:
    found = hazards.ddl_findings(("m", s) for s in statements)
    return [(f.rule, f.severity, f.message) for f in found]


def test_unique_text_column_inline_is_an_error():
    assert judge("CREATE TABLE [t] ([id] int NOT NULL PRIMARY KEY, [code] nvarchar(max) NOT NULL UNIQUE);") == [
        (
            "max-key",
            "error",
            "unique constraint [t.code] on [t]: key column [code] is nvarchar(max) (a TextField or JSONField), "
            "which SQL Server refuses as an index key (error 1919). Use a CharField with max_length (at most 850 "
            "characters in a key) or index a shorter copy.",
        )
    ]


def test_added_json_column_in_a_unique_constraint_is_an_error():
    assert [rule for rule, _, _ in judge(
        "CREATE TABLE [t] ([id] int NOT NULL PRIMARY KEY);",
        "ALTER TABLE [t] ADD [data] nvarchar(max) NULL CHECK ((ISJSON (\"data\") = 1));",
        "ALTER TABLE [t] ADD CONSTRAINT [t_data_uniq] UNIQUE ([data]);",
    )] == ["max-key", "nullable-unique"]  # fmt: skip


def test_wide_keys_are_a_warning():
    assert judge(
        "CREATE TABLE [t] ([a] nvarchar(500) NOT NULL, [b] nvarchar(400) NOT NULL);",
        "CREATE INDEX [t_ab] ON [t] ([a], [b]);",
    ) == [
        (
            "key-size",
            "warning",
            "index [t_ab] on [t]: the key can reach 1800 bytes; SQL Server rejects rows whose key exceeds 1700 "
            "bytes (nvarchar: 2 bytes per UTF-16 unit, 4 for an emoji).",
        )
    ]


def test_unique_together_on_not_null_columns_is_fine():
    assert (
        judge(
            "CREATE TABLE [t] ([a] nvarchar(10) NOT NULL, [b] int NOT NULL);",
            "CREATE UNIQUE INDEX [t_ab_uniq] ON [t] ([a], [b]) WHERE [a] IS NOT NULL AND [b] IS NOT NULL;",
            "CREATE UNIQUE INDEX [t_pub] ON [t] ([a]) WHERE [b] = 1;",
        )
        == []
    )


def test_or_in_a_filter_is_an_error_but_not_in_a_literal():
    assert [rule for rule, _, _ in judge(
        "CREATE TABLE [t] ([s] nvarchar(10) NOT NULL);",
        "CREATE INDEX [t_a] ON [t] ([s]) WHERE ([s] = 'x' OR [s] = 'y');",
        "CREATE INDEX [t_b] ON [t] ([s]) WHERE [s] = 'NOT OR';",
        "CREATE INDEX [t_c] ON [t] ([s]) WHERE [s] IN ('a', 'b');",
    )] == ["filter-not-or"]  # fmt: skip


def test_regex_check_needs_the_clr_function():
    assert judge(
        "CREATE TABLE [tok] ([h] nvarchar(64) NOT NULL, CONSTRAINT [h_hex] CHECK (dbo.REGEXP_LIKE([h], '^[0-9a-f]+$', 1)=1));"  # noqa: E501
    ) == [
        (
            "regex-clr",
            "warning",
            "[tok]: a __regex lookup renders as dbo.REGEXP_LIKE, a CLR function that migrate does not create: run "
            '`manage.py install_regex_clr <database>` first (needs "mssql" in INSTALLED_APPS and CLR enabled by a '
            "sysadmin), or write the check without __regex.",
        )
    ]


def test_findings_link_to_lessons():
    finding = hazards.unverifiable("a.0001", "operation 1 (x)", "why")
    assert finding.as_dict() == {
        "where": "a.0001",
        "rule": "unverifiable",
        "severity": "unverifiable",
        "message": "operation 1 (x): why",
        "lesson": "testing",
        "anchor": "sql-server",
    }
    assert set(hazards.LESSONS) == {
        "max-key", "key-size", "nullable-unique", "filter-not-or", "datetimeoffset", "unverifiable", "param-limit",
        "regex-clr", "render-failed",
    }  # fmt: skip


# --- the 2100-parameter scan -----------------------------------------------------------------------

SOURCE = textwrap.dedent(
    """\
    ids = [b.pk for b in books]
    Book.objects.filter(pk__in=ids)
    Book.objects.filter(pk__in=[1, 2, 3])
    Book.objects.filter(author__in=Author.objects.filter(country="NL"))
    Book.objects.filter(author_id__in=Author.objects.values_list("id", flat=True))
    Book.objects.filter(pk__in=published_books())
    Book.objects.filter(Q(tag__in={t.id for t in tags}))
    Book.objects.bulk_create(rows)
    Book.objects.bulk_create(rows, batch_size=500)
    Book.objects.bulk_update(rows, ["title"])
    Book.objects.in_bulk(ids)
    Book.objects.in_bulk([1, 2])
    Book.objects.filter(status__in=[Status.A, Status.B])
    """
)


def test_static_scan_flags_computed_in_lists_and_unbatched_bulk_operations():
    found = [(f.where, f.message) for f in hazards.scan_python(SOURCE, "shop/services.py")]
    assert found == [
        ("shop/services.py:2", PARAM_IN.format(kw="pk__in")),
        ("shop/services.py:7", PARAM_IN.format(kw="tag__in")),
        ("shop/services.py:8", PARAM_BULK.format(method="bulk_create")),
        ("shop/services.py:10", PARAM_BULK.format(method="bulk_update")),
        (
            "shop/services.py:11",
            "in_bulk() takes a list built in Python: each id is one parameter and SQL Server accepts at most 2100 "
            "per statement (error 8003). Filter with pk__in=<a QuerySet> or split the ids into batches.",
        ),
    ]


def test_static_scan_ignores_syntax_errors():
    assert hazards.scan_python("def broken(:\n", "x.py") == []


def test_python_files_skip_tests_and_migrations(tmp_path):
    for name in ["app/models.py", "app/tests/test_x.py", "app/migrations/0001_initial.py", "app/test_y.py",
                 "conftest.py", "app/services.py"]:  # fmt: skip
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    found = [p.relative_to(tmp_path).as_posix() for p in hazards.python_files(tmp_path)]
    assert found == ["app/models.py", "app/services.py"]


# --- a whole project, in a child process -------------------------------------------------------------


def write_tiny_project(root: Path) -> None:
    files = {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiny.settings")\n',
        "tiny/__init__.py": "",
        "tiny/settings.py": textwrap.dedent(
            """\
            import os
            SECRET_KEY = "x"
            INSTALLED_APPS = ["notes"]
            USE_TZ = True
            assert os.environ["DATABASE_ENGINE"] == "mssql"
            DATABASES = {"default": {
                "ENGINE": "mssql", "NAME": os.environ["DATABASE_NAME"], "HOST": os.environ["DATABASE_HOST"],
                "USER": os.environ["DATABASE_USER"], "PASSWORD": os.environ["DATABASE_PASSWORD"],
                "OPTIONS": {"driver": "ODBC Driver 18 for SQL Server"},
            }}
            """
        ),
        "notes/__init__.py": "",
        "notes/models.py": "",
        "notes/migrations/__init__.py": "",
        "notes/migrations/0001_initial.py": textwrap.dedent(
            """\
            from django.db import migrations, models
            class Migration(migrations.Migration):
                initial = True
                operations = [migrations.CreateModel("Note", [
                    ("id", models.BigAutoField(primary_key=True)),
                    ("body", models.TextField(unique=True)),
                ])]
            """
        ),
        "notes/services.py": "def f(ids):\n    return Note.objects.filter(pk__in=ids)\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_render_project_in_a_child_process_opens_no_connection(tmp_path):
    write_tiny_project(tmp_path)
    assert mssql_ddl.settings_module_of(tmp_path) == "tiny.settings"
    report = mssql_ddl.report_project(
        title="tiny", root=tmp_path, settings_module="tiny.settings", scan_roots=[tmp_path], repo=tmp_path
    )
    assert report.error == ""
    assert report.rendered["connection_opened"] is False
    assert report.rendered["migrations"][0]["operations"][0]["statements"] == [
        "CREATE TABLE [notes_note] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), "
        "[body] nvarchar(max) NOT NULL UNIQUE);"
    ]
    assert [(f.where, f.rule) for f in report.findings] == [
        ("notes.0001_initial", "max-key"),
        ("notes/services.py:2", "param-limit"),
    ]
    assert report.has_errors is True
    text = mssql_ddl.markdown([report], command="manage.py mssql_ddl")
    assert "| error | `notes.0001_initial` | max-key |" in text
    assert "models-integrity#nvarchar-max" in text


def test_render_project_names_why_it_cannot(tmp_path):
    write_tiny_project(tmp_path)
    (tmp_path / "tiny" / "settings.py").write_text("raise RuntimeError('broken settings')\n")
    report = mssql_ddl.report_project(
        title="tiny", root=tmp_path, settings_module="tiny.settings", scan_roots=[], repo=tmp_path
    )
    assert report.error == "rendering tiny.settings failed: RuntimeError: broken settings"
    assert "**Could not render:** rendering tiny.settings failed: RuntimeError: broken settings" in (
        mssql_ddl.markdown([report], command="x")
    )


def test_check_fails_on_a_stale_output(tmp_path):
    stale = tmp_path / "schema.md"
    stale.write_text("old\n")
    with pytest.raises(CommandError, match="schema.md is stale"):
        call_command("mssql_ddl", "--project", "--check", "--output", str(stale))
    assert stale.read_text() == "old\n"
