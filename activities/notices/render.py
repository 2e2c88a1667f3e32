"""Render notice templates (Jinja2, StrictUndefined: a missing fact is an error, not a blank)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import jinja2

from activities.boundary import PermanentActivityError


class NoticeTemplateError(PermanentActivityError):
    """A template that does not exist or a fact it needs that the case did not give."""


@dataclass(frozen=True)
class RenderedNotice:
    title: str
    body: str


class NoticeRenderer:
    """Templates are `templates/NAME.txt.j2`; the first line is the title, the rest the body."""

    def __init__(self) -> None:
        self._env = jinja2.Environment(
            loader=jinja2.PackageLoader("activities.notices", "templates"),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=True,
        )
        self._env.filters["cn_date"] = _chinese_date

    def render(self, template: str, context: dict[str, Any]) -> RenderedNotice:
        try:
            text = self._env.get_template(f"{template}.txt.j2").render(**context)
        except jinja2.TemplateNotFound:
            raise NoticeTemplateError(f"no notice template {template!r}") from None
        except jinja2.UndefinedError as error:
            raise NoticeTemplateError(f"notice {template!r}: {error.message}") from None
        except (jinja2.TemplateError, ValueError, TypeError, AttributeError) as error:
            # A fact of the wrong kind (an empty date): no retry renders it; the case holds.
            raise NoticeTemplateError(f"notice {template!r}: {error}") from None
        title, _, body = text.partition("\n")
        return RenderedNotice(title=title.strip(), body=body.strip() + "\n")


def _chinese_date(value: Any) -> str:
    """2026-10-13 → 2026年10月13日, as notices write dates."""
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValueError(f"cn_date: {value!r} is not a date") from None
    return f"{day.year}年{day.month}月{day.day}日"
