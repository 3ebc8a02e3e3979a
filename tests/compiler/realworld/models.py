"""Context objects shaped like what web apps pass to templates: models, users, paginators.

Module-level classes so the harness can deep-copy a context for each engine.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any


@dataclass
class User:
    """A Flask-Login-style user: attributes, a property and a method."""

    username: str
    email: str
    is_authenticated: bool = True
    roles: list[str] = field(default_factory=list)
    first_name: str = ""
    last_name: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.username

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def __str__(self) -> str:
        return self.username


@dataclass
class Post:
    """A blog post model; `date` is a real datetime (templates call strftime/isoformat)."""

    title: str
    slug: str
    body: str
    author: User
    date: datetime.datetime
    tags: list[str] = field(default_factory=list)
    draft: bool = False
    views: int = 0

    @property
    def url(self) -> str:
        return f"/posts/{self.slug}/"

    def excerpt(self, words: int = 5) -> str:
        return " ".join(self.body.split()[:words])


class Page:
    """A paginator page: iteration plus has_next/has_previous the way Django's Page works."""

    def __init__(self, items: list[Any], number: int, per_page: int, total: int) -> None:
        self.object_list = items
        self.number = number
        self.per_page = per_page
        self.total = total

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def has_previous(self) -> bool:
        return self.number > 1

    def __iter__(self) -> Any:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


class Html:
    """An object that knows its own HTML (the __html__ protocol, as WTForms fields have)."""

    def __init__(self, tag: str, text: str) -> None:
        self.tag = tag
        self.text = text

    def __html__(self) -> str:
        return f"<{self.tag}>{self.text}</{self.tag}>"

    def __str__(self) -> str:
        return f"{self.tag}:{self.text}"


class Field:
    """A WTForms-like field: callable for its widget, label with __html__, errors list."""

    def __init__(
        self,
        name: str,
        label: str,
        value: str = "",
        errors: list[str] | None = None,
        kind: str = "text",
        required: bool = False,
    ) -> None:
        self.name = name
        self.id = name
        self.label = Html("label", label)
        self.data = value
        self.errors = errors or []
        self.type = kind
        self.flags = {"required": required}

    def __call__(self, **attrs: Any) -> Html:
        extra = "".join(f' {k.rstrip("_")}="{v}"' for k, v in sorted(attrs.items()))
        return Html("input", f'name="{self.name}" value="{self.data}"{extra}')


class Settings:
    """An object whose missing attributes fall through to items (attribute-then-item lookup)."""

    def __init__(self, **values: Any) -> None:
        self._values = values
        self.debug = values.get("debug", False)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]
