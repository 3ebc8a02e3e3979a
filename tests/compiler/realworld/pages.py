"""Flask/Django-style page layouts: extends, blocks, super(), includes, nav and pagination."""

from __future__ import annotations

import datetime

from markupsafe import Markup

from tests.compiler.realworld.case import Case
from tests.compiler.realworld.models import Page, Post, User

ALICE = User(
    "alice", "alice@example.org", roles=["admin", "editor"], first_name="Alice", last_name="Liddell"
)
BOB = User("bob", "bob@example.org", is_authenticated=False)
POSTS = [
    Post(
        "Hello <World>",
        "hello-world",
        "First post & more text here today",
        ALICE,
        datetime.datetime(2024, 1, 5, 9, 30),
        tags=["intro", "meta"],
        views=1200,
    ),
    Post(
        "Jinja tips",
        "jinja-tips",
        "Whitespace control is subtle",
        ALICE,
        datetime.datetime(2024, 2, 14, 18, 0),
        tags=["jinja", "python"],
        views=87,
    ),
    Post(
        "Draft \u00e9t\u00e9",
        "draft-ete",
        "Unicode caf\u00e9 na\u00efve \u2014 dash",
        BOB,
        datetime.datetime(2024, 3, 1),
        draft=True,
    ),
]

BASE = """<!doctype html>
<html lang="{{ lang|default('en') }}">
<head>
  <meta charset="utf-8">
  <title>{% block title %}{% endblock %} | {{ site_name }}</title>
  {% block head %}
  <link rel="stylesheet" href="{{ static_url }}/css/main.css">
  {% endblock %}
</head>
<body class="{% block body_class %}{% endblock %}">
  {% include "_nav.html" %}
  {% with messages = flashes %}
    {% if messages %}
      <ul class="flashes">
      {% for category, message in messages %}
        <li class="{{ category }}">{{ message }}</li>
      {% endfor %}
      </ul>
    {% endif %}
  {% endwith %}
  <main>{% block content %}{% endblock %}</main>
  <footer>{% block footer %}&copy; {{ year }} {{ site_name }}{% endblock %}</footer>
</body>
</html>
"""

NAV = """<nav>
  <a href="/" {% if active_page == 'index' %}class="active"{% endif %}>Home</a>
  {%- for href, id, caption in navigation %}
  <a href="{{ href|e }}"{% if id == active_page %} class="active"{% endif %}>{{ caption|e }}</a>
  {%- endfor %}
  {% if current_user.is_authenticated %}
    <span>Hi, {{ current_user.full_name }}!</span>
    {% if current_user.has_role('admin') %}<a href="/admin">Admin</a>{% endif %}
  {% else %}
    <a href="/login?next={{ request_path|urlencode }}">Log in</a>
  {% endif %}
</nav>"""

INDEX = """{% extends "base.html" %}
{% set active_page = "index" %}
{% block title %}Home{% endblock %}
{% block head %}{{ super() }}
  <meta name="description" content="{{ description|striptags|truncate(40) }}">
{% endblock %}
{% block body_class %}home{% if posts|length > 2 %} many{% endif %}{% endblock %}
{% block content %}
  <h1>{{ self.title() }}</h1>
  {% for post in posts if not post.draft %}
  <article id="post-{{ loop.index }}" class="{{ loop.cycle('odd', 'even') }}">
    <h2><a href="{{ post.url }}">{{ post.title }}</a></h2>
    <p class="meta">by {{ post.author }} on {{ post.date.strftime('%b %d, %Y') }}
      &middot; {{ post.views|filesizeformat }} &middot; {{ "{:,}".format(post.views) }} views</p>
    <p>{{ post.excerpt(4) }}&hellip;</p>
    {% if post.tags %}<p class="tags">{{ post.tags|join(', ') }}</p>{% endif %}
  </article>
  {% else %}
  <p>No posts yet.</p>
  {% endfor %}
{% endblock %}
{% block footer %}{{ super() }} &middot; <a href="/feed.xml">RSS</a>{% endblock %}
"""

CONTEXT = {
    "site_name": "Tea & Biscuits",
    "static_url": "/static",
    "year": 2024,
    "description": "<p>A blog about <b>tea</b> and biscuits and other pleasant things</p>",
    "navigation": [("/about", "about", "About us"), ("/blog", "blog", "Blog <new>")],
    "current_user": ALICE,
    "request_path": "/blog/?q=a b&x=1",
    "flashes": [("info", "Saved!"), ("error", "Couldn't <send> mail")],
    "posts": POSTS,
}

PAGINATION = """{% macro render_pagination(page, endpoint) %}
<ul class="pagination">
  {%- if page.has_previous() %}
  <li><a href="{{ endpoint }}?page={{ page.number - 1 }}">&laquo;</a></li>
  {%- endif %}
  {%- for n in range(1, page.num_pages + 1) %}
    {%- if n == page.number %}
  <li class="active"><span>{{ n }}</span></li>
    {%- elif n == 1 or n == page.num_pages or (n - page.number)|abs <= 1 %}
  <li><a href="{{ endpoint }}?page={{ n }}">{{ n }}</a></li>
    {%- elif loop.previtem is defined and (loop.previtem - page.number)|abs <= 1 %}
  <li class="disabled"><span>&hellip;</span></li>
    {%- endif %}
  {%- endfor %}
  {%- if page.has_next() %}
  <li><a href="{{ endpoint }}?page={{ page.number + 1 }}">&raquo;</a></li>
  {%- endif %}
</ul>
{%- endmacro %}"""

