"""Ansible/SaltStack-style config templates: nginx, systemd, YAML, INI, with heavy whitespace control."""

from __future__ import annotations

from tests.compiler.realworld.case import Case

TRIM = {"trim_blocks": True, "lstrip_blocks": True}
ANSIBLE = {"trim_blocks": True, "lstrip_blocks": False, "keep_trailing_newline": True}

NGINX = """# {{ ansible_managed | default('Managed by Ansible') }}
user {{ nginx_user }};
worker_processes {{ nginx_worker_processes | default('auto') }};
pid /run/nginx.pid;

events {
    worker_connections {{ nginx_worker_connections }};
{% if nginx_multi_accept %}
    multi_accept on;
{% endif %}
}

http {
    sendfile on;
    keepalive_timeout {{ nginx_keepalive_timeout }};
{% for key, value in nginx_http_options | dictsort %}
    {{ key }} {{ value }};
{% endfor %}

{% for upstream in nginx_upstreams %}
    upstream {{ upstream.name }} {
{% if upstream.strategy is defined %}
        {{ upstream.strategy }};
{% endif %}
{% for server in upstream.servers %}
        server {{ server }}{% if upstream.weight is defined %} weight={{ upstream.weight }}{% endif %};
{% endfor %}
    }
{% endfor %}

{% for vhost in nginx_vhosts %}
    server {
        listen {{ vhost.listen | default('80') }};
{% if vhost.server_name is defined %}
        server_name {{ vhost.server_name }};
{% endif %}
        root {{ vhost.root | default('/var/www/html') }};
        index {{ vhost.index | default('index.html index.htm') }};
{% if vhost.return is defined %}
        return {{ vhost.return }};
{% endif %}
{% for loc in vhost.locations | default([]) %}
        location {{ loc.path }} {
            {{ loc.body | indent(12) }}
        }
{% endfor %}
{% if vhost.extra_parameters is defined %}
        {{ vhost.extra_parameters | indent(8) }}
{% endif %}
    }
{% endfor %}
}
"""

NGINX_VARS = {
    "nginx_user": "www-data",
    "nginx_worker_connections": 1024,
    "nginx_multi_accept": True,
    "nginx_keepalive_timeout": "65",
    "nginx_http_options": {
        "client_max_body_size": "64m",
        "server_tokens": "off",
        "gzip": "on",
        "types_hash_max_size": 2048,
    },
    "nginx_upstreams": [
        {"name": "app", "strategy": "least_conn", "servers": ["10.0.0.1:8000", "10.0.0.2:8000"]},
        {"name": "static", "servers": ["127.0.0.1:9000"], "weight": 3},
    ],
    "nginx_vhosts": [
        {
            "listen": "443 ssl http2",
            "server_name": "example.com www.example.com",
            "locations": [
                {"path": "/", "body": "proxy_pass http://app;\nproxy_set_header Host $host;"},
                {"path": "~ \\.php$", "body": "include fastcgi_params;"},
            ],
            "extra_parameters": "ssl_certificate /etc/ssl/x.pem;\nssl_protocols TLSv1.2 TLSv1.3;\n",
        },
        {"listen": "80", "server_name": "example.com", "return": "301 https://$host$request_uri"},
    ],
}

SYSTEMD = """[Unit]
Description={{ service_description }}
{% if service_after %}
After={{ service_after | join(' ') }}
{% endif %}
{% for req in service_requires | default([]) %}
Requires={{ req }}
{% endfor %}

[Service]
Type={{ service_type | default('simple') }}
User={{ service_user }}
{% for name, value in service_env.items() %}
Environment="{{ name }}={{ value }}"
{% endfor %}
ExecStart={{ service_exec }}{% for arg in service_args %} {{ arg | quote if arg is string and ' ' in arg else arg }}{% endfor %}

Restart={{ 'always' if service_restart else 'no' }}
{% if service_limit_nofile is defined %}
LimitNOFILE={{ service_limit_nofile }}
{% endif %}

[Install]
WantedBy={{ service_wanted_by | default('multi-user.target') }}
"""

SYSTEMD_VARS = {
    "service_description": "My App",
    "service_after": ["network.target", "postgresql.service"],
    "service_user": "app",
    "service_env": {"PYTHONUNBUFFERED": 1, "APP_ENV": "production", "PATH": "/opt/app/bin"},
    "service_exec": "/opt/app/bin/gunicorn",
    "service_args": ["--workers", 4, "--bind", "0.0.0.0:8000"],
    "service_restart": True,
}

