"""Macro libraries: form helpers with caller(), kwargs/varargs, imports with and without context."""

from __future__ import annotations

from markupsafe import Markup

from tests.compiler.realworld.case import Case
from tests.compiler.realworld.models import Field

FORMS = """{% macro input(name, value='', type='text', size=20) -%}
  <input type="{{ type }}" name="{{ name }}" value="{{ value|e }}" size="{{ size }}"
  {%- for key, val in kwargs|dictsort %} {{ key|replace('_', '-') }}="{{ val }}"{% endfor %}>
{%- endmacro %}

{% macro textarea(name, value='', rows=10, cols=40) -%}
  <textarea name="{{ name }}" rows="{{ rows }}" cols="{{ cols }}">{{ value|e }}</textarea>
{%- endmacro %}

{% macro field(f, label_class='') -%}
  <div class="field{% if f.errors %} has-error{% endif %}{% if f.flags.required %} required{% endif %}">
    {{ f.label }}
    {{ caller() if caller else f(class_='form-control', **kwargs) }}
    {%- if f.errors %}
    <ul class="errors">{% for e in f.errors %}<li>{{ e }}</li>{% endfor %}</ul>
    {%- endif %}
  </div>
{%- endmacro %}

{% macro select(name, options, selected=none) -%}
  <select name="{{ name }}"{% for a in varargs %} {{ a }}{% endfor %}>
  {%- for value, label in options %}
    <option value="{{ value }}"{% if value == selected %} selected{% endif %}>{{ label }}</option>
  {%- endfor %}
  </select>
{%- endmacro %}

{% macro button(text='Submit', kind='primary') -%}
  <button class="btn btn-{{ kind }}"{{ ' disabled' if kwargs.disabled }}>{{ text }}</button>
{%- endmacro %}
"""

FORM_PAGE = """{% import "forms.html" as forms %}
<form method="post" action="{{ action }}">
  {{ forms.input('username', user.name, placeholder='Your name', data_x=1) }}
  {{ forms.input('password', type='password') }}
  {{ forms.textarea('bio', user.bio, rows=3) }}
  {{ forms.select('country', countries, user.country, 'required', 'autofocus') }}
  {% for f in fields %}
  {{ forms.field(f) }}
  {% endfor %}
  {% call forms.field(fields[0]) %}<em>custom {{ fields[0].name }}</em>{% endcall %}
  {{ forms.button() }} {{ forms.button('Delete', 'danger', disabled=true) }}
</form>"""

FORM_CONTEXT = {
    "action": "/profile?x=1&y=2",
    "user": {"name": 'O"Brien <admin>', "bio": "Likes <tags> & things", "country": "de"},
    "countries": [("de", "Germany"), ("fr", "France"), ("jp", "\u65e5\u672c")],
    "fields": [
        Field("email", "E-mail", "a@b.c", ["Invalid <email>"], required=True),
        Field("age", "Age", "12"),
    ],
}

TABLE_MACROS = """{% macro render_table(rows, columns) -%}
<table>
{%- if caller is defined %}<caption>{{ caller() }}</caption>{% endif %}
{%- for row in rows %}
  <tr>{% for c in columns %}<td>{{ row[c] }}</td>{% endfor %}</tr>
{%- endfor %}
</table>
{%- endmacro %}
{% macro row_actions(row) -%}
{% for action in varargs -%}
<a href="/{{ row.id }}/{{ action }}">{{ caller(action)|trim }}</a>{{ ', ' if not loop.last }}
{%- endfor %}
{%- endmacro %}"""