LIST_PAGE = """{% extends "base.html" %}
{% from "_pagination.html" import render_pagination %}
{% block title %}{{ title }} (page {{ page.number }} of {{ page.num_pages }}){% endblock %}
{% block content %}
<table>
  <thead><tr>{% for col in columns %}<th>{{ col|title }}</th>{% endfor %}</tr></thead>
  <tbody>
  {% for row in page %}
    <tr class="{{ loop.cycle('odd', 'even') }}">
    {% for col in columns %}<td>{{ row[col]|default('—', true) }}</td>{% endfor %}
    </tr>
  {% endfor %}
  </tbody>
</table>
{{ render_pagination(page, '/items') }}
{% endblock %}"""


def _page(number: int) -> Page:
    rows = [
        {"name": f"item {i}", "price": i * 1.5, "sku": "" if i % 3 else None} for i in range(1, 4)
    ]
    return Page(rows, number, 3, 20)


SIMPLE_BASE = (
    "<title>{% block title %}Default{% endblock %}</title>\n{% block body %}{% endblock %}\n"
)

CASES = [
    Case(
        "flask-index",
        INDEX,
        (CONTEXT, {**CONTEXT, "current_user": BOB, "posts": [], "flashes": []}),
        templates={"base.html": BASE, "_nav.html": NAV},
    ),
    Case(
        "flask-index-autoescape",
        INDEX,
        (CONTEXT,),
        templates={"base.html": BASE, "_nav.html": NAV},
        options={"autoescape": True},
    ),
    Case(
        "flask-index-trim",
        INDEX,
        (CONTEXT,),
        templates={"base.html": BASE, "_nav.html": NAV},
        options={"autoescape": True, "trim_blocks": True, "lstrip_blocks": True},
    ),
    Case(
        "list-pagination",
        LIST_PAGE,
        tuple(
            {**CONTEXT, "title": "Items", "columns": ["name", "price", "sku"], "page": _page(n)}
            for n in (1, 4, 7)
        ),
        templates={"base.html": BASE, "_nav.html": NAV, "_pagination.html": PAGINATION},
        options={"autoescape": True},
    ),
    Case(
        "three-level-super",
        '{% extends "section.html" %}{% block title %}Post: {{ super() }}{% endblock %}'
        "{% block body %}<article>{{ super() }}</article>{% endblock %}",
        ({"name": "x"},),
        templates={
            "base.html": SIMPLE_BASE,
            "section.html": '{% extends "base.html" %}{% block title %}Blog &gt; '
            "{{ super() }}{% endblock %}{% block body %}<section>{% block inner %}"
            "{{ name }}{% endblock %}</section>{% endblock %}",
        },
        options={"autoescape": True},
    ),
    Case(
        "block-rendered-twice",
        '{% extends "base.html" %}{% block title %}About {{ who }}{% endblock %}'
        "{% block body %}<h1>{{ self.title() }}</h1>{{ self.title()|upper }}{% endblock %}",
        ({"who": "<us>"},),
        templates={"base.html": SIMPLE_BASE},
        options={"autoescape": True},
    ),
    Case(
        "extends-variable-layout",
        "{% extends layout %}{% block body %}body{% endblock %}",
        ({"layout": "base.html"}, {"layout": "print.html"}),
        templates={
            "base.html": SIMPLE_BASE,
            "print.html": "PRINT {% block body %}{% endblock %} END",
        },
    ),
    Case(
        "extends-conditional",
        '{% extends "modal.html" if is_ajax else "base.html" %}{% block body %}x{% endblock %}',
        ({"is_ajax": True}, {"is_ajax": False}),
        templates={
            "base.html": SIMPLE_BASE,
            "modal.html": "<div>{% block body %}{% endblock %}</div>",
        },
    ),
    Case(
        "scoped-block-in-loop",
        '{% extends "list.html" %}{% block row %}<li>{{ loop.index }}. {{ item.name }}</li>'
        "{% endblock %}",
        ({"items": [{"name": "a"}, {"name": "b<"}]},),
        templates={
            "list.html": "<ul>{% for item in items %}{% block row scoped %}{{ item }}"
            "{% endblock %}{% endfor %}</ul>"
        },
        options={"autoescape": True},
    ),
    Case(
        "include-with-context-loop",
        "{% for post in posts %}{% set idx = loop.index %}{% include '_card.html' %}{% endfor %}"
        "{% for post in posts %}{% include '_card.html' %}{% endfor %}",
        ({"posts": POSTS},),
        templates={
            "_card.html": "<div class=card>{{ post.title }} ({{ idx }}/{{ posts|length }})</div>\n"
        },
        options={"autoescape": True},
    ),
    Case(
        "include-list-ignore-missing",
        "{% include ['themes/' ~ theme ~ '/sidebar.html', 'sidebar.html'] %}"
        "|{% include 'ads.html' ignore missing %}|{% include 'x.html' ignore missing without context %}",
        ({"theme": "dark", "who": "me"}, {"theme": "light", "who": "you"}),
        templates={
            "themes/dark/sidebar.html": "dark sidebar for {{ who }}",
            "sidebar.html": "default sidebar for {{ who }}",
            "x.html": "[{{ who }}]",
        },
    ),
    Case(
        "include-without-context",
        "{% set who = 'local' %}{% include 'hi.html' without context %}"
        "{% include 'hi.html' with context %}{% include 'hi.html' %}",
        ({"who": "ctx"}, {}),
        templates={"hi.html": "<{{ who|default('nobody') }}>"},
    ),
    Case(
        "django-style-comments-and-raw",
        "{# page header #}<h1>{{ title }}</h1>{% raw %}{{ not a var }} {% if %}{% endraw %}\n"
        "{#- trailing comment -#}\n   <p>{{ body|safe }}</p>",
        ({"title": "A & B", "body": "<em>hi</em>"},),
        options={"autoescape": True},
    ),
    Case(
        "markup-in-context",
        "<p>{{ note }}</p><p>{{ note|upper }}</p><p>{{ note ~ raw }}</p>"
        "<p>{{ note|replace('b', '<b>') }}</p><p>{{ note.split('>')|join('|') }}</p>"
        "<p>{{ '%s and %s'|format(note, raw) }}</p><p>{{ note|length }}</p>",
        ({"note": Markup("<b>bold</b> & fine"), "raw": "<i>raw</i>"},),
        options={"autoescape": True},
    ),
    Case(
        "unicode-everywhere",
        "<h1>{{ title|title }}</h1>{{ title|upper }}|{{ title|length }}|{{ title|reverse }}|"
        "{{ title|wordcount }}|{{ title|center(30) }}|{{ title|truncate(10) }}|"
        "{{ title|urlencode }}|{{ title[:3] }}|{{ title|list|first }}",
        ({"title": "caf\u00e9 \u00fcber stra\u00dfe \u65e5\u672c\u8a9e \U0001f600 na\u00efve"},),
        options={"autoescape": True},
    ),
]

