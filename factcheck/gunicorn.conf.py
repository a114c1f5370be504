"""gunicorn's settings for ``make serve`` (``gunicorn -c factcheck/gunicorn.conf.py``).

Read from the environment, with these defaults:

- ``GUNICORN_BIND``: where to listen, comma-separated (``127.0.0.1:8000``; a proxy on another
  machine needs e.g. ``0.0.0.0:8000`` and ``DJANGO_PROXY_COUNT=1``).
- ``GUNICORN_WORKERS``: worker processes (2 x CPUs + 1: one waits on the database while another computes).
- ``GUNICORN_TIMEOUT``: seconds a worker may stay busy with one request before it is killed and
  replaced (120). Sync workers do not report while they stream, so a download must end within it:
  an export of 1,000,000 claims takes about 6 s as CSV and 20 s as JSON Lines (docs/PERFORMANCE.md),
  when the proxy buffers the response so that a slow client does not hold the worker.
- ``GUNICORN_GRACEFUL_TIMEOUT``: seconds a stopping worker may finish its request (the timeout).

Anything else: ``GUNICORN_CMD_ARGS`` (gunicorn's own, e.g. ``"--max-requests 500"``). gunicorn
itself reads ``FORWARDED_ALLOW_IPS``, the proxies it trusts for ``X-Forwarded-Proto`` (default
127.0.0.1); the app decides with ``DJANGO_PROXY_COUNT`` (see factcheck/settings.py).
"""

import os

# The CPUs this process may use (a container's share, where the machine has more).
CPUS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

wsgi_app = "factcheck.wsgi:application"
bind = [address.strip() for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")]
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * CPUS + 1)))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", str(timeout)))

# Load the application once, before forking: a configuration error (no DJANGO_SECRET_KEY in
# production mode, a bad DATABASE_URL) stops the server at once with its one-line message,
# instead of every worker failing in turn. A code upgrade is then a restart, not a HUP.
preload_app = True

# Recycle each worker after a while, so that a slow leak cannot grow for ever.
max_requests = 2000
max_requests_jitter = 200

# Access log on stdout, error log on stderr, for the service manager to keep; %(M)s: milliseconds.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

# No control socket: nothing to manage the server from outside but its signals.
control_socket_disable = True
