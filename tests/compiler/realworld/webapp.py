"""More web-app views: dashboards, admin tables, search results, meta tags, error pages."""

from __future__ import annotations

import datetime

from markupsafe import Markup

from tests.compiler.realworld.case import Case
from tests.compiler.realworld.models import Page, User
from tests.compiler.realworld.pages import ALICE, BOB, POSTS
from tests.compiler.templategen import Positional

AUTO = {"autoescape": True}
TRIM_AUTO = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True}

META = """<meta property="og:title" content="{{ page.title|default(site.name) }}">
<meta property="og:description" content="{{ page.summary|default(site.tagline)|striptags|truncate(155, killwords=false, end='…') }}">
<meta property="og:url" content="{{ site.url }}{{ page.path }}">
{% if page.image %}<meta property="og:image" content="{{ page.image if page.image.startswith('http') else site.url ~ page.image }}">{% endif %}
<link rel="canonical" href="{{ (site.url ~ page.path)|lower }}">
{% for lang, path in page.translations|dictsort %}<link rel="alternate" hreflang="{{ lang }}" href="{{ site.url }}{{ path }}">
{% endfor %}<script type="application/ld+json">{{ {"@context": "https://schema.org", "@type": "Article", "headline": page.title, "author": {"@type": "Person", "name": page.author}, "datePublished": page.date}|tojson }}</script>"""

META_CTX = {
    "site": {"name": "Tea & Co", "url": "https://Tea.Example", "tagline": "All about <tea>"},
    "page": {
        "title": 'The "Best" Teapots',
        "path": "/Posts/Teapots/",
        "summary": "<p>" + "A long summary about teapots and kettles. " * 6 + "</p>",
        "image": "/img/pot.jpg",
        "translations": {"fr": "/fr/theieres/", "de": "/de/teekannen/"},
        "author": "Zoë O'Neil",
        "date": "2024-05-01",
    },
}

DASHBOARD = """{% extends "admin_base.html" %}
{% import "widgets.html" as w %}
{% block content %}
<div class="stats">
  {{ w.stat("Users", stats.users, delta=stats.users_delta) }}
  {{ w.stat("Revenue", "€{:,.2f}".format(stats.revenue)) }}
  {{ w.stat("Errors", stats.errors, delta=-3, warn=stats.errors > 10) }}
</div>
<table class="recent">
{% for u in recent_users %}
  <tr class="{{ loop.cycle('odd', 'even') }}{% if not u.is_authenticated %} inactive{% endif %}">
    <td>{{ loop.index }}</td><td>{{ u.username }}</td><td>{{ u.email|default('—', true) }}</td>
    <td>{{ u.roles|join(', ') or 'none' }}</td>
  </tr>
{% else %}
  <tr><td colspan="4">No users</td></tr>
{% endfor %}
</table>
{% endblock %}"""

WIDGETS = """{% macro stat(label, value, delta=none, warn=false) -%}
<div class="stat{{ ' warn' if warn }}">
  <span class="label">{{ label }}</span>
  <span class="value">{{ value }}</span>
  {%- if delta is not none %}
  <span class="delta {{ 'up' if delta > 0 else 'down' }}">{{ '%+d'|format(delta) }}</span>
  {%- endif %}
</div>
{%- endmacro %}"""

ADMIN_BASE = """<!doctype html><title>Admin{% block title %}{% endblock %}</title>
<aside>{% for section, links in admin_menu|groupby('section') %}<h4>{{ section }}</h4><ul>{% for l in links %}<li>{{ l.label }}</li>{% endfor %}</ul>{% endfor %}</aside>
<main>{% block content %}{% endblock %}</main>"""