CASES = [
    Case("form-macros", FORM_PAGE, (FORM_CONTEXT,), templates={"forms.html": FORMS}),
    Case(
        "form-macros-autoescape",
        FORM_PAGE,
        (FORM_CONTEXT,),
        templates={"forms.html": FORMS},
        options={"autoescape": True},
    ),
    Case(
        "form-macros-trim",
        FORM_PAGE,
        (FORM_CONTEXT,),
        templates={"forms.html": FORMS},
        options={"autoescape": True, "trim_blocks": True, "lstrip_blocks": True},
    ),
    Case(
        "from-import-macros",
        '{% from "forms.html" import input as i, button %}{{ i("q", placeholder="Search…") }}'
        "{{ button(text='Go') }}",
        ({},),
        templates={"forms.html": FORMS},
        options={"autoescape": True},
    ),
    Case(
        "call-with-args",
        '{% from "tables.html" import render_table, row_actions %}'
        "{% call render_table(rows, ['id', 'name']) %}Users <{{ rows|length }}>{% endcall %}\n"
        "{% for r in rows %}{% call(action) row_actions(r, 'edit', 'delete') %}\n"
        "  {{ action|capitalize }} {{ r.name }}\n{% endcall %}\n{% endfor %}",
        ({"rows": [{"id": 1, "name": "Ann & Co"}, {"id": 2, "name": "Bo"}]},),
        templates={"tables.html": TABLE_MACROS},
        options={"autoescape": True},
    ),
    Case(
        "macro-defaults-from-context",
        "{% macro greet(name=default_name, greeting='Hello') %}{{ greeting }}, {{ name }}!"
        "{% endmacro %}{{ greet() }} {{ greet('Bob') }} {{ greet(greeting='Hi') }}",
        ({"default_name": "World"},),
    ),
    Case(
        "macro-introspection",
        "{% macro m(a, b=2) %}{{ a }}{{ b }}{{ varargs }}{{ kwargs }}{% endmacro %}"
        "{{ m.name }}|{{ m.arguments }}|{{ m.catch_kwargs }}|{{ m.catch_varargs }}|"
        "{{ m.caller }}|{{ m(1, 2, 3, x=4) }}",
        ({},),
    ),
    Case(
        "import-with-context",
        "{% set site = 'local' %}{% import 'helpers.html' as h with context %}"
        "{{ h.link('/a') }}|{% from 'helpers.html' import link with context %}{{ link('/b') }}",
        ({"site": "ctx", "base": "https://x.org"},),
        templates={
            "helpers.html": "{% macro link(p) %}<a href='{{ base }}{{ p }}'>{{ site }}</a>"
            "{% endmacro %}"
        },
    ),
    Case(
        "import-without-context-globals",
        "{% import 'helpers.html' as h %}{{ h.link('/a') }}|{{ h.version }}",
        ({"base": "ctx-base"},),
        globals={"base": "global-base"},
        templates={
            "helpers.html": "{% set version = '1.2' %}{% macro link(p) %}"
            "{{ base|default('none') }}{{ p }}{% endmacro %}"
        },
    ),
    Case(
        "recursive-macro-tree",
        "{% macro tree(nodes, depth=0) -%}\n<ul>\n{%- for n in nodes %}\n"
        "{{ '  ' * depth }}<li>{{ n.name }}{% if n.children %}{{ tree(n.children, depth + 1) }}"
        "{% endif %}</li>\n{%- endfor %}\n</ul>\n{%- endmacro %}{{ tree(nodes) }}",
        (
            {
                "nodes": [
                    {
                        "name": "a",
                        "children": [
                            {"name": "a1"},
                            {"name": "a<2>", "children": [{"name": "deep"}]},
                        ],
                    },
                    {"name": "b", "children": []},
                ]
            },
        ),
        options={"autoescape": True},
    ),
    Case(
        "caller-passes-markup",
        "{% macro panel(title) %}<div class=panel><h3>{{ title }}</h3>{{ caller() }}</div>"
        "{% endmacro %}{% call panel('<T>') %}<p>{{ body }}</p>{% endcall %}"
        "{{ panel('x', caller=lambda_caller) if false }}",
        ({"body": "a < b"},),
        options={"autoescape": True},
    ),
    Case(
        "macro-returns-markup-filters",
        '{% macro icon(name) %}<i class="icon-{{ name }}"></i>{% endmacro %}'
        "{{ icon('home') }}|{{ icon('home')|upper }}|{{ icon('x') ~ '<' }}|"
        "{{ [icon('a'), icon('b')]|join(' ') }}|{{ icon('y')|striptags }}|{{ icon('z')|length }}",
        ({},),
        options={"autoescape": True},
    ),
    Case(
        "macro-set-vs-outer",
        "{% set x = 'outer' %}{% macro m() %}{% set x = 'inner' %}{{ x }}{% endmacro %}"
        "{{ m() }}{{ x }}{% macro n(x) %}{{ x }}{% endmacro %}{{ n() }}|{{ n(none) }}",
        ({},),
    ),
    Case(
        "macro-in-for-with-loop-var",
        "{% macro badge(text, cls='default') %}<span class='badge badge-{{ cls }}'>{{ text }}"
        "</span>{% endmacro %}{% for s in statuses %}{{ badge(s.label, cls={'ok': 'success', "
        "'fail': 'danger'}.get(s.state, 'secondary')) }}{% endfor %}",
        (
            {
                "statuses": [
                    {"label": "Build", "state": "ok"},
                    {"label": "Deploy", "state": "fail"},
                    {"label": "Lint", "state": "skipped"},
                ]
            },
        ),
        options={"autoescape": True},
    ),
    Case(
        "field-objects-html",
        "{% for f in form %}{{ f.label }} {{ f() }} {{ f(placeholder='P', class_='c') }}"
        "{% if f.errors %}{{ f.errors|join('; ') }}{% endif %}\n{% endfor %}",
        ({"form": [Field("q", "Query <required>", "a&b", ["Too <short>"])]},),
        options={"autoescape": True},
    ),
    Case(
        "field-objects-html-noescape",
        "{% for f in form %}{{ f.label }} {{ f() }}|{{ f.label|string }}|{{ f.label|e }}"
        "{% endfor %}",
        ({"form": [Field("q", "Query", "a&b")]},),
    ),
    Case(
        "markup-macro-arg-escaping",
        '{% macro link(href, text) %}<a href="{{ href }}">{{ text }}</a>{% endmacro %}'
        "{{ link(url, label) }}{{ link(url, safe_label) }}{{ link(url, label|safe) }}",
        ({"url": "/a?b=1&c=2", "label": "<b>x</b>", "safe_label": Markup("<b>y</b>")},),
        options={"autoescape": True},
    ),
]

