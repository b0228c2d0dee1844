"""`manage.py mssql_ddl`: the T-SQL of every migration, rendered offline, with SQL Server hazards.

    manage.py mssql_ddl                          # the site and every exercise solution, to stdout
    manage.py mssql_ddl --project --output docs/schema-mssql.md
    manage.py mssql_ddl --project --output docs/schema-mssql.md --check   # fails when stale
    manage.py mssql_ddl --exercises --check      # fails on any error finding

--check writes nothing. It exits 1 when a project cannot be rendered, when a finding has the
severity "error" (SQL Server would refuse the migration), or when --output names a file whose
content differs from what would be written. Warnings and UNVERIFIABLE operations are printed
but do not fail it: they need a person (or a live server) to judge.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from grader import mssql_ddl

PROJECT_TITLE = "Django Backend Academy (this site)"
# The site's own code, scanned for the 2100-parameter limit (tests and migrations are skipped).
PROJECT_PACKAGES = ("accounts", "config", "course", "exercises", "grader")


class Command(BaseCommand):
    help = "Render the T-SQL DDL of every migration offline and flag SQL Server hazards."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--project", action="store_true", help="the site's own migrations")
        parser.add_argument("--exercises", action="store_true", help="every curriculum/*/exercise/solution")
        parser.add_argument("--output", help="write Markdown here instead of stdout")
        parser.add_argument("--check", action="store_true", help="write nothing; exit 1 on errors or a stale --output")

    def handle(self, *args, project: bool, exercises: bool, output: str | None, check: bool, **options) -> None:
        repo = Path(settings.BASE_DIR)
        if not project and not exercises:
            project = exercises = True
        reports = []
        if project:
            reports.append(
                mssql_ddl.report_project(
                    title=PROJECT_TITLE,
                    root=repo,
                    settings_module="config.settings.local",
                    scan_roots=[repo / package for package in PROJECT_PACKAGES],
                    repo=repo,
                )
            )
        if exercises:
            for solution in mssql_ddl.exercise_projects(Path(settings.CURRICULUM_DIR)):
                try:
                    settings_module = mssql_ddl.settings_module_of(solution)
                except mssql_ddl.RenderFailed as exc:
                    reports.append(
                        mssql_ddl.ProjectReport(solution.parent.parent.name, str(solution), None, [], str(exc))
                    )
                    continue
                reports.append(
                    mssql_ddl.report_project(
                        title=f"Exercise {solution.parent.parent.name} (solution)",
                        root=solution,
                        settings_module=settings_module,
                        scan_roots=[solution],
                        repo=solution.parent.parent.parent.parent if solution.is_relative_to(repo) else solution,
                    )
                )
        flags = " ".join(
            flag
            for flag, on in (("--project", project and not exercises), ("--exercises", exercises and not project))
            if on
        )
        command = f"manage.py mssql_ddl {flags}".strip() + (f" --output {output}" if output else "")
        text = mssql_ddl.markdown(reports, command=command)
        problems = self._summarise(reports)
        if check:
            if output and (not Path(output).is_file() or Path(output).read_text() != text):
                problems.append(f"{output} is stale: regenerate it with `{command}`")
        elif output:
            Path(output).write_text(text)
            self.stderr.write(f"wrote {output}")
        else:
            self.stdout.write(text, ending="")
        if check and problems:
            raise CommandError("\n".join(problems))

    def _summarise(self, reports: list) -> list[str]:
        problems = []
        for report in reports:
            counts = {"error": 0, "warning": 0, "unverifiable": 0}
            for finding in report.findings:
                counts[finding.severity] += 1
                if finding.severity == "error":
                    problems.append(f"{report.title}: {finding.where}: {finding.message}")
            if report.error:
                problems.append(f"{report.title}: {report.error}")
            self.stderr.write(
                f"{report.title}: {counts['error']} error(s), {counts['warning']} warning(s), "
                f"{counts['unverifiable']} unverifiable" + (f"; NOT RENDERED: {report.error}" if report.error else "")
            )
        return problems
