"""Realistic templates for the differential tests: the kind real projects ship.

Each module here holds `CASES`, a list of `Case`: a template written in the style of a
Flask/Django site, an Ansible/Salt config role, a feed, an email or a Sphinx theme, with a
context shaped like the data such projects pass. The expected output is always jinja2's own
rendering (tests/compiler/test_diff_realworld.py); nothing here states an output.
"""