SEARCH = """{% set hl = namespace(count=0) %}
<p>{{ results|length }} result{{ 's' if results|length != 1 }} for “{{ q }}”</p>
{% for r in results %}
{% set title = r.title|e %}
{% if q and q|lower in r.title|lower %}{% set hl.count = hl.count + 1 %}{% endif %}
<li>
  <a href="{{ r.url }}">{{ title|replace(q|e, '<mark>' ~ q|e ~ '</mark>')|safe }}</a>
  <small>{{ r.snippet|striptags|wordwrap(40)|replace('\\n', ' / ') }}</small>
  <span>{{ r.score|round(2) }} · {{ r.size|filesizeformat }}</span>
</li>
{% endfor %}
<p>{{ hl.count }} highlighted</p>"""

ERROR_PAGE = """{% extends "base.html" %}
{% block title %}{{ code }} {{ {404: 'Not Found', 500: 'Server Error', 403: 'Forbidden'}.get(code, 'Error') }}{% endblock %}
{% block body %}
<h1>{{ self.title() }}</h1>
{% if code == 404 %}
<p>The page <code>{{ path }}</code> does not exist.{% if suggestions %} Did you mean:{% endif %}</p>
{% if suggestions %}<ul>{% for s in suggestions[:3] %}<li><a href="{{ s }}">{{ s }}</a></li>{% endfor %}</ul>{% endif %}
{% elif code >= 500 %}
<p>Something went wrong. Reference: {{ request_id|upper }}</p>
{% else %}
<p>{{ message|default('Access denied.') }}</p>
{% endif %}
{% endblock %}"""

BREADCRUMBS = """<nav aria-label="breadcrumb"><ol>
{%- for crumb in crumbs %}
  {%- if loop.last %}
  <li class="active" aria-current="page">{{ crumb.title|truncate(24) }}</li>
  {%- else %}
  <li><a href="{{ crumb.url }}">{{ crumb.title }}</a></li>
  {%- endif %}
{%- endfor %}
</ol></nav>"""

PROFILE = """<div class="profile">
  <img src="{{ user.avatar|default('/static/anon.png') }}" alt="{{ user.full_name }}">
  <h2>{{ user.full_name }}{% if user.has_role('admin') %} <span class="badge">admin</span>{% endif %}</h2>
  <dl>
  {%- for label, value in [('Username', user.username), ('E-mail', user.email), ('Roles', user.roles|join(', ') or '—')] %}
    <dt>{{ label }}</dt><dd>{{ value }}</dd>
  {%- endfor %}
  </dl>
  {% if posts %}
  <h3>{{ posts|length }} post{{ posts|length|pluralize if false else ('s' if posts|length != 1 else '') }}</h3>
  <ul>{% for p in posts|sort(attribute='date', reverse=true) %}<li>{{ p.date.strftime('%Y-%m-%d') }} — {{ p.title }}{% if p.draft %} (draft){% endif %}</li>{% endfor %}</ul>
  {% endif %}
</div>"""

CALENDAR = """<table class="cal">
<tr>{% for d in ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'] %}<th>{{ d }}</th>{% endfor %}</tr>
{% for week in days|batch(7, '') %}
<tr>{% for day in week %}<td{% if day and day == today %} class="today"{% endif %}>{{ day }}</td>{% endfor %}</tr>
{% endfor %}
</table>"""

CART = """{% set ns = namespace(total=0, items=0) %}
{% for line in cart %}
{% set subtotal = line.qty * line.price %}
{% set ns.total = ns.total + subtotal %}{% set ns.items = ns.items + line.qty %}
{{ line.name|e }} × {{ line.qty }} = {{ '%.2f'|format(subtotal) }}
{% endfor %}
Items: {{ ns.items }}; total {{ '%.2f'|format(ns.total) }}{% if ns.total > free_shipping %} (free shipping){% else %} + {{ '%.2f'|format(shipping) }} shipping{% endif %}
Discount: {{ (ns.total * discount)|round(2, 'floor') }}"""