YAML_COMPOSE = """version: "3.8"
services:
{% for name, svc in services | dictsort %}
  {{ name }}:
    image: "{{ svc.image }}:{{ svc.tag | default('latest') }}"
{% if svc.ports | default([]) | length > 0 %}
    ports:
{% for p in svc.ports %}
      - "{{ p }}"
{% endfor %}
{% endif %}
{% if svc.environment is defined %}
    environment:
      {{ svc.environment | to_yaml_like | indent(6) if false else '' }}
{%- for k, v in svc.environment | dictsort %}
      {{ k }}: {{ v | tojson }}
{% endfor %}
{% endif %}
    restart: {{ svc.restart | default('unless-stopped') }}
{% endfor %}
"""

COMPOSE_VARS = {
    "services": {
        "web": {"image": "nginx", "tag": "1.25", "ports": ["80:80", "443:443"]},
        "db": {
            "image": "postgres",
            "environment": {"POSTGRES_PASSWORD": 's3cr"et', "POSTGRES_DB": "app", "PGDATA": None},
        },
        "cache": {"image": "redis", "restart": "always", "ports": []},
    }
}

HOSTS = """# /etc/hosts managed by salt
127.0.0.1   localhost
{% for host in groups['all'] | sort %}
{{ hostvars[host]['ansible_host'] | default('0.0.0.0') | string | ljust_fake if false else hostvars[host]['ansible_host'] | default('0.0.0.0') }}\t{{ host }}{% if hostvars[host].aliases is defined %} {{ hostvars[host].aliases | join(' ') }}{% endif %}

{% endfor %}
"""

HOSTS_VARS = {
    "groups": {"all": ["web2", "db1", "web1"]},
    "hostvars": {
        "web1": {"ansible_host": "10.0.0.11", "aliases": ["www", "w1"]},
        "web2": {"ansible_host": "10.0.0.12"},
        "db1": {},
    },
}

SALT_STATE = """{%- set pkgs = salt_pillar.get('packages', {}) %}
{%- for name, spec in pkgs | dictsort %}
{{ name }}-pkg:
  pkg.installed:
    - name: {{ spec.name | default(name) }}
    {%- if spec.version is defined %}
    - version: {{ spec.version }}
    {%- endif %}
    {%- if spec.require %}
    - require:
      {%- for r in spec.require %}
      - pkg: {{ r }}-pkg
      {%- endfor %}
    {%- endif %}
{% endfor %}
{%- set ns = namespace(count=0) %}
{%- for user in salt_pillar.users if user.present | default(true) %}
{%- set ns.count = ns.count + 1 %}
user-{{ user.name }}:
  user.present:
    - shell: {{ user.shell | default('/bin/bash') }}
    - groups: {{ user.groups | default([]) | tojson }}
{%- endfor %}
# {{ ns.count }} users managed
"""

SALT_PILLAR = {
    "salt_pillar": {
        "packages": {
            "nginx": {"version": "1.24.0", "require": ["openssl"]},
            "openssl": {"require": []},
            "py": {"name": "python3", "require": None},
        },
        "users": [
            {"name": "deploy", "groups": ["sudo", "www-data"]},
            {"name": "old", "present": False},
            {"name": "ci", "shell": "/bin/sh"},
        ],
    }
}

INI = """[DEFAULT]
{% for k, v in defaults.items() %}
{{ k }} = {{ v | lower if v is boolean else v }}
{% endfor %}
{% for section in sections %}

[{{ section.name }}]
{% for k, v in section.options | dictsort(reverse=true) %}
{{ "%-12s"|format(k) }} = {{ v }}
{% endfor %}
{% endfor %}
"""

INI_VARS = {
    "defaults": {"debug": False, "workers": 4, "name": "svc"},
    "sections": [
        {"name": "db", "options": {"host": "localhost", "port": 5432, "ssl": True}},
        {"name": "cache", "options": {}},
    ],
}

SUDOERS = """{% for rule in sudoers_rules -%}
{{ rule.who }} {{ rule.hosts | default('ALL') }}=({{ rule.runas | default('ALL') }}) {{ 'NOPASSWD: ' if rule.nopasswd | default(false) }}{{ rule.commands | join(', ') }}
{% endfor -%}
"""

