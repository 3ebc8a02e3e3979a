"""Feeds, sitemaps, emails and Sphinx-theme-like templates: XML escaping, dates, text wrapping."""

from __future__ import annotations

import datetime

from markupsafe import Markup

from tests.compiler.realworld.case import Case
from tests.compiler.realworld.pages import POSTS

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>{{ site.title }}</title>
  <link>{{ site.url }}</link>
  <description>{{ site.description|striptags }}</description>
  <lastBuildDate>{{ build_date.strftime('%a, %d %b %Y %H:%M:%S +0000') }}</lastBuildDate>
  <atom:link href="{{ site.url ~ '/feed.xml' }}" rel="self" type="application/rss+xml"/>
  {%- for post in posts|rejectattr('draft')|sort(attribute='date', reverse=true) %}
  <item>
    <title>{{ post.title }}</title>
    <link>{{ site.url }}{{ post.url }}</link>
    <guid isPermaLink="true">{{ site.url }}{{ post.url }}</guid>
    <pubDate>{{ post.date.strftime('%a, %d %b %Y %H:%M:%S +0000') }}</pubDate>
    {%- for tag in post.tags %}
    <category>{{ tag }}</category>
    {%- endfor %}
    <description><![CDATA[{{ post.body|safe }}]]></description>
  </item>
  {%- endfor %}
</channel>
</rss>
"""

SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{% for page in pages %}
  <url>
    <loc>{{ base_url }}{{ page.path|urlencode }}</loc>
    {% if page.lastmod %}<lastmod>{{ page.lastmod.isoformat() }}</lastmod>{% endif %}
    <changefreq>{{ page.changefreq|default('weekly') }}</changefreq>
    <priority>{{ '%.1f'|format(page.priority|default(0.5)) }}</priority>
  </url>
{% endfor %}
</urlset>
"""

SITEMAP_CONTEXT = {
    "base_url": "https://example.org",
    "pages": [
        {"path": "/", "lastmod": datetime.date(2024, 5, 1), "priority": 1},
        {"path": "/about us/", "changefreq": "monthly"},
        {
            "path": "/caf\u00e9?x=1&y=2",
            "lastmod": datetime.datetime(2024, 5, 2, 13, 4, 5),
            "priority": 0.25,
        },
    ],
}

EMAIL_TEXT = """Hi {{ user.first_name|default(user.username, true)|capitalize }},

{% filter wordwrap(60) -%}
Thanks for your order #{{ order.id }} placed on {{ order.date.strftime('%d %B %Y') }}. We're getting it ready to ship and will let you know as soon as it leaves our warehouse in {{ order.warehouse }}.
{%- endfilter %}

{% for item in order['items'] -%}
  * {{ "%-20s"|format(item.name|truncate(20, true, '..')) }} {{ "%3d"|format(item.qty) }} x {{ "%8.2f"|format(item.price) }}
{% endfor -%}
{{ '-' * 40 }}
  Total: {{ "%.2f"|format(order['items']|sum(attribute='price')) }} {{ order.currency|upper }}
  Items: {{ order['items']|map(attribute='qty')|sum }}

{{ signature|default('The Team')|center(40)|rstrip_fake if false else signature|default('The Team') }}
"""

EMAIL_CONTEXT = {
    "user": {"first_name": "", "username": "zoë"},
    "order": {
        "id": 10042,
        "date": datetime.date(2024, 7, 4),
        "warehouse": "Rotterdam",
        "currency": "eur",
        "items": [
            {"name": "Extra large ceramic teapot with lid", "qty": 1, "price": 39.5},
            {"name": "Tea", "qty": 12, "price": 3.25},
            {"name": "Biscuits (assorted)", "qty": 2, "price": 4.0},
        ],
    },
}

EMAIL_HTML = """<html><body style="font-family: sans-serif">
<p>Hello {{ name }},</p>
{{ intro|safe }}
<table>
{%- for item in items %}
<tr style="background: {{ loop.cycle('#fff', '#eee') }}"><td>{{ item.name }}</td><td align="right">{{ item.price|round(2) }}</td></tr>
{%- endfor %}
</table>
<p>{{ footer|urlize }}</p>
<p>{{ "Unsubscribe: %s"|format(unsubscribe_url) }}</p>
</body></html>"""

