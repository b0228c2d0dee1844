"""The SQL Server grading path without a server: the exact T-SQL, the lifecycle, the network wiring."""

import contextlib
import string

import pytest

from grader import mssql

PASSWORD = "Abc-def_123.XYZ+ghi=456!jkl#789%"
CONFIG = mssql.MssqlConfig(
    host="mssql", port=1433, admin_user="sa", admin_password="admin-pw", container="mssql", admin_host="mssql"
)


def run(run_id: str = "42_ab12cd") -> mssql.RunDatabase:
    return mssql.run_database_for(run_id, host="mssql", port=1433, password=PASSWORD)


def test_create_sql_is_exact():
    assert mssql.create_sql(run()) == [
        "CREATE DATABASE [academy_run_42_ab12cd];",
        "CREATE DATABASE [test_academy_run_42_ab12cd];",
        "ALTER DATABASE [academy_run_42_ab12cd] SET READ_COMMITTED_SNAPSHOT ON;",
        "ALTER DATABASE [test_academy_run_42_ab12cd] SET READ_COMMITTED_SNAPSHOT ON;",
        "CREATE LOGIN [academy_run_42_ab12cd] WITH PASSWORD = N'Abc-def_123.XYZ+ghi=456!jkl#789%', "
        "DEFAULT_DATABASE = [academy_run_42_ab12cd], CHECK_POLICY = ON, CHECK_EXPIRATION = OFF;",
        "USE [academy_run_42_ab12cd];\n"
        "CREATE USER [academy_run_42_ab12cd] FOR LOGIN [academy_run_42_ab12cd];\n"
        "ALTER ROLE [db_owner] ADD MEMBER [academy_run_42_ab12cd];",
        "USE [test_academy_run_42_ab12cd];\n"
        "CREATE USER [academy_run_42_ab12cd] FOR LOGIN [academy_run_42_ab12cd];\n"
        "ALTER ROLE [db_owner] ADD MEMBER [academy_run_42_ab12cd];",
    ]


def test_drop_sql_is_exact():
    batches = mssql.drop_sql(run())
    assert batches[0] == (
        "IF SUSER_ID(N'academy_run_42_ab12cd') IS NOT NULL ALTER LOGIN [academy_run_42_ab12cd] DISABLE;"
    )
    assert batches[1] == (
        "DECLARE @spid int, @sql nvarchar(max);\n"
        "DECLARE sessions CURSOR LOCAL FAST_FORWARD FOR\n"
        "    SELECT session_id FROM sys.dm_exec_sessions\n"
        "    WHERE login_name = N'academy_run_42_ab12cd' AND session_id <> @@SPID;\n"
        "OPEN sessions;\n"
        "FETCH NEXT FROM sessions INTO @spid;\n"
        "WHILE @@FETCH_STATUS = 0\n"
        "BEGIN\n"
        "    SET @sql = N'KILL ' + CAST(@spid AS nvarchar(11));\n"
        "    BEGIN TRY EXEC sys.sp_executesql @sql; END TRY BEGIN CATCH END CATCH;\n"
        "    FETCH NEXT FROM sessions INTO @spid;\n"
        "END;\n"
        "CLOSE sessions;\n"
        "DEALLOCATE sessions;"
    )
    assert batches[2] == (
        "DECLARE @name sysname, @sql nvarchar(max);\n"
        "DECLARE dbs CURSOR LOCAL FAST_FORWARD FOR\n"
        "    SELECT name FROM sys.databases WHERE name IN (N'academy_run_42_ab12cd', N'test_academy_run_42_ab12cd') "
        "OR owner_sid = SUSER_SID(N'academy_run_42_ab12cd');\n"
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
        "DEALLOCATE dbs;"
    )
    assert batches[3] == "IF SUSER_ID(N'academy_run_42_ab12cd') IS NOT NULL DROP LOGIN [academy_run_42_ab12cd];"
    assert len(batches) == 4


def test_run_names_are_lowercase_and_prefixed():
    database = mssql.run_database_for("Sub7_XY", host="h", port=1)
    assert (database.database, database.login, database.test_database) == (
        "academy_run_sub7_xy",
        "academy_run_sub7_xy",
        "test_academy_run_sub7_xy",
    )


