"""More config-management templates: databases, schedulers, DNS, firewalls, manifests."""

from __future__ import annotations

from tests.compiler.realworld.case import Case

TRIM = {"trim_blocks": True, "lstrip_blocks": True}
ANSIBLE = {"trim_blocks": True, "keep_trailing_newline": True}

PG_HBA = """# {{ ansible_managed | d('managed') }}
# TYPE  DATABASE        USER            ADDRESS                 METHOD
{% for entry in postgresql_hba_entries %}
{% if entry.comment is defined %}
# {{ entry.comment }}
{% endif %}
{{ entry.type.ljust(7) }} {{ entry.database.ljust(15) }} {{ entry.user.ljust(15) }} {{ (entry.address | default('')).ljust(23) }} {{ entry.auth_method }}{{ ' ' ~ entry.auth_options if entry.auth_options is defined else '' }}
{% endfor %}
"""

PG_HBA_VARS = {
    "postgresql_hba_entries": [
        {"type": "local", "database": "all", "user": "postgres", "auth_method": "peer"},
        {
            "type": "host",
            "database": "all",
            "user": "all",
            "address": "127.0.0.1/32",
            "auth_method": "scram-sha-256",
            "comment": "IPv4 local connections:",
        },
        {
            "type": "hostssl",
            "database": "replication",
            "user": "repl",
            "address": "10.0.0.0/8",
            "auth_method": "cert",
            "auth_options": "clientcert=verify-full",
        },
    ]
}

POSTGRESQL_CONF = """{% for key, value in postgresql_global_config_options | dictsort %}
{% if value is boolean %}
{{ key }} = {{ 'on' if value else 'off' }}
{% elif value is number %}
{{ key }} = {{ value }}
{% elif value is string and value | length > 0 %}
{{ key }} = '{{ value | replace("'", "''") }}'
{% elif value is sequence %}
{{ key }} = '{{ value | join(',') }}'
{% endif %}
{% endfor %}
"""

REDIS = """bind {{ redis_bind_interface | default('127.0.0.1') }}
port {{ redis_port }}
{% if redis_password %}
requirepass {{ redis_password }}
{% endif %}
maxmemory {{ redis_maxmemory }}
maxmemory-policy {{ redis_maxmemory_policy | default('noeviction') }}
{% for save in redis_save %}
save {{ save }}
{% endfor %}
{% for cmd, alias in redis_renamed_commands.items() %}
rename-command {{ cmd | upper }} "{{ alias }}"
{% endfor %}
"""

CRONTAB = """SHELL=/bin/bash
MAILTO={{ cron_mailto | default('""') }}
{% for job in cron_jobs | sort(attribute='name') %}
# {{ job.name }}
{{ job.minute | default('*') }} {{ job.hour | default('*') }} {{ job.day | default('*') }} {{ job.month | default('*') }} {{ job.weekday | default('*') }} {{ job.user | default('root') }} {{ job.job }}{% if job.log is defined %} >> {{ job.log }} 2>&1{% endif %}

{% endfor %}
"""

BIND_ZONE = """$TTL {{ zone.ttl | default(3600) }}
@   IN  SOA {{ zone.primary_ns }}. {{ zone.admin_email | replace('@', '.') }}. (
        {{ zone.serial }} ; serial
        {{ zone.refresh | default(7200) }} ; refresh
        {{ zone.retry | default(3600) }} ; retry
        {{ zone.expire | default(1209600) }} ; expire
        {{ zone.minimum | default(3600) }} ) ; minimum
{% for ns in zone.name_servers %}
    IN  NS  {{ ns }}.
{% endfor %}
{% for rec in zone.records | sort(attribute='name') %}
{{ "%-20s" | format(rec.name) }} {{ "%-6s" | format(rec.ttl | default('')) }} IN {{ "%-6s" | format(rec.type) }} {{ rec.value }}{{ '.' if rec.type in ['CNAME', 'MX', 'NS'] and not rec.value.endswith('.') else '' }}
{% endfor %}
"""