CASES += [
    Case(
        "macro-param-named-loop",
        "{% macro item(x, loop={}) %}<li{% if loop.first %} class=first{% endif %}>"
        "{{ loop.index|default('-') }} {{ x }}</li>{% endmacro %}"
        "{% for x in xs %}{{ item(x, loop) }}{% endfor %}{{ item('standalone') }}",
        ({"xs": ["a", "b<"]},),
        options={"autoescape": True},
    ),
    Case(
        "macro-receives-loop-context",
        "{% macro row(item, loop) %}<tr class=\"{{ loop.cycle('a', 'b') }}\"><td>{{ loop.index }}/"
        "{{ loop.length }}</td><td>{{ item }}</td></tr>{% endmacro %}"
        "{% for i in xs %}{{ row(i, loop) }}{% endfor %}",
        ({"xs": [1, 2, 3]},),
        options={"autoescape": True},
    ),
]

CASES += [
    Case(
        "call-block-in-autoescape-false",
        '{% macro card(title) %}<div class="card"><h3>{{ title }}</h3>{{ caller() }}</div>'
        "{% endmacro %}{% autoescape false %}{% call card(page.title) %}{{ page.html_body }}"
        "{% endcall %}{% endautoescape %}",
        ({"page": {"title": "Intro & more", "html_body": "<p>Trusted <b>HTML</b></p>"}},),
        options={"autoescape": True},
    ),
    Case(
        "call-block-in-autoescape-true",
        '{% macro card(title) %}<div class="card"><h3>{{ title }}</h3>{{ caller() }}</div>'
        "{% endmacro %}{% autoescape true %}{% call card(page.title) %}{{ page.html_body }}"
        "{% endcall %}{% endautoescape %}",
        ({"page": {"title": "Intro & more", "html_body": "<p>Untrusted <b>HTML</b></p>"}},),
    ),
    Case(
        "dynamic-autoescape-concat",
        "{% autoescape flag %}{{ a ~ b }}|{{ a }}{% endautoescape %}",
        ({"flag": True, "a": "<a>", "b": Markup("<b>")},),
    ),
]

CASES += [
    Case(
        "nested-macros-in-autoescape-false",
        "{% macro nav_link(href, text) %}<a{{ {'href': href}|xmlattr }}>{{ text }}</a>{% endmacro %}"
        "{% macro nav(items) %}<nav>{% for i in items %}{{ nav_link(i.href, i.text) }}{% endfor %}"
        "</nav>{% endmacro %}{% autoescape false %}{{ nav(items) }}{{ banner }}{% endautoescape %}",
        ({"items": [{"href": "/a?x=1&y=2", "text": "A & B"}], "banner": "<b>Sale!</b>"},),
        options={"autoescape": True},
    ),
    Case(
        "macro-filters-in-autoescape-true",
        "{% macro tags(xs) %}{{ xs|join(', ') }}{% endmacro %}"
        "{% autoescape true %}{{ tags(xs) }}{% endautoescape %}|{{ tags(xs) }}",
        ({"xs": ["<a>", Markup("<b>")]},),
    ),
    Case(
        "macro-plain-call-in-autoescape-false",
        '{% macro badge(t) %}<span class="badge">{{ t }}</span>{% endmacro %}'
        "{% autoescape false %}{{ badge(label) }}{{ raw }}{% endautoescape %}{{ badge(label) }}",
        ({"label": "<new>", "raw": "<hr>"},),
        options={"autoescape": True},
    ),
]

CASES += [
    Case(
        "dynamic-autoescape-constants",
        "{% autoescape flag %}{{ '<b>' }}|{{ 'a' ~ '<b>' }}|{{ '<b>' if true }}|{{ s }}{% endautoescape %}",
        ({"flag": True, "s": "<s>"},),
    ),
    Case(
        "call-block-param-named-loop",
        "{% macro c() %}{{ caller({'index': 7}) }}{% endmacro %}{% call(loop) c() %}{{ loop.index }}"
        "{% endcall %}",
        ({},),
    ),
]

CASES += [
    Case(
        "dynamic-autoescape-text",
        "{% autoescape flag %}<p>{{ a }}</p>{% endautoescape %}",
        ({"flag": False, "a": "<a>"}, {"flag": True, "a": "<a>"}),
        options={"autoescape": True},
    ),
]

CASES += [
    Case(
        "macro-defined-under-variable-autoescape",
        "{% autoescape flag %}{% macro inner() %}<i>{{ s }}</i>{% endmacro %}"
        "{% macro outer() %}<o>{{ inner() }}</o>{% endmacro %}{{ outer() }}|"
        "{% autoescape false %}{{ outer() }}{% endautoescape %}{% endautoescape %}",
        ({"flag": True, "s": "<s>"}, {"flag": False, "s": "<s>"}),
    ),
]
