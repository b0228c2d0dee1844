"""Grading against SQL Server: one database and one login per run, created before and dropped after.

When GRADER_MSSQL_HOST is set, each grading run gets:
- a database `academy_run_<id>` and its test twin `test_academy_run_<id>` (pytest-django
  creates `test_<NAME>`; the run's login may not create databases, so the grader creates both
  and the runner must pass `--reuse-db`, which makes Django keep an existing test database);
- a login of the same name with a random password, mapped to a user in both databases and a
  member of db_owner there only: no server role, no other database;
- a Docker network created with internal=True that holds only the SQL Server container and
  the sandbox: no gateway, so the sandbox still has no route out (`sandbox_network`).

Why the SQL is built by hand, and why that is safe: T-SQL DDL (CREATE LOGIN, CREATE DATABASE,
CREATE USER, DROP ...) cannot take parameters for identifiers, and CREATE LOGIN cannot take
one for its password either. So:
1. identifiers are generated here (never from user input) and must match IDENTIFIER, a strict
   pattern of ASCII letters, digits and underscores; anything else raises before SQL is built;
2. they are then quoted like QUOTENAME(): wrapped in [ ] with every ] doubled, so even a name
   that slipped past the pattern could not end the identifier;
3. the password is generated here from an alphabet without quotes or brackets, checked against
   PASSWORD_ALPHABET, and written as an N'...' literal with every ' doubled;
4. teardown builds its dynamic statements on the server with QUOTENAME() over names read from
   sys.databases, so a database the learner's code created under any name is dropped safely.

The admin connection (GRADER_MSSQL_ADMIN_USER) is the worker's only; the exercise receives
only its run's credentials (`exercise_env`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re
import secrets
import string
from collections.abc import Callable, Iterator

from django.conf import settings

logger = logging.getLogger(__name__)

IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,99}$")
RUN_ID = re.compile(r"^[A-Za-z0-9_]{1,40}$")
NAME_PREFIX = "academy_run_"
# No quote, no bracket, no semicolon: a password needs no escaping at all (it is escaped anyway).
PASSWORD_SYMBOLS = "-_.+=!#%*"  # noqa: S105 (an alphabet, not a password)
PASSWORD_ALPHABET = frozenset(string.ascii_letters + string.digits + PASSWORD_SYMBOLS)
PASSWORD_LENGTH = 32
NETWORK_PREFIX = "academy-mssql-run-"
NETWORK_LABEL = "academy.grader.mssql"


class MssqlGradingError(Exception):
    """Creating or dropping a run's database failed. Retryable; never the learner's fault."""


def quote_name(name: str) -> str:
    """QUOTENAME() for an identifier we generated: validated, then bracketed with ] doubled."""
    if not isinstance(name, str) or not IDENTIFIER.fullmatch(name):
        raise ValueError(f"refusing SQL identifier {name!r}: it must match {IDENTIFIER.pattern}")
    return "[" + name.replace("]", "]]") + "]"


def quote_string(value: str) -> str:
    """An N'...' literal with ' doubled: what QUOTENAME(value, '''') would produce."""
    if "\x00" in value:
        raise ValueError("refusing a NUL character in a SQL literal")
    return "N'" + value.replace("'", "''") + "'"


def new_password() -> str:
    """32 characters from secrets, with every class SQL Server's CHECK_POLICY asks for."""
    while True:
        password = "".join(secrets.choice(sorted(PASSWORD_ALPHABET)) for _ in range(PASSWORD_LENGTH))
        classes = (string.ascii_lowercase, string.ascii_uppercase, string.digits, PASSWORD_SYMBOLS)
        if all(any(char in group for char in password) for group in classes):
            return password


def _checked_password(password: str) -> str:
    if len(password) < 16 or not set(password) <= PASSWORD_ALPHABET:
        raise ValueError("refusing a run password outside PASSWORD_ALPHABET or shorter than 16 characters")
    return password


@dataclasses.dataclass(frozen=True)
class RunDatabase:
    database: str
    login: str
    password: str = dataclasses.field(repr=False)  # never in logs or tracebacks
    host: str
    port: int

    @property
    def test_database(self) -> str:
        return f"test_{self.database}"

    @property
    def databases(self) -> tuple[str, str]:
        return (self.database, self.test_database)


@dataclasses.dataclass(frozen=True)
class MssqlConfig:
    host: str  # as the sandbox reaches it: the SQL Server container's name on the run network
    port: int
    admin_user: str
    admin_password: str = dataclasses.field(repr=False)
    container: str  # the SQL Server container to attach to each run's network
    admin_host: str  # as the worker reaches it (may differ from `host`)

    @property
    def enabled(self) -> bool:
        return bool(self.host and self.admin_user and self.admin_password)


def config_from_settings() -> MssqlConfig:
    return MssqlConfig(
        host=settings.GRADER_MSSQL_HOST,
        port=int(settings.GRADER_MSSQL_PORT or 1433),
        admin_user=settings.GRADER_MSSQL_ADMIN_USER,
        admin_password=settings.GRADER_MSSQL_ADMIN_PASSWORD,
        container=settings.GRADER_MSSQL_CONTAINER or settings.GRADER_MSSQL_HOST,
        admin_host=settings.GRADER_MSSQL_ADMIN_HOST or settings.GRADER_MSSQL_HOST,
    )


def run_database_for(run_id: str, *, host: str, port: int, password: str | None = None) -> RunDatabase:
    """Names for one run. `run_id` is ours (a submission id plus a random suffix), validated anyway."""
    if not RUN_ID.fullmatch(run_id):
        raise ValueError(f"refusing run id {run_id!r}: it must match {RUN_ID.pattern}")
    name = f"{NAME_PREFIX}{run_id}".lower()
    return RunDatabase(database=name, login=name, password=password or new_password(), host=host, port=port)


def create_sql(run: RunDatabase) -> list[str]:
    """Batches, in order, that the admin connection runs before the sandbox starts.

    Each batch is executed on its own (CREATE DATABASE cannot share a transaction). USE sits in
    the same batch as the statements that need it, so a pooled connection cannot lose it.
    """
    login = quote_name(run.login)
    password = quote_string(_checked_password(run.password))
    batches = [f"CREATE DATABASE {quote_name(name)};" for name in run.databases]
    # Row versioning as in production (docs/deploy.md): readers do not block writers.
    batches += [f"ALTER DATABASE {quote_name(name)} SET READ_COMMITTED_SNAPSHOT ON;" for name in run.databases]
    batches.append(
        f"CREATE LOGIN {login} WITH PASSWORD = {password}, DEFAULT_DATABASE = {quote_name(run.database)}, "
        "CHECK_POLICY = ON, CHECK_EXPIRATION = OFF;"
    )
    for name in run.databases:
        batches.append(
            f"USE {quote_name(name)};\n"
            f"CREATE USER {login} FOR LOGIN {login};\n"
            f"ALTER ROLE [db_owner] ADD MEMBER {login};"
        )
    return batches


def drop_sql(run: RunDatabase) -> list[str]:
    """Batches that remove everything of the run; each is idempotent, so teardown can be retried.

    1. Disable the login, then kill its sessions: no new connection, and none left to block
       the drops (KILL takes no variable, hence the dynamic statement of a number).
    2. Every database of the run, and any the login came to own, goes to SINGLE_USER WITH
       ROLLBACK IMMEDIATE and is dropped. Names are read from sys.databases and quoted by
       QUOTENAME() on the server.
    3. DROP LOGIN.
    """
    login_literal = quote_string(run.login)
    names = ", ".join(quote_string(name) for name in run.databases)
    login = quote_name(run.login)
    # Every value below went through quote_string()/quote_name() (module docstring).
    return [
        f"IF SUSER_ID({login_literal}) IS NOT NULL ALTER LOGIN {login} DISABLE;",
        "DECLARE @spid int, @sql nvarchar(max);\n"  # noqa: S608
        "DECLARE sessions CURSOR LOCAL FAST_FORWARD FOR\n"
        "    SELECT session_id FROM sys.dm_exec_sessions\n"
        f"    WHERE login_name = {login_literal} AND session_id <> @@SPID;\n"
        "OPEN sessions;\n"
        "FETCH NEXT FROM sessions INTO @spid;\n"
        "WHILE @@FETCH_STATUS = 0\n"
        "BEGIN\n"
        "    SET @sql = N'KILL ' + CAST(@spid AS nvarchar(11));\n"
        "    BEGIN TRY EXEC sys.sp_executesql @sql; END TRY BEGIN CATCH END CATCH;\n"
        "    FETCH NEXT FROM sessions INTO @spid;\n"
        "END;\n"
        "CLOSE sessions;\n"
        "DEALLOCATE sessions;",
        "DECLARE @name sysname, @sql nvarchar(max);\n"  # noqa: S608
        "DECLARE dbs CURSOR LOCAL FAST_FORWARD FOR\n"
        f"    SELECT name FROM sys.databases WHERE name IN ({names}) OR owner_sid = SUSER_SID({login_literal});\n"
        "OPEN dbs;\n"
        "FETCH NEXT FROM dbs INTO @name;\n"
        "WHILE @@FETCH_STATUS = 0\n"
        "BEGIN\n"
        "    SET @sql = N'ALTER DATABASE ' + QUOTENAME(@name) + N' SET SINGLE_USER WITH ROLLBACK IMMEDIATE; '\n"
        "        + N'DROP DATABASE ' + QUOTENAME(@name) + N';';\n"
        "    EXEC sys.sp_executesql @sql;\n"
        "    FETCH NEXT FROM dbs INTO @name;\n"
        "END;\n"
        "CLOSE dbs;\n"
        "DEALLOCATE dbs;",
        f"IF SUSER_ID({login_literal}) IS NOT NULL DROP LOGIN {login};",
    ]


def exercise_env(run: RunDatabase) -> dict[str, str]:
    """What the exercise's settings read: only this run's database and login, nothing else."""
    return {
        "DATABASE_ENGINE": "mssql",
        "DATABASE_NAME": run.database,
        "DATABASE_HOST": run.host,
        "DATABASE_PORT": str(run.port),
        "DATABASE_USER": run.login,
        "DATABASE_PASSWORD": run.password,
    }


# --- running the SQL ------------------------------------------------------------------------------

Execute = Callable[[str], None]


@contextlib.contextmanager
def admin_executor(config: MssqlConfig) -> Iterator[Execute]:
    """A callable that runs one batch on the admin connection (autocommit: CREATE DATABASE needs it)."""
    import mssql_python  # the driver mssql-django uses here; imported only when grading on SQL Server

    connection = mssql_python.connect(
        f"Server={config.admin_host},{config.port};Database=master;UID={config.admin_user};"
        f"PWD={{{config.admin_password.replace('}', '}}')}}};Encrypt=yes;TrustServerCertificate=yes",
        autocommit=True,
    )
    try:
        cursor = connection.cursor()

        def execute(batch: str) -> None:
            cursor.execute(batch)

        yield execute
    finally:
        connection.close()


@contextlib.contextmanager
def mssql_run_database(
    run_id: str,
    *,
    config: MssqlConfig | None = None,
    executor: Callable[[MssqlConfig], contextlib.AbstractContextManager[Execute]] | None = None,
) -> Iterator[RunDatabase]:
    """Create the run's databases and login, yield them, and drop them all afterwards, whatever happens.

    A failure while creating drops what was created so far and raises MssqlGradingError. A
    failure while dropping is logged and raised only when the run itself succeeded, so it never
    hides the run's own exception.
    """
    config = config or config_from_settings()
    if not config.enabled:
        raise MssqlGradingError("the grader has no SQL Server configured (GRADER_MSSQL_HOST is empty)")
    executor = executor or admin_executor
    run = run_database_for(run_id, host=config.host, port=config.port)
    try:
        with executor(config) as execute:
            for batch in create_sql(run):
                execute(batch)
    except Exception as exc:
        _drop_quietly(run, config, executor)
        raise MssqlGradingError(f"could not create the run database {run.database} ({type(exc).__name__})") from exc
    failed = True
    try:
        yield run
        failed = False
    finally:
        try:
            with executor(config) as execute:
                for batch in drop_sql(run):
                    execute(batch)
        except Exception as exc:
            logger.exception("could not drop the run database %s and its login", run.database)
            if not failed:
                raise MssqlGradingError(f"could not drop the run database {run.database}") from exc


def _drop_quietly(run: RunDatabase, config: MssqlConfig, executor) -> None:
    try:
        with executor(config) as execute:
            for batch in drop_sql(run):
                execute(batch)
    except Exception:
        logger.exception("could not clean up after a failed create of %s", run.database)


# --- Docker network wiring ------------------------------------------------------------------------


def network_name(run_id: str) -> str:
    if not RUN_ID.fullmatch(run_id):
        raise ValueError(f"refusing run id {run_id!r}: it must match {RUN_ID.pattern}")
    return f"{NETWORK_PREFIX}{run_id}".lower()


def sandbox_network_kwargs(name: str) -> dict:
    """What DockerSandbox.run must pass to containers.create instead of network_mode="none".

    The sandbox joins only this network. It is internal (no gateway, no NAT): the only peer it
    can reach is the SQL Server container, which is attached to it by name.
    """
    return {"network": name}


@contextlib.contextmanager
def sandbox_network(client, run_id: str, *, mssql_container: str, labels: dict[str, str] | None = None):
    """Create an internal network holding only the SQL Server container; yield (name, sandbox kwargs).

    Always removed afterwards: the SQL Server container is disconnected first (a network with
    endpoints cannot be removed), then the network. The sandbox container is removed by
    DockerSandbox itself before this context exits.
    """
    name = network_name(run_id)
    network = client.networks.create(
        name,
        driver="bridge",
        internal=True,  # no default gateway: nothing outside this network is routable
        check_duplicate=True,
        labels={NETWORK_LABEL: "1", **(labels or {})},
        options={"com.docker.network.bridge.enable_icc": "true"},
    )
    try:
        # The SQL Server answers on this network under its container name (DATABASE_HOST).
        network.connect(mssql_container, aliases=[mssql_container])
        yield name, sandbox_network_kwargs(name)
    finally:
        try:
            network.reload()
            for container in network.containers:
                with contextlib.suppress(Exception):
                    network.disconnect(container, force=True)
        finally:
            network.remove()