ZONE_VARS = {
    "zone": {
        "primary_ns": "ns1.example.com",
        "admin_email": "hostmaster@example.com",
        "serial": 2024060101,
        "name_servers": ["ns1.example.com", "ns2.example.net"],
        "records": [
            {"name": "www", "type": "CNAME", "value": "web1"},
            {"name": "@", "type": "A", "value": "93.184.216.34", "ttl": 300},
            {"name": "mail", "type": "MX", "value": "10 mx.example.com."},
            {"name": "_dmarc", "type": "TXT", "value": '"v=DMARC1; p=none"'},
        ],
    }
}

IPTABLES = """*filter
:INPUT {{ iptables_default_policy | default('DROP') }} [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT
{% for rule in iptables_rules %}
{% set sources = rule.source if rule.source is not string and rule.source is iterable else [rule.source | default('0.0.0.0/0')] %}
{% for src in sources %}
-A INPUT -p {{ rule.proto | default('tcp') }} -s {{ src }} --dport {{ rule.port }} -j ACCEPT{% if rule.comment %} -m comment --comment "{{ rule.comment | truncate(30, true, '') }}"{% endif %}

{% endfor %}
{% endfor %}
COMMIT
"""

K8S_DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ app.name }}
  labels:
    {% for k, v in app.labels | dictsort -%}
    {{ k }}: {{ v | string | tojson }}
    {% endfor %}
spec:
  replicas: {{ app.replicas | default(1) | int }}
  template:
    spec:
      containers:
      {%- for c in app.containers %}
        - name: {{ c.name }}
          image: {{ c.image }}:{{ c.tag | default(app.version) }}
          {%- if c.env %}
          env:
          {%- for name, value in c.env.items() %}
            - name: {{ name }}
              value: {{ value | tojson }}
          {%- endfor %}
          {%- endif %}
          {%- if c.ports | default([]) %}
          ports:
          {%- for p in c.ports %}
            - containerPort: {{ p }}
          {%- endfor %}
          {%- endif %}
          resources: {{ c.resources | default({}) | tojson }}
      {%- endfor %}
"""

K8S_VARS = {
    "app": {
        "name": "web",
        "version": "1.4.2",
        "replicas": "3",
        "labels": {"app": "web", "tier": "frontend", "release": 7},
        "containers": [
            {"name": "nginx", "image": "nginx", "tag": "1.25", "ports": [80, 443], "env": {}},
            {
                "name": "app",
                "image": "registry/app",
                "env": {"DEBUG": False, "WORKERS": 4, "NAME": 'x"y'},
                "resources": {"limits": {"cpu": "500m"}},
            },
        ],
    }
}

DOCKERFILE = """FROM {{ base_image }}:{{ base_tag | default('latest') }}
{% if labels %}
LABEL {% for k, v in labels | dictsort %}{{ k }}="{{ v }}"{{ ' \\\\\\n      ' if not loop.last }}{% endfor %}

