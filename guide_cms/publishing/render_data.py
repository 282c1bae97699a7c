"""One entry rendered, and what travels between processes: entries and answers as plain data.

Shared by the exporting process (rendering.py), the render pool's workers
(render_worker.py) and the task queue's workers (tasks.py), which is why it
imports none of them.
"""
from __future__ import annotations

import dataclasses
import datetime

from django.conf import settings

from .channels import base
from .channels.base import Channel, ChannelError, RenderedFile, limit_problems, problems_message


class RenderFailed(Exception):
    """A worker could not render an entry; the message says why (as the worker's exception did)."""


def render_one(channel: Channel, entry) -> list[RenderedFile]:
    """An entry's files, after refusing text past the size and nesting limits before any renderer sees it."""
    if too_deep := limit_problems(entry):
        raise ChannelError(problems_message(too_deep, entry, channel.name))
    return channel.render_entry(entry)


def render_settings(channel: Channel) -> dict:
    """The settings a channel's rendering reads ({name: value}), given to a worker that renders for it."""
    return {name: getattr(settings, name) for name in channel.render_settings if hasattr(settings, name)}


def to_answer(call) -> dict:
    """Run call() in a worker and put its outcome in a form any queue carries (JSON: text and base64)."""
    import base64

    try:
        files = call()
    except RecursionError:
        return {"error": "RecursionError", "message": ""}
    except ChannelError as exc:
        return {"error": "ChannelError", "message": str(exc)}
    except Exception as exc:  # noqa: BLE001 - reported as the entry's failure
        return {"error": type(exc).__name__, "message": str(exc) or type(exc).__name__}
    return {"files": [[item.path, base64.b64encode(item.content).decode("ascii")] for item in files]}


def from_answer(answer: dict):
    import base64

    if "files" in answer:
        return [RenderedFile(path, base64.b64decode(content)) for path, content in answer["files"]]
    if answer["error"] == "RecursionError":
        return RecursionError()
    if answer["error"] == "ChannelError":
        return ChannelError(answer["message"])
    return RenderFailed(f"{answer['error']}: {answer['message']}")


# --- entries as JSON (for a task queue) ------------------------------------------------

_TYPES = {cls.__name__: cls for cls in (
    base.PublishedGuide, base.WithdrawnGuide, base.SectionContent, base.LanguageFacts, base.SignatureFacts, base.OutdatedNotice,
)}


def entry_to_data(value):
    """An entry as JSON-ready data that entry_from_data turns back into the same entry."""
    if dataclasses.is_dataclass(value):
        return {"$type": type(value).__name__, **{f.name: entry_to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, tuple):
        return {"$tuple": [entry_to_data(v) for v in value]}
    if isinstance(value, datetime.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    return value


def entry_from_data(value):
    if isinstance(value, dict):
        if "$type" in value:
            cls = _TYPES[value["$type"]]
            return cls(**{k: entry_from_data(v) for k, v in value.items() if k != "$type"})
        if "$tuple" in value:
            return tuple(entry_from_data(v) for v in value["$tuple"])
        if "$datetime" in value:
            return datetime.datetime.fromisoformat(value["$datetime"])
        if "$date" in value:
            return datetime.date.fromisoformat(value["$date"])
        return {k: entry_from_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [entry_from_data(v) for v in value]
    return value