SPHINX_LAYOUT = """{%- set reldelim1 = reldelim1 is not defined and ' &#187;' or reldelim1 %}
{%- set reldelim2 = reldelim2 is not defined and ' |' or reldelim2 %}
{%- macro relbar() %}
    <div class="related" role="navigation" aria-label="related navigation">
      <h3>{{ _('Navigation') }}</h3>
      <ul>
        {%- for rellink in rellinks %}
        <li class="right" {% if loop.first %}style="margin-right: 10px"{% endif %}>
          <a href="{{ pathto(rellink[0])|e }}" title="{{ rellink[1]|striptags|e }}"
             {{ accesskey(rellink[2]) }}>{{ rellink[3] }}</a>
          {%- if not loop.first %}{{ reldelim2 }}{% endif %}</li>
        {%- endfor %}
        {%- block rootrellink %}
        <li class="nav-item nav-item-0"><a href="{{ pathto(root_doc)|e }}">{{ shorttitle|e }}</a>{{ reldelim1 }}</li>
        {%- endblock %}
        {%- for parent in parents %}
          <li class="nav-item nav-item-{{ loop.index }}"><a href="{{ parent.link|e }}" {% if loop.last %}{{ accesskey("U") }}{% endif %}>{{ parent.title }}</a>{{ reldelim1 }}</li>
        {%- endfor %}
        <li class="nav-item nav-item-this"><a href="{{ link|e }}">{{ title }}</a></li>
      </ul>
    </div>
{%- endmacro %}
{%- macro css() %}
  {%- for css in css_files %}
    {%- if css|attr("filename") is defined %}
    {{ css_tag(css) }}
    {%- else %}
    <link rel="stylesheet" href="{{ pathto(css, 1)|e }}" type="text/css" />
    {%- endif %}
  {%- endfor %}
{%- endmacro %}
<!DOCTYPE html>
<html{% if language is not none %} lang="{{ language }}"{% endif %}>
  <head>
    <meta charset="{{ encoding }}" />
    {%- block htmltitle %}
    <title>{{ title|striptags|e }}{{ titlesuffix }}</title>
    {%- endblock %}
    {%- block css %}
    {{- css() }}
    {%- endblock %}
  </head>
  <body>
{%- block relbar1 %}{{ relbar() }}{% endblock %}
    <div class="body" role="main">
      {% block body %} {% endblock %}
    </div>
{%- block footer %}
    <div class="footer">
    {%- if show_copyright %}
      &#169; Copyright {{ copyright }}.
    {%- endif %}
    </div>
{%- endblock %}
  </body>
</html>
"""

SPHINX_PAGE = """{%- extends "layout.html" %}
{% block body %}
  {{ body }}
{% endblock %}
{% block rootrellink %}{{ super() }}<li>extra</li>{% endblock %}
"""


def _sphinx_context_() -> dict[str, object]:
    return {
        "rellinks": [
            ("genindex", "General Index", "I", "index"),
            ("py-modindex", "Python <Module> Index", "", "modules"),
        ],
        "root_doc": "index",
        "shorttitle": "Proj 1.0 & docs",
        "parents": [{"link": "../", "title": "Guide"}, {"link": "./", "title": "API"}],
        "link": "#",
        "title": "The <em>API</em>",
        "language": None,
        "encoding": "utf-8",
        "titlesuffix": " &#8212; Proj",
        "css_files": ["_static/basic.css", "_static/pygments.css"],
        "body": Markup("<p>Rendered <b>body</b></p>"),
        "show_copyright": True,
        "copyright": "2024, Me",
        "_": str.upper,
        "pathto": _pathto,
        "accesskey": _accesskey,
        "css_tag": str,
    }


def _pathto(name: str, resource: int = 0) -> str:
    return ("" if resource else "./") + name + ("" if resource else ".html")


def _accesskey(key: str) -> str:
    return f'accesskey="{key}"' if key else ""


def _sphinx_context() -> dict[str, object]:
    return _sphinx_context_()


CASES = [
    Case(
        "rss-feed",
        RSS,
        (
            {
                "site": {
                    "title": "Tea & Biscuits",
                    "url": "https://t.example",
                    "description": "<b>All</b> about tea",
                },
                "build_date": datetime.datetime(2024, 6, 1, 12, 0),
                "posts": POSTS,
            },
        ),
        options={"autoescape": True},
    ),
    Case(
        "rss-feed-trim",
        RSS,
        (
            {
                "site": {"title": "T", "url": "u", "description": "d"},
                "build_date": datetime.datetime(2024, 6, 1),
                "posts": POSTS[:1],
            },
        ),
        options={"autoescape": True, "trim_blocks": True, "lstrip_blocks": True},
    ),
    Case(
        "sitemap",
        SITEMAP,
        (SITEMAP_CONTEXT,),
        options={"autoescape": True, "trim_blocks": True, "lstrip_blocks": True},
    ),
    Case("sitemap-plain", SITEMAP, (SITEMAP_CONTEXT,)),
    Case(
        "email-text",
        EMAIL_TEXT,
        (
            EMAIL_CONTEXT,
            {
                **EMAIL_CONTEXT,
                "signature": "Zo\u00eb & co",
                "user": {"first_name": "ann", "username": "a"},
            },
        ),
        options={"keep_trailing_newline": True},
    ),
    Case(
        "email-html",
        EMAIL_HTML,
        (
            {
                "name": "Ann <ann@x.org>",
                "intro": "<p>Your <b>receipt</b></p>",
                "items": [{"name": "Tea", "price": 3.14159}, {"name": "Pot", "price": 40}],
                "footer": "Questions? Mail help@example.com or visit "
                "https://example.com/help?a=1&b=2 or www.example.org.",
                "unsubscribe_url": "https://x.org/u?id=1&t=<t>",
            },
        ),
        options={"autoescape": True},
    ),
    Case(
        "sphinx-layout",
        SPHINX_PAGE,
        (_sphinx_context,),
        templates={"layout.html": SPHINX_LAYOUT},
        globals={},
        options={"autoescape": True, "extensions": []},
    ),
]
