"""One JSON object per log line, for log shippers. Messages carry ids and counts, never identity:
the formatter adds no request body, no user input and no exception locals, only the traceback text."""

from __future__ import annotations

import datetime
import json
import logging

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # Structured extras given with `extra={...}` (task ids, counts), but never the request object.
        entry.update({k: v for k, v in vars(record).items()
                      if k not in _STANDARD and k != "request" and isinstance(v, (str, int, float, bool))})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