CASES = [
    Case("og-meta-tags", META, (META_CTX,), options=AUTO),
    Case("og-meta-tags-trim", META, (META_CTX,), options=TRIM_AUTO),
    Case(
        "admin-dashboard",
        DASHBOARD,
        (
            {
                "stats": {"users": 1532, "users_delta": 12, "revenue": 12345.678, "errors": 14},
                "recent_users": [ALICE, BOB],
                "admin_menu": [
                    {"section": "Content", "label": "Posts"},
                    {"section": "Users", "label": "All users"},
                    {"section": "Content", "label": "Pages"},
                ],
            },
            {
                "stats": {"users": 0, "users_delta": 0, "revenue": 0, "errors": 0},
                "recent_users": [],
                "admin_menu": [],
            },
        ),
        templates={"admin_base.html": ADMIN_BASE, "widgets.html": WIDGETS},
        options=TRIM_AUTO,
    ),
    Case(
        "search-results",
        SEARCH,
        (
            {
                "q": "tea",
                "results": [
                    {
                        "title": "Green tea & <health>",
                        "url": "/a",
                        "snippet": "<p>Green tea is a type of tea made from leaves</p>",
                        "score": 0.98765,
                        "size": 20480,
                    },
                    {"title": "Coffee", "url": "/b", "snippet": "Not tea", "score": 0.1, "size": 1},
                ],
            },
            {"q": "", "results": []},
        ),
        options=TRIM_AUTO,
    ),
    Case(
        "error-pages",
        ERROR_PAGE,
        (
            {"code": 404, "path": "/nope<script>", "suggestions": ["/a", "/b", "/c", "/d"]},
            {"code": 500, "request_id": "abc-123"},
            {"code": 403},
            {"code": 418, "message": "I'm a teapot"},
        ),
        templates={
            "base.html": "<title>{% block title %}{% endblock %}</title>{% block body %}{% endblock %}"
        },
        options=TRIM_AUTO,
    ),
    Case(
        "breadcrumbs",
        BREADCRUMBS,
        (
            {
                "crumbs": [
                    {"title": "Home", "url": "/"},
                    {"title": "Docs & Guides", "url": "/docs/"},
                    {"title": "A very long page title that needs truncation", "url": "/x"},
                ]
            },
        ),
        options=AUTO,
    ),
    Case(
        "profile-page",
        PROFILE,
        ({"user": ALICE, "posts": POSTS}, {"user": User("bob", "b@x.org"), "posts": []}),
        options=TRIM_AUTO,
    ),
    Case(
        "calendar-month",
        CALENDAR,
        ({"days": [""] * 3 + list(range(1, 31)), "today": 14},),
        options=TRIM_AUTO,
    ),
    Case(
        "shopping-cart",
        CART,
        (
            {
                "cart": [
                    {"name": "Tea <green>", "qty": 2, "price": 4.5},
                    {"name": "Pot", "qty": 1, "price": 39.99},
                ],
                "free_shipping": 40,
                "shipping": 4.95,
                "discount": 0.1,
            },
            {"cart": [], "free_shipping": 40, "shipping": 4.95, "discount": 0},
        ),
        options={"trim_blocks": True},
    ),
    Case(
        "positional-context-dict",
        "Hello {{ name }}! You have {{ count }} new message{{ 's' if count != 1 }}.",
        (Positional({"name": "Ann", "count": 1}), Positional({"name": "<b>", "count": 3})),
        options=AUTO,
    ),
    Case(
        "globals-site-config",
        "<title>{{ page_title ~ ' | ' if page_title }}{{ site.name }}</title>{% for l in site.links %}"
        "<a href='{{ l[1] }}'>{{ l[0] }}</a>{% endfor %}{{ version }}{% include 'footer.html' %}",
        ({"page_title": "Docs"}, {"site": {"name": "Overridden", "links": []}}),
        templates={"footer.html": "<footer>{{ site.name }} v{{ version }} {{ debug }}</footer>"},
        globals={
            "site": {"name": "My Site", "links": [["Home", "/"], ["About", "/about"]]},
            "version": "2.1.0",
            "debug": False,
        },
        options=AUTO,
    ),
    Case(
        "globals-in-imported-macros",
        "{% import 'ui.html' as ui %}{{ ui.logo() }}|{% from 'ui.html' import logo %}{{ logo() }}",
        ({"brand": "ctx-brand"},),
        templates={
            "ui.html": "{% macro logo() %}<img alt='{{ brand }}' src='{{ cdn }}/logo.svg'>{% endmacro %}"
        },
        globals={"brand": "global-brand", "cdn": "https://cdn.example"},
        options=AUTO,
    ),
    Case(
        "datetime-humanize",
        "{% set delta = now - post.date %}{% if delta.days > 365 %}{{ (delta.days / 365)|round|int }} years ago"
        "{% elif delta.days > 30 %}{{ delta.days // 30 }} months ago{% elif delta.days > 0 %}{{ delta.days }} day"
        "{{ 's' if delta.days > 1 }} ago{% else %}{{ (delta.seconds / 3600)|int }} hours ago{% endif %}",
        tuple(
            {"now": now, "post": POSTS[0]}
            for now in (
                datetime.datetime(2026, 1, 1),
                datetime.datetime(2024, 4, 1),
                datetime.datetime(2024, 1, 7),
                datetime.datetime(2024, 1, 5, 20, 0),
            )
        ),
    ),
    Case(
        "flash-messages-categories",
        '{% for category, messages in flashes|groupby(0) %}<div class="alert alert-{{ category }}">'
        "{% for _, m in messages %}{{ m }}{% if not loop.last %}<br>{% endif %}{% endfor %}</div>{% endfor %}",
        ({"flashes": [("error", "Bad <input>"), ("info", "Saved"), ("error", "Try again")]},),
        options=AUTO,
    ),
    Case(
        "table-sorting-links",
        "{% macro sort_link(field, label) %}{% set active = sort.lstrip('-') == field %}"
        "<a href=\"?sort={{ '-' if active and not sort.startswith('-') }}{{ field }}\""
        "{{ ' class=\"active\"'|safe if active }}>{{ label }}{% if active %} {{ '▼' if sort.startswith('-') else '▲' }}"
        "{% endif %}</a>{% endmacro %}{{ sort_link('name', 'Name') }} {{ sort_link('date', 'Date & time') }}",
        ({"sort": "name"}, {"sort": "-date"}, {"sort": ""}),
        options=AUTO,
    ),
    Case(
        "paginator-object",
        "{% for item in page %}{{ item }}{{ ', ' if not loop.last }}{% endfor %} — page {{ page.number }}/"
        "{{ page.num_pages }}{% if page.has_next() %} <a href='?p={{ page.number + 1 }}'>next</a>{% endif %}",
        ({"page": Page(["a", "b"], 1, 2, 5)}, {"page": Page(["e"], 3, 2, 5)}),
    ),
    Case(
        "html-comment-and-conditional-comments",
        '<!--[if lt IE 9]><script src="{{ static }}/html5shiv.js"></script><![endif]-->\n'
        "<!-- rendered for {{ user|default('anonymous') }} -->{# not in output #}\n{{ '<!-- x -->'|safe }}",
        ({"static": "/s"}, {"static": "/s", "user": "<ann>"}),
        options=AUTO,
    ),
    Case(
        "inline-svg-icons",
        '{% macro icon(name, size=16, cls=\'\') %}<svg class="icon icon-{{ name }} {{ cls }}" width="{{ size }}" '
        'height="{{ size }}" aria-hidden="true"><use xlink:href="#{{ name }}"/></svg>{% endmacro %}'
        "{% for n in ['home', 'user', 'cog'] %}{{ icon(n, size=loop.index * 8, cls='nav' if loop.first) }}{% endfor %}",
        ({},),
        options=AUTO,
    ),
    Case(
        "email-markup-safe-mix",
        "{% set greeting = 'Dear ' ~ name %}{{ greeting }},\n{{ body|safe }}\n{{ signature }}\n"
        "{{ (greeting ~ '<br>')|safe }}{{ greeting|e ~ '<br>'|safe }}",
        ({"name": "<Ann>", "body": "<p>Hi</p>", "signature": Markup("<i>-- team</i>")},),
        options=AUTO,
    ),
]