{% endif %}
RUN apt-get update && apt-get install -y --no-install-recommends \\
{% for pkg in packages | unique | sort %}
      {{ pkg }}{{ ' \\\\' if not loop.last else ' \\\\' }}
{% endfor %}
    && rm -rf /var/lib/apt/lists/*
{% for src, dst in copies %}
COPY {{ src }} {{ dst }}
{% endfor %}
ENV {{ env | dictsort | map('join', '=') | join(' ') }}
CMD {{ cmd | tojson }}
"""

SUPERVISOR = """{% for prog in programs %}
[program:{{ prog.name }}]
command={{ prog.command }}
{% if prog.numprocs | default(1) > 1 %}
process_name=%(program_name)s_%(process_num)02d
numprocs={{ prog.numprocs }}
{% endif %}
autostart={{ prog.autostart | default(true) | string | lower }}
environment={{ prog.env | default({}) | dictsort | map('join', '="') | map('format') | join('",') }}{{ '"' if prog.env }}

{% endfor %}
"""

APACHE = """<VirtualHost *:{{ vhost.port | default(80) }}>
    ServerName {{ vhost.server_name }}
{% for alias in vhost.aliases | default([]) %}
    ServerAlias {{ alias }}
{% endfor %}
    DocumentRoot {{ vhost.docroot }}
    <Directory "{{ vhost.docroot }}">
        AllowOverride {{ vhost.allow_override | default('None') }}
        Options {{ vhost.options | default(['-Indexes', '+FollowSymLinks']) | join(' ') }}
        Require all granted
    </Directory>
{% if vhost.ssl | default(false) %}
    SSLEngine on
    SSLCertificateFile {{ vhost.ssl.cert }}
    SSLCertificateKeyFile {{ vhost.ssl.key }}
{% endif %}
{% filter indent(4, true) %}
{{ vhost.extra | default('') }}
{% endfilter %}
</VirtualHost>
"""

SSH_CONFIG = """{% for host in ssh_hosts %}
Host {{ host.alias }}{% for a in host.extra_aliases | default([]) %} {{ a }}{% endfor %}

    HostName {{ host.hostname }}
    User {{ host.user | default(ssh_default_user) }}
{% if host.port is defined and host.port != 22 %}
    Port {{ host.port }}
{% endif %}
{% if host.jump is defined %}
    ProxyJump {{ host.jump }}
{% endif %}
    IdentityFile ~/.ssh/{{ host.key | default('id_ed25519') }}

{% endfor %}
"""

NETPLAN = """network:
  version: 2
  ethernets:
{% for iface in interfaces %}
    {{ iface.name }}:
      dhcp4: {{ iface.dhcp | default(false) | lower }}
{% if not iface.dhcp | default(false) %}
      addresses: [{{ iface.addresses | join(', ') }}]
      gateway4: {{ iface.gateway }}
      nameservers:
        addresses: {{ iface.dns | default(['1.1.1.1', '8.8.8.8']) }}
{% endif %}
{% endfor %}
"""

LOGROTATE = """{% for item in logrotate_scripts %}
{{ item.paths | join("\\n") }} {
{% for option in item.options | default(['daily', 'rotate 7', 'compress']) %}
  {{ option }}
{% endfor %}
{% if item.scripts is defined %}
{% for name, script in item.scripts.items() %}
  {{ name }}
    {{ script }}
  endscript
{% endfor %}
{% endif %}
}
{% endfor %}
"""

ALERTS = """groups:
- name: {{ group_name }}
  rules:
{% for alert in alerts %}
  - alert: {{ alert.name | replace(' ', '') }}
    expr: {{ alert.expr }}
    for: {{ alert.for | default('5m') }}
    labels:
      severity: {{ alert.severity | default('warning') }}
    annotations:
      summary: "{{ alert.summary }}"
      description: "{{ '{{' }} $labels.instance {{ '}}' }} {{ alert.description | default(alert.summary) | wordwrap(60) | indent(8) }}"
{% endfor %}
"""

TFVARS = """{% for key, value in tfvars | dictsort %}
{% if value is mapping %}
{{ key }} = {
{% for k, v in value | dictsort %}
  {{ k }} = {{ v | tojson }}
{% endfor %}
}
{% elif value is iterable and value is not string %}
{{ key }} = {{ value | list | tojson }}
{% else %}
{{ key }} = {{ value | tojson }}
{% endif %}
{% endfor %}
"""

ENV_FILE = """{% for key, value in env_vars | dictsort %}
{% if value is none %}
# {{ key }} is not set
{% elif value is string and (' ' in value or '#' in value or value == '') %}
{{ key }}="{{ value | replace('"', '\\\\"') }}"
{% else %}
{{ key }}={{ value }}
{% endif %}
{% endfor %}
"""

CASES = [
    Case("pg-hba", PG_HBA, (PG_HBA_VARS,), options=ANSIBLE),
    Case(
        "postgresql-conf",
        POSTGRESQL_CONF,
        (
            {
                "postgresql_global_config_options": {
                    "listen_addresses": "*",
                    "max_connections": 200,
                    "ssl": True,
                    "fsync": False,
                    "shared_preload_libraries": ["pg_stat_statements", "auto_explain"],
                    "log_line_prefix": "%m [%p] %q%u@%d ",
                    "search_path": '"$user", public',
                    "empty": "",
                    "work_mem_factor": 1.5,
                    "application_name": "it's",
                }
            },
        ),
        options=TRIM,
    ),
    Case(
        "redis-conf",
        REDIS,
        (
            {
                "redis_port": 6379,
                "redis_password": "",
                "redis_maxmemory": "256mb",
                "redis_save": ["900 1", "300 10"],
                "redis_renamed_commands": {"flushall": "", "config": "cfg-x"},
            },
            {
                "redis_port": 6380,
                "redis_password": "s3cret",
                "redis_maxmemory": 0,
                "redis_bind_interface": "0.0.0.0",
                "redis_save": [],
                "redis_renamed_commands": {},
            },
        ),
        options=ANSIBLE,
    ),
    Case(
        "crontab",
        CRONTAB,
        (
            {
                "cron_jobs": [
                    {
                        "name": "backup",
                        "minute": 0,
                        "hour": 3,
                        "job": "/usr/local/bin/backup.sh",
                        "log": "/var/log/backup.log",
                    },
                    {
                        "name": "certbot",
                        "minute": "*/15",
                        "user": "certbot",
                        "job": "certbot renew -q",
                    },
                ]
            },
        ),
        options=TRIM,
    ),
    Case("bind-zone", BIND_ZONE, (ZONE_VARS,), options=TRIM),
    Case(
        "iptables",
        IPTABLES,
        (
            {
                "iptables_rules": [
                    {
                        "port": 22,
                        "source": ["10.0.0.0/8", "192.168.0.0/16"],
                        "comment": "ssh from internal networks only",
                    },
                    {"port": 443, "comment": ""},
                    {"port": 53, "proto": "udp", "source": "10.0.0.2"},
                ]
            },
        ),
        options=TRIM,
    ),
    Case("k8s-deployment", K8S_DEPLOYMENT, (K8S_VARS,)),
    Case("k8s-deployment-trim", K8S_DEPLOYMENT, (K8S_VARS,), options=TRIM),
    Case(
        "dockerfile",
        DOCKERFILE,
        (
            {
                "base_image": "python",
                "base_tag": "3.11-slim",
                "labels": {"maintainer": "ops@example.org", "version": "1.0"},
                "packages": ["curl", "git", "curl", "build-essential"],
                "copies": [("requirements.txt", "/app/"), (".", "/app")],
                "env": {"PYTHONUNBUFFERED": "1", "PORT": 8000},
                "cmd": ["gunicorn", "app:app", "-b", "0.0.0.0:8000"],
            },
            {
                "base_image": "alpine",
                "labels": {},
                "packages": [],
                "copies": [],
                "env": {},
                "cmd": "sh",
            },
        ),
        options=TRIM,
    ),
    Case(
        "supervisor",
        SUPERVISOR,
        (
            {
                "programs": [
                    {
                        "name": "web",
                        "command": "gunicorn app",
                        "numprocs": 2,
                        "env": {"A": "1", "B": "x y"},
                    },
                    {"name": "worker", "command": "celery worker", "autostart": False},
                ]
            },
        ),
        options=TRIM,
    ),
    Case(
        "apache-vhost",
        APACHE,
        (
            {
                "vhost": {
                    "server_name": "example.org",
                    "aliases": ["www.example.org"],
                    "docroot": "/var/www/example",
                    "ssl": {"cert": "/c.pem", "key": "/k.pem"},
                    "port": 443,
                    "extra": "Header set X-Frame-Options DENY\nRedirect /old /new",
                }
            },
            {"vhost": {"server_name": "x", "docroot": "/srv", "options": []}},
        ),
        options=TRIM,
    ),
    Case(
        "ssh-config",
        SSH_CONFIG,
        (
            {
                "ssh_default_user": "deploy",
                "ssh_hosts": [
                    {"alias": "bastion", "hostname": "203.0.113.5", "port": 2222},
                    {
                        "alias": "db",
                        "extra_aliases": ["db1", "postgres"],
                        "hostname": "10.0.1.5",
                        "jump": "bastion",
                        "user": "admin",
                        "port": 22,
                        "key": "db_key",
                    },
                ],
            },
        ),
        options=TRIM,
    ),
    Case(
        "netplan",
        NETPLAN,
        (
            {
                "interfaces": [
                    {"name": "eth0", "addresses": ["10.0.0.5/24"], "gateway": "10.0.0.1"},
                    {"name": "eth1", "dhcp": True},
                ]
            },
        ),
        options=TRIM,
    ),
    Case(
        "logrotate",
        LOGROTATE,
        (
            {
                "logrotate_scripts": [
                    {
                        "paths": ["/var/log/app/*.log", "/var/log/app/*.err"],
                        "options": ["weekly", "missingok", "rotate 4"],
                        "scripts": {"postrotate": "systemctl reload app"},
                    },
                    {"paths": ["/var/log/nginx/*.log"]},
                ]
            },
        ),
        options=TRIM,
    ),
    Case(
        "prometheus-alerts",
        ALERTS,
        (
            {
                "group_name": "node",
                "alerts": [
                    {
                        "name": "Instance Down",
                        "expr": "up == 0",
                        "severity": "critical",
                        "summary": "Instance down",
                        "description": "The instance has been unreachable for more than five minutes and "
                        "needs attention from the on-call engineer right now",
                    },
                    {
                        "name": "DiskFull",
                        "expr": "node_filesystem_avail_bytes < 1e9",
                        "for": "10m",
                        "summary": "Disk almost full",
                    },
                ],
            },
        ),
        options=TRIM,
    ),
    Case(
        "terraform-tfvars",
        TFVARS,
        (
            {
                "tfvars": {
                    "region": "eu-west-1",
                    "instance_count": 3,
                    "enable_nat": False,
                    "azs": ("eu-west-1a", "eu-west-1b"),
                    "tags": {"Owner": "ops", "Cost": 12.5},
                    "cidrs": {"10.0.0.0/16"} if False else ["10.0.0.0/16"],
                    "nothing": None,
                }
            },
        ),
        options=TRIM,
    ),
    Case(
        "dotenv-file",
        ENV_FILE,
        (
            {
                "env_vars": {
                    "DATABASE_URL": "postgres://u:p@db/app",
                    "SECRET": "has space # and hash",
                    "EMPTY": "",
                    "QUOTED": 'say "hi"',
                    "UNSET": None,
                    "DEBUG": False,
                    "PORT": 8000,
                }
            },
        ),
        options=TRIM,
    ),
]

