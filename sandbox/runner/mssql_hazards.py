"""SQL Server hazard rules: pure functions over rendered T-SQL DDL and over Python source.

Standard library only and no Django import: the site's `manage.py mssql_ddl` uses it, and the
grading runner (which runs inside the sandbox image, beside learner code) can use it as a lint
stage without importing the learner's project.

Two inputs:
- the T-SQL that mssql-django's schema editor renders in collect-sql mode (`SchemaTracker`
  follows CREATE TABLE / ALTER TABLE ADD to know each column's type and nullability, then
  judges every index, unique key and column against the rules below);
- Python source, scanned with `ast` for code that can exceed SQL Server's 2100-parameter limit.

Every finding names its rule, a severity, where it was found, an exact message, and the lesson
(slug, anchor) that teaches it, so that feedback can link to it.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from collections.abc import Iterable

ERROR = "error"  # SQL Server will refuse it (migrate fails)
WARNING = "warning"  # it runs, but behaves differently from SQLite/PostgreSQL or may fail at scale
UNVERIFIABLE = "unverifiable"  # needs a live server to render or to judge: never a silent pass
SEVERITIES = (ERROR, WARNING, UNVERIFIABLE)

# rule -> (lesson slug, heading anchor) in the curriculum.
LESSONS: dict[str, tuple[str, str]] = {
    "max-key": ("models-integrity", "nvarchar-max"),
    "key-size": ("caching-indexing", "sql-server-indexes"),
    "nullable-unique": ("models-integrity", "filtered-unique"),
    "filter-not-or": ("models-integrity", "filtered-unique"),
    "datetimeoffset": ("models-integrity", "datetimeoffset"),
    "unverifiable": ("testing", "sql-server"),
    "regex-clr": ("models-integrity", "sql-server-pitfalls"),
    "render-failed": ("caching-indexing", "sql-server-indexes"),
    "param-limit": ("orm-performance", "parameter-limit"),
}

# SQL Server's cap on a nonclustered index key (900 bytes for a clustered one).
MAX_KEY_BYTES = 1700
MAX_TYPES = {"nvarchar(max)", "varchar(max)", "varbinary(max)", "ntext", "text", "image", "xml"}


@dataclasses.dataclass(frozen=True, order=True)
class Finding:
    where: str  # "app.0001_initial" or "path/to/file.py:12"
    rule: str
    severity: str
    message: str

    @property
    def lesson(self) -> tuple[str, str]:
        return LESSONS[self.rule]

    def as_dict(self) -> dict:
        slug, anchor = self.lesson
        return {
            "where": self.where,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "lesson": slug,
            "anchor": anchor,
        }


@dataclasses.dataclass
class Column:
    type: str
    nullable: bool


# ---------------------------------------------------------------------------------------------
# Tokenising just enough T-SQL: the statements come from mssql-django's schema editor, whose
# shapes are fixed (CREATE TABLE, ALTER TABLE ... ADD, CREATE [UNIQUE] INDEX ... [WHERE]).

_IDENT = r"\[((?:[^\]]|\]\])+)\]"
_CREATE_TABLE = re.compile(rf"^CREATE TABLE {_IDENT} \((?P<body>.*)\);?$", re.S)
_ALTER_ADD_CONSTRAINT = re.compile(
    rf"^ALTER TABLE {_IDENT} ADD CONSTRAINT {_IDENT} (?P<kind>UNIQUE|PRIMARY KEY)(?: CLUSTERED| NONCLUSTERED)? "
    r"\((?P<cols>[^)]*)\)",
    re.S,
)
_ALTER_ADD_COLUMN = re.compile(rf"^ALTER TABLE {_IDENT} ADD (?P<def>\[.*?);?$", re.S)
_ALTER_COLUMN = re.compile(rf"^ALTER TABLE {_IDENT} ALTER COLUMN (?P<def>\[.*?);?$", re.S)
_CREATE_INDEX = re.compile(
    rf"^CREATE (?P<unique>UNIQUE )?(?:CLUSTERED |NONCLUSTERED )?INDEX {_IDENT} ON {_IDENT} ?"
    r"\((?P<cols>[^)]*)\)(?P<rest>.*?);?$",
    re.S,
)
_IS_NOT_NULL = re.compile(rf"^{_IDENT} IS NOT NULL$")


def _unquote(name: str) -> str:
    return name.replace("]]", "]")


def _split_top_level(text: str) -> list[str]:
    """Split on commas outside parentheses and quotes (column lists, numeric(4, 2), CHECKs)."""
    parts, depth, quote, current = [], 0, "", []
    for char in text:
        if quote:
            current.append(char)
            if char == quote:
                quote = ""
            continue
        if char in "'[":
            quote = "'" if char == "'" else "]"
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    if "".join(current).strip():
        parts.append("".join(current).strip())
    return parts


def _column_names(cols: str) -> list[str]:
    names = []
    for part in _split_top_level(cols):
        match = re.match(_IDENT, part)
        if match:
            names.append(_unquote(match.group(1)))
    return names


_COLUMN_DEF = re.compile(rf"^{_IDENT} (?P<type>[a-z0-9]+(?:\((?:max|\d+(?:, ?\d+)?)\))?)(?P<rest>.*)$", re.S | re.I)


def _parse_column(definition: str) -> tuple[str, Column, bool] | None:
    """(name, column, inline_unique) of one column definition, or None for a table constraint."""
    match = _COLUMN_DEF.match(definition.strip())
    if not match:
        return None
    rest = match.group("rest")
    # Strip CHECK (...) / DEFAULT (...) bodies so their words are not read as column options.
    plain = re.sub(r"CONSTRAINT \S+ CHECK \(.*\)|CHECK \(.*\)|DEFAULT \(.*?\)", "", rest, flags=re.S)
    nullable = " NOT NULL" not in f" {plain}" and "PRIMARY KEY" not in plain
    inline_unique = bool(re.search(r"\bUNIQUE\b", plain))
    return _unquote(match.group(1)), Column(match.group("type").lower(), nullable), inline_unique


def _type_bytes(column_type: str) -> int:
    match = re.match(r"^(n?)(?:var)?char\((\d+)\)$", column_type)
    if match:
        return int(match.group(2)) * (2 if match.group(1) else 1)
    match = re.match(r"^varbinary\((\d+)\)$", column_type)
    if match:
        return int(match.group(1))
    return 8  # numbers, dates, bits, uniqueidentifier (16) are all well under the cap


class SchemaTracker:
    """Follows rendered DDL statement by statement and reports hazards of each one."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, Column]] = {}

    def findings(self, statement: str, *, where: str) -> list[Finding]:
        statement = statement.strip()
        return self._regex_clr(statement, where) + self._statement(statement, where)

    @staticmethod
    def _regex_clr(statement: str, where: str) -> list[Finding]:
        # mssql-django renders __regex as a call to a CLR function it does not create at migrate time.
        match = re.match(rf"^(?:CREATE TABLE|ALTER TABLE) {_IDENT}", statement)
        if "dbo.REGEXP_LIKE(" not in statement or not match:
            return []
        return [
            Finding(
                where,
                "regex-clr",
                WARNING,
                f"[{_unquote(match.group(1))}]: a __regex lookup renders as dbo.REGEXP_LIKE, a CLR function that "
                'migrate does not create: run `manage.py install_regex_clr <database>` first (needs "mssql" in '
                "INSTALLED_APPS and CLR enabled by a sysadmin), or write the check without __regex.",
            )
        ]

    def _statement(self, statement: str, where: str) -> list[Finding]:
        if match := _CREATE_TABLE.match(statement):
            return self._create_table(_unquote(match.group(1)), match.group("body"), where)
        if match := _ALTER_ADD_CONSTRAINT.match(statement):
            table, name = _unquote(match.group(1)), _unquote(match.group(2))
            kind = "unique constraint" if match.group("kind") == "UNIQUE" else "primary key"
            columns = _column_names(match.group("cols"))
            return self._key(table, name, kind, columns, where, plain_unique=kind == "unique constraint")
        if match := _CREATE_INDEX.match(statement):
            return self._index(match, where)
        if match := _ALTER_COLUMN.match(statement):
            parsed = _parse_column(match.group("def"))
            if parsed:
                self.tables.setdefault(_unquote(match.group(1)), {})[parsed[0]] = parsed[1]
            return []
        if match := _ALTER_ADD_COLUMN.match(statement):
            table = _unquote(match.group(1))
            parsed = _parse_column(match.group("def"))
            if not parsed:
                return []
            name, column, inline_unique = parsed
            self.tables.setdefault(table, {})[name] = column
            found = self._datetimeoffset(table, [name], where)
            if inline_unique:
                found += self._key(table, f"{table}.{name}", "unique constraint", [name], where, plain_unique=True)
            return found
        return []

    def _create_table(self, table: str, body: str, where: str) -> list[Finding]:
        columns: dict[str, Column] = {}
        self.tables[table] = columns
        found: list[Finding] = []
        inline_keys: list[tuple[str, str]] = []
        table_keys: list[tuple[str, str, list[str]]] = []
        for part in _split_top_level(body):
            constraint = re.match(
                rf"^CONSTRAINT {_IDENT} (?P<kind>UNIQUE|PRIMARY KEY)(?: CLUSTERED| NONCLUSTERED)? \((?P<cols>[^)]*)\)",
                part,
            )
            if constraint:
                kind = "unique constraint" if constraint.group("kind") == "UNIQUE" else "primary key"
                table_keys.append((_unquote(constraint.group(1)), kind, _column_names(constraint.group("cols"))))
                continue
            parsed = _parse_column(part)
            if parsed is None:
                continue
            name, column, inline_unique = parsed
            columns[name] = column
            if inline_unique:
                inline_keys.append((name, "unique constraint"))
            elif "PRIMARY KEY" in part:
                inline_keys.append((name, "primary key"))
        found += self._datetimeoffset(table, list(columns), where)
        for name, kind in inline_keys:
            found += self._key(table, f"{table}.{name}", kind, [name], where, plain_unique=kind == "unique constraint")
        for name, kind, cols in table_keys:
            found += self._key(table, name, kind, cols, where, plain_unique=kind == "unique constraint")
        return found

    def _datetimeoffset(self, table: str, names: list[str], where: str) -> list[Finding]:
        columns = self.tables.get(table, {})
        hits = [name for name in names if columns.get(name) and columns[name].type == "datetimeoffset"]
        if not hits:
            return []
        listed = ", ".join(f"[{name}]" for name in hits)
        return [
            Finding(
                where,
                "datetimeoffset",
                WARNING,
                f"[{table}] {listed}: datetimeoffset because USE_TZ is on. The column type follows a setting "
                "that migrations do not record (with USE_TZ off mssql-django expects datetime2 and makemigrations "
                "sees no change); raw SQL must compare with SYSDATETIMEOFFSET(), not GETDATE().",
            )
        ]

    def _key(
        self, table: str, name: str, kind: str, names: list[str], where: str, *, plain_unique: bool = False
    ) -> list[Finding]:
        columns = self.tables.get(table, {})
        found: list[Finding] = []
        for col in names:
            column = columns.get(col)
            if column and column.type in MAX_TYPES:
                found.append(
                    Finding(
                        where,
                        "max-key",
                        ERROR,
                        f"{kind} [{name}] on [{table}]: key column [{col}] is {column.type} (a TextField or "
                        "JSONField), which SQL Server refuses as an index key (error 1919). Use a CharField "
                        "with max_length (at most 850 characters in a key) or index a shorter copy.",
                    )
                )
        known = [columns[col] for col in names if col in columns and columns[col].type not in MAX_TYPES]
        size = sum(_type_bytes(column.type) for column in known)
        if len(known) == len(names) and size > MAX_KEY_BYTES:
            found.append(
                Finding(
                    where,
                    "key-size",
                    WARNING,
                    f"{kind} [{name}] on [{table}]: the key can reach {size} bytes; SQL Server rejects rows whose "
                    f"key exceeds {MAX_KEY_BYTES} bytes (nvarchar: 2 bytes per UTF-16 unit, 4 for an emoji).",
                )
            )
        nullable = [col for col in names if col in columns and columns[col].nullable]
        if plain_unique and nullable:
            listed = ", ".join(f"[{col}]" for col in nullable)
            found.append(
                Finding(
                    where,
                    "nullable-unique",
                    WARNING,
                    f"{kind} [{name}] on [{table}] covers nullable {listed}: SQL Server's UNIQUE treats NULLs as "
                    "equal, so only one row may hold NULL (SQLite and PostgreSQL allow many). Add "
                    "condition=Q(<field>__isnull=False) to get a filtered unique index.",
                )
            )
        return found

    def _index(self, match: re.Match, where: str) -> list[Finding]:
        name, table = _unquote(match.group(2)), _unquote(match.group(3))
        names = _column_names(match.group("cols"))
        unique = bool(match.group("unique"))
        found = self._key(table, name, "unique index" if unique else "index", names, where)
        rest = match.group("rest").strip()
        filter_match = re.search(r"\bWHERE (?P<cond>.*)$", rest, re.S)
        if not filter_match:
            return found
        condition = filter_match.group("cond").strip()
        # Outside quoted literals and bracketed names, a NOT or an OR makes CREATE INDEX fail.
        bare = re.sub(r"'(?:[^']|'')*'|\[(?:[^\]]|\]\])*\]", "''", condition)
        if re.search(r"\bNOT\b(?! NULL)|\bOR\b", bare.upper()):
            found.append(
                Finding(
                    where,
                    "filter-not-or",
                    ERROR,
                    f"filtered index [{name}] on [{table}]: its WHERE clause ({condition}) uses NOT or OR, which "
                    "SQL Server refuses in a filtered index. Write the condition positively, e.g. "
                    "Q(status__in=[...]).",
                )
            )
        conjuncts = [part.strip() for part in re.split(r"\bAND\b", condition)]
        filtered = [_IS_NOT_NULL.match(part) for part in conjuncts]
        if unique and all(filtered):
            # mssql-django's own filter for unique=True / unique_together: flag it when a column
            # really is nullable (for NOT NULL columns the filter changes nothing).
            columns = self.tables.get(table, {})
            nullable = [
                _unquote(m.group(1))
                for m in filtered
                if m and columns.get(_unquote(m.group(1)), Column("", False)).nullable
            ]
            if nullable:
                listed = ", ".join(f"[{col}]" for col in nullable)
                found.append(
                    Finding(
                        where,
                        "nullable-unique",
                        WARNING,
                        f"unique index [{name}] on [{table}] covers nullable {listed}: mssql-django makes it a "
                        f"filtered index (WHERE ... IS NOT NULL), so rows with NULL are not checked, and no "
                        "foreign key can reference a filtered index.",
                    )
                )
        return found


