"""An e-mail backend that fails on purpose, to test retries without a mail server.

The tests set ``FlakyBackend.failures`` to a list of exceptions: each send pops the next one
and raises it; when the list is empty the message goes to Django's in-memory outbox.
``attempts`` counts every send, successful or not.
"""

from django.core.mail.backends.locmem import EmailBackend


class RetriedForever(BaseException):  # noqa: N818 - a BaseException, so autoretry_for=(Exception,) cannot catch it
    """Raised after too many attempts, so that a task retried without limit cannot loop forever."""


class FlakyBackend(EmailBackend):
    failures = []
    repeat_last = False
    attempts = 0
    limit = 25

    @classmethod
    def reset(cls, failures=(), repeat_last=False):
        cls.failures = list(failures)
        cls.repeat_last = repeat_last
        cls.attempts = 0

    def send_messages(self, messages):
        cls = type(self)
        cls.attempts += 1
        if cls.attempts > cls.limit:
            raise RetriedForever(f"the e-mail was attempted {cls.attempts} times")
        if cls.failures:
            error = cls.failures[0] if cls.repeat_last and len(cls.failures) == 1 else cls.failures.pop(0)
            raise error
        return super().send_messages(messages)