HAPROXY = """global
    maxconn {{ haproxy_maxconn }}
{% for backend in haproxy_backends %}
backend {{ backend.name }}
    balance {{ backend.balance | default('roundrobin') }}
{% for srv in backend.servers %}
    server {{ srv.name }} {{ srv.address }}:{{ srv.port }} check{{ ' backup' if srv.backup }}{{ ' weight %d' % srv.weight if srv.weight is defined }}
{% endfor %}
{% endfor %}
"""

PROMETHEUS = """global:
  scrape_interval: {{ scrape_interval }}
scrape_configs:
{% for job in jobs %}
  - job_name: '{{ job.name }}'
    static_configs:
      - targets: {{ job.targets | map('regex_fake') | list if false else job.targets | map('string') | map('trim') | list | tojson }}
{% if job.labels %}
        labels:
{% for k, v in job.labels.items() | sort %}
          {{ k }}: "{{ v }}"
{% endfor %}
{% endif %}
{% endfor %}
"""

CASES = [
    Case("nginx-conf", NGINX, (NGINX_VARS,), options=TRIM),
    Case(
        "nginx-conf-ansible",
        NGINX,
        (
            NGINX_VARS,
            {**NGINX_VARS, "ansible_managed": "X", "nginx_multi_accept": False, "nginx_vhosts": []},
        ),
        options=ANSIBLE,
    ),
    Case("nginx-conf-plain", NGINX, (NGINX_VARS,)),
    Case(
        "systemd-unit",
        SYSTEMD,
        (
            SYSTEMD_VARS,
            {
                **SYSTEMD_VARS,
                "service_after": [],
                "service_requires": ["a.service"],
                "service_limit_nofile": 65536,
                "service_restart": False,
            },
        ),
        options=ANSIBLE,
    ),
    Case("systemd-unit-lstrip", SYSTEMD, (SYSTEMD_VARS,), options=TRIM),
    Case("docker-compose-yaml", YAML_COMPOSE, (COMPOSE_VARS,), options=TRIM),
    Case("docker-compose-yaml-notrim", YAML_COMPOSE, (COMPOSE_VARS,)),
    Case("etc-hosts", HOSTS, (HOSTS_VARS,), options=TRIM),
    Case("salt-state", SALT_STATE, (SALT_PILLAR,)),
    Case("salt-state-trim", SALT_STATE, (SALT_PILLAR,), options=TRIM),
    Case("ini-file", INI, (INI_VARS,), options=TRIM),
    Case(
        "ini-file-keep-newline", INI, (INI_VARS,), options={**TRIM, "keep_trailing_newline": True}
    ),
    Case(
        "sudoers",
        SUDOERS,
        (
            {
                "sudoers_rules": [
                    {"who": "%admin", "commands": ["ALL"]},
                    {
                        "who": "deploy",
                        "hosts": "web*",
                        "runas": "www-data",
                        "nopasswd": True,
                        "commands": ["/usr/bin/systemctl restart app", "/usr/bin/journalctl"],
                    },
                ]
            },
        ),
        options={"keep_trailing_newline": True},
    ),
    Case(
        "haproxy",
        HAPROXY,
        (
            {
                "haproxy_maxconn": 4000,
                "haproxy_backends": [
                    {
                        "name": "web",
                        "servers": [
                            {"name": "w1", "address": "10.0.0.1", "port": 80, "weight": 10},
                            {"name": "w2", "address": "10.0.0.2", "port": 80, "backup": True},
                        ],
                    },
                    {"name": "api", "balance": "leastconn", "servers": []},
                ],
            },
        ),
        options=TRIM,
    ),
    Case(
        "prometheus-yaml",
        PROMETHEUS,
        (
            {
                "scrape_interval": "15s",
                "jobs": [
                    {
                        "name": "node",
                        "targets": [" host1:9100", "host2:9100 "],
                        "labels": {"env": "prod", "dc": "eu"},
                    },
                    {"name": "self", "targets": [9090], "labels": {}},
                ],
            },
        ),
        options=TRIM,
    ),
    Case(
        "crlf-newline-sequence",
        "{% for l in lines %}\n{{ l }}\n{% endfor %}\nend\n",
        ({"lines": ["a", "b"]},),
        options={"newline_sequence": "\r\n", "trim_blocks": True, "keep_trailing_newline": True},
    ),
    Case(
        "crlf-source-lines",
        "line1\r\n{% if x %}\r\n  x\r\n{% endif %}\r\nend\r\n",
        ({"x": 1},),
        options={"trim_blocks": True, "lstrip_blocks": True},
    ),
]