SALT_MAP = (
    "{% set defaults = {'pkg': 'nginx', 'service': 'nginx', 'conf': '/etc/nginx/nginx.conf',"
    " 'opts': {'workers': 2}} %}"
    "{% set os_map = {'Debian': {'pkg': 'nginx-full'}, 'RedHat': {'conf': '/etc/nginx/conf/nginx.conf'}} %}"
    "{% set nginx = defaults.copy() %}{% do nginx.update(os_map.get(grains.os_family, {})) %}"
    "{% do nginx.update(pillar.get('nginx', {})) %}"
)

SALT_SLS = """{% from 'map.jinja' import nginx with context %}
nginx:
  pkg.installed:
    - name: {{ nginx.pkg }}
  file.managed:
    - name: {{ nginx.conf }}
    - context: {{ nginx.opts | tojson }}
{% for k, v in nginx | dictsort %}
# {{ k }} = {{ v }}
{% endfor %}
"""

CASES += [
    Case(
        "salt-map-jinja",
        SALT_SLS,
        (
            {"grains": {"os_family": "Debian"}, "pillar": {"nginx": {"opts": {"workers": 8}}}},
            {"grains": {"os_family": "Arch"}, "pillar": {}},
        ),
        templates={"map.jinja": SALT_MAP},
        options={"extensions": ["do"], **TRIM},
    ),
]
