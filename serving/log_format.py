"""Log records on one line each, for log collectors that read standard output line by line.

A record about a request (django.request, django.security) names its method,
path and status code; an exception is summed up by its type, its message and
the innermost frame of the project's own code, which is where to start looking:

    2026-11-22T10:00:00.123Z ERROR django.request GET /x/ 500 ValueError: boom (a/b.py:9 in f)

Line breaks and other control characters are escaped, so nothing a visitor puts
in a URL can forge a log line.
"""

import logging
import re
import time
import traceback
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape(text):
    return _CONTROL_CHARACTERS.sub(
        lambda match: _ESCAPES.get(match[0], f"\\x{ord(match[0]):02x}"), str(text)
    )


def _is_project_file(path):
    return path.is_relative_to(PROJECT_DIR) and "site-packages" not in path.parts


def _short_path(path):
    """A project file relative to the project, a library's relative to site-packages."""
    if _is_project_file(path):
        return path.relative_to(PROJECT_DIR).as_posix()
    if "site-packages" in path.parts:
        return Path(*path.parts[path.parts.index("site-packages") + 1 :]).as_posix()
    return path.as_posix()


def innermost_frame(tb):
    """The innermost frame of the project's code in a traceback, or the innermost of all."""
    frames = traceback.extract_tb(tb)
    if not frames:
        return None
    return next(
        (frame for frame in reversed(frames) if _is_project_file(Path(frame.filename))),
        frames[-1],
    )


def describe_exception(exception, tb):
    """`Type: message (file.py:line in function)`."""
    name = type(exception).__qualname__
    message = str(exception)
    description = f"{name}: {message}" if message else name
    frame = innermost_frame(tb)
    if frame is not None:
        description += f" ({_short_path(Path(frame.filename))}:{frame.lineno} in {frame.name})"
    return description


class OneLineFormatter(logging.Formatter):
    """`time level logger [method path status] message-or-exception`, on one line."""

    converter = time.gmtime

    def formatTime(self, record, datefmt=None):
        seconds = time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created))
        return f"{seconds}.{int(record.msecs):03d}Z"

    def format(self, record):
        parts = [self.formatTime(record), record.levelname, record.name]
        # django.server passes its socket as `request`: only an HttpRequest has a method.
        request = getattr(record, "request", None)
        is_http_request = hasattr(request, "method") and hasattr(request, "get_full_path")
        if is_http_request:
            parts += [request.method, request.get_full_path()]
            status_code = getattr(record, "status_code", None)
            if status_code is not None:
                parts.append(str(status_code))
        if record.exc_info and record.exc_info[1] is not None:
            _, exception, tb = record.exc_info
            # About a request, Django's message only repeats the status and the path.
            if not is_http_request:
                parts.append(record.getMessage())
            parts.append(describe_exception(exception, tb))
        else:
            parts.append(record.getMessage())
        return " ".join(escape(part) for part in parts)


def stdout_logging(level, loggers):
    """The logging configuration of Django and gunicorn alike: every record on standard
    output, one line each, at `level` unless `loggers` (a dictConfig mapping) says otherwise."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"one_line": {"()": "serving.log_format.OneLineFormatter"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "one_line",
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": loggers,
    }