def ddl_findings(statements: Iterable[tuple[str, str]], tracker: SchemaTracker | None = None) -> list[Finding]:
    """Findings for (where, statement) pairs, in order; one tracker follows the whole schema."""
    tracker = tracker or SchemaTracker()
    found: list[Finding] = []
    for where, statement in statements:
        found += tracker.findings(statement, where=where)
    return found


def unverifiable(where: str, operation: str, reason: str) -> Finding:
    """An operation that was not judged: it needs a live server, or it is Python or raw SQL."""
    return Finding(where, "unverifiable", UNVERIFIABLE, f"{operation}: {reason}")


def render_failed(where: str, operation: str, reason: str) -> Finding:
    """mssql-django refused to render an operation (e.g. an expression index): migrate would fail too."""
    return Finding(where, "render-failed", ERROR, f"{operation}: mssql-django cannot render it ({reason})")


# ---------------------------------------------------------------------------------------------
# The 2100-parameter limit: a static scan. It cannot know sizes, so every finding is a warning.

# Calls whose result is a QuerySet: `x__in=<queryset>` renders a subquery, with no parameters
# per value.
_QUERYSET_METHODS = {
    "all", "filter", "exclude", "values", "values_list", "only", "defer", "order_by", "distinct",
    "annotate", "select_related", "prefetch_related", "none", "using",
}  # fmt: skip
_SUBQUERY_NAMES = {"Subquery", "OuterRef", "RawSQL"}
SKIP_PARTS = {"migrations", "tests", "test", "node_modules", ".venv", "venv", "__pycache__"}