@pytest.mark.parametrize("bad", ["", "a]b", "x; DROP LOGIN sa--", "a b", "a'b", "é", "1" * 41, "a-b", "a\x00b", "[x]"])
def test_run_ids_outside_the_pattern_are_refused(bad):
    with pytest.raises(ValueError, match="refusing run id"):
        mssql.run_database_for(bad, host="h", port=1)
    with pytest.raises(ValueError, match="refusing run id"):
        mssql.network_name(bad)


@pytest.mark.parametrize("bad", ["", "_x", "9x", "a]b", "a b", "a;b", "a" * 101, "x'--"])
def test_quote_name_refuses_anything_but_plain_identifiers(bad):
    with pytest.raises(ValueError, match="refusing SQL identifier"):
        mssql.quote_name(bad)


def test_quote_name_and_quote_string():
    assert mssql.quote_name("academy_run_1") == "[academy_run_1]"
    assert mssql.quote_string("it's") == "N'it''s'"
    with pytest.raises(ValueError, match="NUL"):
        mssql.quote_string("a\x00")


@pytest.mark.parametrize("bad", ["short-Pw1!", "has'quote-and-long-enough-123", "has]bracket-and-long-enough-1"])
def test_passwords_outside_the_alphabet_are_refused(bad):
    with pytest.raises(ValueError, match="refusing a run password"):
        mssql.create_sql(mssql.run_database_for("1", host="h", port=1, password=bad))


def test_new_password_is_strong_and_needs_no_escaping():
    passwords = {mssql.new_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password) == 32
        assert set(password) <= mssql.PASSWORD_ALPHABET
        assert not set(password) & set("'\"[];")
        assert any(c in string.ascii_lowercase for c in password)
        assert any(c in string.ascii_uppercase for c in password)
        assert any(c in string.digits for c in password)
        assert any(c in mssql.PASSWORD_SYMBOLS for c in password)


def test_password_never_in_repr():
    assert PASSWORD not in repr(run())
    assert "admin-pw" not in repr(CONFIG)


def test_exercise_env_holds_only_the_runs_credentials():
    assert mssql.exercise_env(run()) == {
        "DATABASE_ENGINE": "mssql",
        "DATABASE_NAME": "academy_run_42_ab12cd",
        "DATABASE_HOST": "mssql",
        "DATABASE_PORT": "1433",
        "DATABASE_USER": "academy_run_42_ab12cd",
        "DATABASE_PASSWORD": PASSWORD,
    }


class FakeExecutor:
    """Records batches per admin connection; can fail on a batch that starts with `fail_on`."""

    def __init__(self, fail_on: str = "") -> None:
        self.connections: list[list[str]] = []
        self.fail_on = fail_on

    @contextlib.contextmanager
    def __call__(self, config):
        assert config is CONFIG
        batches: list[str] = []
        self.connections.append(batches)

        def execute(batch: str) -> None:
            if self.fail_on and batch.startswith(self.fail_on):
                raise RuntimeError("server said no")
            batches.append(batch)

        yield execute


def test_mssql_run_database_creates_then_drops():
    executor = FakeExecutor()
    with mssql.mssql_run_database("7_a", config=CONFIG, executor=executor) as database:
        assert [len(c) for c in executor.connections] == [7]
        assert executor.connections[0] == mssql.create_sql(database)
    assert len(executor.connections) == 2
    assert executor.connections[1] == mssql.drop_sql(database)


def test_mssql_run_database_drops_even_when_the_run_fails():
    executor = FakeExecutor()
    with pytest.raises(KeyError), mssql.mssql_run_database("7_b", config=CONFIG, executor=executor) as database:
        raise KeyError("the run broke")
    assert executor.connections[1] == mssql.drop_sql(database)


def test_failed_create_cleans_up_and_raises_a_retryable_error():
    executor = FakeExecutor(fail_on="CREATE LOGIN")
    expected = r"could not create the run database academy_run_7_c \(RuntimeError\)"
    with (
        pytest.raises(mssql.MssqlGradingError, match=expected),
        mssql.mssql_run_database("7_c", config=CONFIG, executor=executor),
    ):
        pytest.fail("the body must not run")
    assert [b.split(" ")[0] for b in executor.connections[0]] == ["CREATE", "CREATE", "ALTER", "ALTER"]
    assert executor.connections[1][-1] == "IF SUSER_ID(N'academy_run_7_c') IS NOT NULL DROP LOGIN [academy_run_7_c];"


