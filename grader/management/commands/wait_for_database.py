"""`manage.py wait_for_database`: block until the default database accepts connections.

The compose `migrate` job runs it first: SQL Server takes a while to start, and compose's
depends_on cannot wait for a service that the embedded profile switches off.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.utils import Error as DatabaseError


class Command(BaseCommand):
    help = "Wait until the default database accepts connections."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--timeout", type=int, default=180, help="seconds before giving up")

    def handle(self, *args, timeout: int, **options) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                connection.ensure_connection()
            except DatabaseError as exc:
                if time.monotonic() > deadline:
                    raise CommandError(f"the database is still unreachable after {timeout}s ({exc})") from exc
                connection.close()
                time.sleep(2)
                continue
            self.stderr.write(f"database {connection.vendor} is ready")
            return