def _is_literal(node: ast.AST) -> bool:
    """A constant, or a list/tuple/set display: its size is fixed in the source."""
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return len(node.elts) < 2100 and not any(isinstance(e, ast.Starred) for e in node.elts)
    return isinstance(node, ast.Constant)


def _is_queryset_expression(node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _QUERYSET_METHODS:
            return True
        if isinstance(func, ast.Name) and func.id in _SUBQUERY_NAMES:
            return True
    # A manager used directly (Model.objects) is a QuerySet too.
    return isinstance(node, ast.Attribute) and node.attr == "objects"


# Calls that turn something into a Python collection: their size is only known at run time.
_COLLECTION_BUILDERS = {"list", "set", "tuple", "sorted", "frozenset"}


def _built_in_python(node: ast.AST) -> bool:
    """True when the value is a collection computed at run time (not a QuerySet, not a literal).

    A call to any other function is given the benefit of the doubt: selectors return QuerySets,
    which render as a subquery with no parameter per value.
    """
    if _is_literal(node) or _is_queryset_expression(node):
        return False
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            return func.id in _COLLECTION_BUILDERS
        return isinstance(func, ast.Attribute) and func.attr in {"keys", "copy", "union", "intersection"}
    return isinstance(
        node, ast.Name | ast.Attribute | ast.Subscript | ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.BinOp
    ) or isinstance(node, ast.List | ast.Tuple | ast.Set)


def scan_python(source: str, path: str) -> list[Finding]:
    """Warnings for code that can send more than 2100 parameters in one statement."""
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError:
        return []  # not our stage's job: ruff and the tests report a syntax error
    found: list[Finding] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        where = f"{path}:{node.lineno}"
        for keyword in node.keywords:
            if keyword.arg and keyword.arg.endswith("__in"):
                if not _built_in_python(keyword.value):
                    continue
                found.append(
                    Finding(
                        where,
                        "param-limit",
                        WARNING,
                        f"{keyword.arg}= takes a list built in Python: each value is one parameter and SQL Server "
                        "accepts at most 2100 per statement (error 8003). Pass a QuerySet (a subquery) or split "
                        "the values into batches.",
                    )
                )
        method = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        if method in {"bulk_create", "bulk_update"} and not any(k.arg == "batch_size" for k in node.keywords):
            found.append(
                Finding(
                    where,
                    "param-limit",
                    WARNING,
                    f"{method}() without batch_size: one statement carries rows x fields parameters and SQL "
                    "Server accepts at most 2100; set batch_size so that the statement size does not depend on "
                    "the backend's estimate.",
                )
            )
        if method == "in_bulk" and node.args and _built_in_python(node.args[0]):
            found.append(
                Finding(
                    where,
                    "param-limit",
                    WARNING,
                    "in_bulk() takes a list built in Python: each id is one parameter and SQL Server accepts at "
                    "most 2100 per statement (error 8003). Filter with pk__in=<a QuerySet> or split the ids into "
                    "batches.",
                )
            )
    return sorted(found, key=lambda f: (int(f.where.rsplit(":", 1)[1]), f.message))


def python_files(root, *, skip: set[str] | None = None) -> list:
    """The .py files a scan should read under `root` (a pathlib.Path): no tests, no migrations."""
    skip = SKIP_PARTS if skip is None else skip
    files = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if any(part in skip for part in parts[:-1]):
            continue
        name = parts[-1]
        if name.startswith("test_") or name.endswith("_test.py") or name in {"conftest.py", "tests.py"}:
            continue
        files.append(path)
    return files