def test_failed_drop_after_a_good_run_raises():
    executor = FakeExecutor(fail_on="IF SUSER_ID")
    with (
        pytest.raises(mssql.MssqlGradingError, match="could not drop the run database academy_run_7_d"),
        mssql.mssql_run_database("7_d", config=CONFIG, executor=executor),
    ):
        pass


def test_failed_drop_never_hides_the_runs_own_error():
    executor = FakeExecutor(fail_on="IF SUSER_ID")
    with pytest.raises(KeyError), mssql.mssql_run_database("7_e", config=CONFIG, executor=executor):
        raise KeyError("the run broke")


def test_disabled_without_a_host():
    disabled = mssql.MssqlConfig(host="", port=1433, admin_user="", admin_password="", container="", admin_host="")
    with (
        pytest.raises(mssql.MssqlGradingError, match="GRADER_MSSQL_HOST is empty"),
        mssql.mssql_run_database("1", config=disabled, executor=FakeExecutor()),
    ):
        pass


def test_settings_default_to_disabled(settings):
    assert mssql.config_from_settings().enabled is False
    settings.GRADER_MSSQL_HOST, settings.GRADER_MSSQL_ADMIN_USER = "mssql", "sa"
    settings.GRADER_MSSQL_ADMIN_PASSWORD = "x"
    config = mssql.config_from_settings()
    assert (config.enabled, config.container, config.admin_host, config.port) == (True, "mssql", "mssql", 1433)


# --- the Docker network ------------------------------------------------------------------------


class FakeNetwork:
    def __init__(self, client, name, **kwargs):
        self.client, self.name, self.kwargs = client, name, kwargs
        self.connected: list[str] = []
        self.removed = False

    def connect(self, container, aliases=None):
        self.client.calls.append(("connect", self.name, container, tuple(aliases or ())))
        self.connected.append(container)

    def disconnect(self, container, force=False):
        self.client.calls.append(("disconnect", self.name, container, force))
        self.connected.remove(container)

    def reload(self):
        pass

    @property
    def containers(self):
        return list(self.connected)

    def remove(self):
        self.client.calls.append(("remove", self.name))
        self.removed = True


class FakeNetworks:
    def __init__(self, client):
        self.client = client

    def create(self, name, **kwargs):
        self.client.calls.append(("create", name, kwargs))
        self.client.network = FakeNetwork(self.client, name, **kwargs)
        return self.client.network


class FakeDockerClient:
    def __init__(self):
        self.calls: list[tuple] = []
        self.networks = FakeNetworks(self)
        self.network: FakeNetwork | None = None


def test_sandbox_network_is_internal_and_holds_only_the_sql_server():
    client = FakeDockerClient()
    with mssql.sandbox_network(client, "42_ab", mssql_container="academy-mssql-1") as (name, kwargs):
        assert name == "academy-mssql-run-42_ab"
        assert kwargs == {"network": "academy-mssql-run-42_ab"}
        assert client.network.connected == ["academy-mssql-1"]
    assert client.calls == [
        (
            "create",
            "academy-mssql-run-42_ab",
            {
                "driver": "bridge",
                "internal": True,
                "check_duplicate": True,
                "labels": {"academy.grader.mssql": "1"},
                "options": {"com.docker.network.bridge.enable_icc": "true"},
            },
        ),
        ("connect", "academy-mssql-run-42_ab", "academy-mssql-1", ("academy-mssql-1",)),
        ("disconnect", "academy-mssql-run-42_ab", "academy-mssql-1", True),
        ("remove", "academy-mssql-run-42_ab"),
    ]


def test_sandbox_network_is_removed_when_the_run_fails():
    client = FakeDockerClient()
    with pytest.raises(RuntimeError), mssql.sandbox_network(client, "9", mssql_container="mssql"):
        raise RuntimeError("sandbox failed")
    assert client.network.removed is True
    assert client.network.connected == []