CASES += [
    Case(
        "include-unreached-broken-partial",
        "{% if config.i18n %}{% include 'lang.html' %}{% endif %}<p>{{ config.title }}</p>",
        ({"config": {"i18n": False, "title": "Site"}},),
        templates={
            "lang.html": "<ul>{% for l in langs %}<li>{% trans %}Switch to {{ l }}"
            "{% endtrans %}</li>{% endfor %}</ul>"
        },
    ),
    Case(
        "import-unreached-unknown-filter",
        "{% import 'macros.html' as m %}{{ m.a() }}",
        ({},),
        templates={
            "macros.html": "{% macro a() %}A{% endmacro %}{% if false %}"
            '{% include "old.html" %}{% endif %}',
            "old.html": "{{ x|nosuchfilter }}",
        },
    ),
]

CASES += [
    Case(
        "include-in-cycled-loop",
        "{% for post in posts %}<div class=\"{{ loop.cycle('odd', 'even') }}\">"
        "{% include '_post.html' %}</div>{% endfor %}",
        ({"posts": ["A", "B<"]},),
        templates={"_post.html": "{{ loop.index }}. {{ post }}{% if not loop.last %},{% endif %}"},
        options={"autoescape": True},
    ),
    Case(
        "import-with-context-in-indexed-loop",
        "{% for p in ps %}{{ loop.index }}{% import 'm.html' as m with context %}{{ m.f() }}"
        "{% from 'm.html' import f with context %}{{ f() }}{% endfor %}",
        ({"ps": ["A", "B"]},),
        templates={"m.html": "{% macro f() %}[{{ loop.index }}/{{ loop.length }}]{% endmacro %}"},
    ),
    Case(
        "include-in-loop-without-loop-reference",
        "{% for post in posts %}{% include '_post.html' %}{% endfor %}",
        ({"posts": ["A", "B"]},),
        templates={"_post.html": "{{ post }}:{{ loop is defined }};"},
    ),
]

CASES += [
    Case(
        "super-in-autoescape-false-layout",
        "{% extends 'base.html' %}{% block analytics %}{{ super() }}<script src=\"/extra.js\"></script>"
        "{% endblock %}",
        ({"tracking_snippet": '<script>track("x")</script>'},),
        templates={
            "base.html": "<body>{% autoescape false %}{% block analytics %}{{ tracking_snippet }}"
            "{% endblock %}{% endautoescape %}</body>"
        },
        options={"autoescape": True},
    ),
    Case(
        "block-in-autoescape-false-layout",
        "{% extends 'base.html' %}{% block analytics %}<script>{{ code }}</script>{% endblock %}",
        ({"code": "track('<x>')"},),
        templates={
            "base.html": "<body>{% autoescape false %}{% block analytics %}{% endblock %}"
            "{{ code }}{% endautoescape %}</body>"
        },
        options={"autoescape": True},
    ),
]
