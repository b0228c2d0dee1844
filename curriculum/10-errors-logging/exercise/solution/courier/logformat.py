import logging

# The attributes every LogRecord has; anything else on a record came from extra=.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class ContextFormatter(logging.Formatter):
    """Appends a record's extra= fields to the message: ... tracking_code='CR1'."""

    def formatMessage(self, record):
        text = super().formatMessage(record)
        context = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        if context:
            text += " " + " ".join(f"{k}={v!r}" for k, v in sorted(context.items()))
        return text
