"""Autoescape blocks around real constructs: imported form macros, call blocks, layouts.

jinja2's `{% autoescape %}` sets a run-time mode for everything called while it is open
(macros, caller(), super()), which findings R4-R10 showed is where a compiler's lexical view
of escaping goes wrong. These cases keep the shapes real projects use.
"""

from __future__ import annotations

from markupsafe import Markup

from tests.compiler.realworld.case import Case

AUTO = {"autoescape": True}

FORMS = (
    "{% macro field(label) %}<label>{{ label }}</label><div>{{ caller() }}</div>{% endmacro %}"
    '{% macro input(name, value=\'\') %}<input name="{{ name }}" value="{{ value }}">'
    "{% endmacro %}{% macro group(title) %}<fieldset><legend>{{ title }}</legend>"
    "{{ input(title|lower) }}{{ ['<a>', '<b>'|safe]|join(' ') }}</fieldset>{% endmacro %}"
)

CONTEXT = {"s": "<s>", "html": "<p>Trusted</p>", "m": Markup("<em>safe</em>")}

CASES = [
    Case(
        "imported-call-in-autoescape-false",
        "{% from 'forms.html' import field %}{% autoescape false %}{% call field('Bio & more') %}"
        "{{ html }}{% endcall %}{% endautoescape %}|{% call field('Bio') %}{{ html }}{% endcall %}",
        (CONTEXT,),
        templates={"forms.html": FORMS},
        options=AUTO,
    ),
    Case(
        "imported-macros-in-autoescape-false",
        "{% import 'forms.html' as f %}{% autoescape false %}{{ f.group('Name') }}|"
        "{{ f.input('q', s) }}{% endautoescape %}|{{ f.group('Name') }}",
        (CONTEXT,),
        templates={"forms.html": FORMS},
        options=AUTO,
    ),
    Case(
        "imported-with-context-in-autoescape-true",
        "{% import 'forms.html' as f with context %}{% autoescape true %}{{ f.group(s) }}"
        "{% call f.field(s) %}{{ s }}{{ m }}{% endcall %}{% endautoescape %}",
        (CONTEXT,),
        templates={"forms.html": FORMS},
    ),
    Case(
        "local-macro-inside-local-call-autoescape-false",
        FORMS + "{% autoescape false %}{% call field('x') %}{{ input('n', s) }}{{ html }}"
        "{% endcall %}{{ group('<G>') }}{% endautoescape %}",
        (CONTEXT,),
        options=AUTO,
    ),
    Case(
        "layout-raw-html-block",
        "{% extends 'base.html' %}{% block head %}{{ super() }}<meta name=x>{% endblock %}"
        "{% block body %}<p>{{ s }}</p>{{ super() }}{% endblock %}",
        (CONTEXT,),
        templates={
            "base.html": "<head>{% autoescape false %}{% block head %}{{ html }}{% endblock %}"
            "{% endautoescape %}</head><body>{% block body %}{{ m }}{% endblock %}</body>"
        },
        options=AUTO,
    ),
    Case(
        "include-inside-autoescape-false",
        "{% autoescape false %}{% include 'card.html' %}{% endautoescape %}|{% include 'card.html' %}",
        (CONTEXT,),
        templates={"card.html": "<div>{{ html }}{{ s }}</div>"},
        options=AUTO,
    ),
    Case(
        "set-block-in-macro-in-autoescape-false",
        "{% macro snippet() %}{% set body %}<b>{{ s }}</b>{% endset %}{{ body }}{% endmacro %}"
        "{% autoescape false %}{{ snippet() }}{% endautoescape %}|{{ snippet() }}",
        (CONTEXT,),
        options=AUTO,
    ),
    Case(
        "autoescape-true-in-plain-email",
        "{% macro li(x) %}<li>{{ x }}</li>{% endmacro %}Plain: {{ s }}\n"
        "{% autoescape true %}<ul>{{ li(s) }}{% for x in [s, m] %}{{ li(x) }}{% endfor %}</ul>"
        "{{ [s, m]|join(', ') }}{% endautoescape %}",
        (CONTEXT,),
    ),
]

EMAIL_BOTH = """{% autoescape html %}
{%- macro link(url, text) -%}
{%- if html %}<a href="{{ url }}">{{ text }}</a>{% else %}{{ text }} <{{ url }}>{% endif -%}
{%- endmacro -%}
{%- macro para() -%}
{% if html %}<p>{{ caller() }}</p>{% else %}{{ caller()|wordwrap(40) }}
{% endif %}
{%- endmacro -%}
{% call para() %}Hello {{ user.name }}, your order "{{ order.title }}" has shipped & is on its way.{% endcall %}
{% call para() %}Track it here: {{ link(order.url, 'tracking <page>') }}{% endcall %}
{% set footer %}{{ company }} &middot; {{ year }}{% endset %}{{ footer }}
{% endautoescape %}"""

EMAIL_CONTEXT = {
    "user": {"name": "Zoë <zoe@example.org>"},
    "order": {"title": "Tea & Pot", "url": "https://shop.example/track?id=1&k=<x>"},
    "company": "Tea & Co",
    "year": 2024,
}

CASES += [
    Case(
        "email-html-and-text-parts",
        EMAIL_BOTH,
        ({**EMAIL_CONTEXT, "html": True}, {**EMAIL_CONTEXT, "html": False}),
    ),
    Case(
        "email-html-and-text-parts-autoescape-env",
        EMAIL_BOTH,
        ({**EMAIL_CONTEXT, "html": True}, {**EMAIL_CONTEXT, "html": False}),
        options={"autoescape": True, "trim_blocks": True},
    ),
]
