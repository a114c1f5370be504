"""Load the REST API with wrk over 100,000 claims on PostgreSQL, served by gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_api_bench \\
        .venv/bin/python bench/api_bench.py --claims 100000

Loads realistic synthetic articles with the same code path as ``load_seeds`` (into a throwaway
database whose name contains "bench", dropped and created again unless ``--reuse``), puts some
claims through the workflow, gives the bench reviewer an API token, then serves the project's WSGI
application with gunicorn on a free port of 127.0.0.1 (``DJANGO_DEBUG=0``, throttling raised out of
the way) and loads each endpoint with wrk for a fixed time, after a short warm-up:

- the claim list, first page;
- a deep page of it, reached by following ``next`` links (``--depth`` pages, 200 by default);
- a claim's detail;
- a workflow action: POST a comment (it needs no version), spread over the first claims.

It prints, for each, requests/s, the 50th and 99th percentile latency, and the CPU time one
request cost gunicorn's workers, PostgreSQL and wrk, read from /proc. The machines are shared: the
CPU busy elsewhere during the run is printed too, since it lowers requests/s (the CPU cost per
request much less). Then it says which goals of docs/PERFORMANCE.md are met. gunicorn is stopped at
the end, whatever happens.

wrk is Debian's package: the script installs it when missing and running as root, and otherwise
says so and stops. ``--profile`` samples the workers with py-spy (``pip install py-spy``) during
each run, keeps the stacks in bench/out/ and prints where the CPU went.
"""

import argparse
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")


from admin_bench import set_up  # noqa: E402

COMMENT_SCRIPT = """
local ids = {%(ids)s}
local n = 0
wrk.method = "POST"
wrk.headers["Authorization"] = "Token %(token)s"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"comment": "Checked against the wire report."}'

request = function()
  n = n + 1
  return wrk.format(nil, "/api/claims/" .. ids[(n %% #ids) + 1] .. "/comment/")
end
"""


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() != 0:
        sys.exit("wrk is not installed: install Debian's package (sudo apt-get install wrk) and run again.")
    print("installing wrk (apt-get install wrk)...")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env, check=True)
    return shutil.which("wrk") or sys.exit("wrk could not be installed.")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_json(url: str, token: str):
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def start_gunicorn(port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-key-for-benchmarks-never-for-serving-0123456789",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_API_USER_RATE": "1000000/second",  # a one-second window keeps the history short
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on the loopback: no proxy terminating TLS here
    }
    command = [
        sys.executable, "-m", "gunicorn", "factcheck.wsgi", "--workers", str(workers),
        "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
    ]  # fmt: skip
    if threads:  # gthread workers keep connections alive between requests; sync workers close them
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_until_serving(server: subprocess.Popen, base: str, token: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with status {server.returncode}")
        try:
            get_json(f"{base}/api/claims/?page_size=1", token)
            return
        except OSError:
            if time.monotonic() > deadline:
                sys.exit("gunicorn did not answer within 60 s")
            time.sleep(0.3)


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # gunicorn's graceful stop; it stops its workers
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def to_ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    assert match, f"wrk printed an unexpected duration {value!r}"
    number, unit = match.groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def run_wrk(wrk: str, url: str, *, token: str, seconds: int, threads: int, connections: int, script=None) -> dict:
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    command += ["-s", script] if script else ["-H", f"Authorization: Token {token}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    rps, requests = re.search(r"Requests/sec:\s+([\d.]+)", output), re.search(r"(\d+) requests in", output)
    assert rps and requests, f"wrk printed no rate:\n{output}"
    return {
        "rps": float(rps.group(1)),
        "requests": int(requests.group(1)),
        "p50": to_ms(latency["50"]),
        "p99": to_ms(latency["99"]),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def worker_pids(server: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:  # the process has gone
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def cpu_snapshot(server: subprocess.Popen) -> dict:
    """Return CPU seconds used so far: gunicorn's workers, PostgreSQL's processes, the machine."""
    postgres = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _comm(p) == "postgres"]
    busy = [int(n) for n in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk, once it has been waited for
    return {
        "app": sum(cpu_seconds(pid) for pid in worker_pids(server)),
        "db": sum(cpu_seconds(int(p.name)) for p in postgres),
        "load": children.ru_utime + children.ru_stime,
        "machine": (sum(busy) - busy[3] - busy[4]) / TICK,  # all but idle and iowait
    }


def _comm(proc: Path) -> str:
    try:
        return (proc / "comm").read_text().strip()
    except OSError:
        return ""


def profile_during(server: subprocess.Popen, label: str, seconds: int) -> list[subprocess.Popen]:
    """Start py-spy on each gunicorn worker for the run; return the samplers to wait for.

    Only samples holding the GIL are kept (``--gil``): Python's own work, not the waits on
    PostgreSQL. The stacks are written to bench/out/ as collapsed stacks (flamegraph.pl, speedscope).
    """
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(py_spy).exists():
        sys.exit("py-spy is not installed: pip install py-spy")
    PROFILES.mkdir(parents=True, exist_ok=True)
    for old in PROFILES.glob(profile_path(label, "*").name):
        old.unlink()
    options = ["--duration", str(seconds), "--rate", "250", "--gil", "--nonblocking", "--format", "raw"]
    return [
        subprocess.Popen(
            [py_spy, "record", "--pid", str(pid), *options, "--output", str(profile_path(label, pid))],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for pid in worker_pids(server)
    ]


PROFILES = ROOT / "bench" / "out"


def profile_path(label: str, pid: int | str) -> Path:
    return PROFILES / f"api-{re.sub(r'[^a-z0-9]+', '-', label.lower()).strip('-')}-{pid}.txt"


# Where a sample's time went, found from the root down (the request's phase) and from the leaf up
# (the kind of work); the first pattern that matches a frame names the share.
PHASES = [
    ("authentication (token)", r"perform_authentication"),
    ("permissions (role)", r"check_permissions"),
    ("throttling", r"check_throttles"),
    ("workflow (the write)", r"annotations/workflow\.py"),
    ("filters and ordering", r"filter_queryset"),
    ("finding the rows", r"paginate_queryset|get_object|QuerySet\.get"),
    ("serializers", r"Serializer\.data|to_representation"),
    ("JSON rendering", r"render"),
    ("view (other)", r"APIView\.dispatch"),
]
KINDS = [
    ("psycopg", r"psycopg/"),
    ("ORM building SQL", r"django/db/(models/sql/|models/expressions|models/lookups|backends/)"),
    ("ORM making objects", r"django/db/models/"),
    ("JSON", r"/json/"),
    ("DRF", r"rest_framework/"),
    ("django-filter and forms", r"django_filters/|django/forms/"),
    ("Django request handling", r"django/"),
    ("gunicorn", r"gunicorn/"),
]


def print_profile(label: str) -> None:
    """Print where the workers' CPU went during the run: by phase of the request, by kind of work."""
    phases: dict[str, int] = {}
    kinds: dict[str, int] = {}
    total = 0
    for path in PROFILES.glob(profile_path(label, "*").name):
        for line in path.read_text().splitlines():
            stack, _, samples = line.rpartition(" ")
            frames, count = stack.split(";"), int(samples)
            total += count
            phase = next((name for name, pattern in PHASES if any(re.search(pattern, f) for f in frames)), "")
            kind = next((name for f in reversed(frames) for name, pattern in KINDS if re.search(pattern, f)), "")
            phases[phase or "gunicorn, WSGI, middleware"] = phases.get(phase or "gunicorn, WSGI, middleware", 0) + count
            kinds[kind or "other Python"] = kinds.get(kind or "other Python", 0) + count

    def shares(counts):
        return ", ".join(
            f"{name} {n * 100 / max(total, 1):.0f}%" for name, n in sorted(counts.items(), key=lambda i: -i[1])
        )

    print(f"  {label} ({total:,} samples holding the GIL)")
    print(f"    by phase: {shares(phases)}")
    print(f"    by kind:  {shares(kinds)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workflow", type=int, default=1_000, help="claims put through the workflow")
    parser.add_argument("--reuse", action="store_true", help="keep the database already loaded")
    parser.add_argument("--depth", type=int, default=200, help="pages followed for the deep page")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unmeasured load first")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument(
        "--worker-threads", type=int, default=0, help="gunicorn gthread workers with this many threads (0: sync)"
    )
    parser.add_argument("--profile", action="store_true", help="sample the workers with py-spy")
    args = parser.parse_args()

    wrk = ensure_wrk()
    users = set_up(args)
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from annotations.models import Claim

    token = Token.objects.get_or_create(user=users["reviewer"])[0].key
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = Claim.objects.count()
    ids = list(Claim.objects.order_by("id").values_list("id", flat=True)[:500])
    middle = Claim.objects.order_by("id").values_list("id", flat=True)[total // 2]
    server_version = connection.cursor().connection.info.server_version
    connection.close()  # the server's workers open their own

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    folder = tempfile.TemporaryDirectory(prefix="factcheck-api-bench-")
    script = Path(folder.name) / "comment.lua"
    script.write_text(COMMENT_SCRIPT % {"ids": ", ".join(map(str, ids)), "token": token})
    server = start_gunicorn(port, args.workers, args.worker_threads)
    try:
        wait_until_serving(server, base, token)
        url, started = f"{base}/api/claims/", time.perf_counter()
        for _ in range(args.depth):
            url = get_json(url, token)["next"]
        deep_ms = (time.perf_counter() - started) * 1000 / args.depth
        endpoints = [
            ("claim list, page 1", f"{base}/api/claims/", None),
            (f"claim list, page {args.depth + 1} (cursor)", url, None),
            ("claim detail", f"{base}/api/claims/{middle}/", None),
            (f"POST comment ({len(ids)} claims in turn)", f"{base}/", str(script)),
        ]
        workers = f"gthread workers of {args.worker_threads} threads" if args.worker_threads else "sync workers"
        print(
            f"\nPostgreSQL {server_version // 10000}.{server_version % 10000}, {total:,} claims; "
            f"gunicorn {args.workers} {workers}; wrk {args.threads} threads, {args.connections} "
            f"connections, {args.duration} s per endpoint after {args.warmup} s of warm-up; "
            f"{os.cpu_count()} cpus shared by all"
        )
        print(f"following {args.depth} next links took {deep_ms:.1f} ms a page (one client)")
        print(f"{'':40} {'':>7} {'':>7} {'':>7}  {'CPU ms per request':-^24} {'busy':>7}")
        print(f"{'endpoint':40} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'gunicorn':>8} {'pg':>7} {'wrk':>7} "
              f"{'cores':>7} {'non-2xx':>7}")  # fmt: skip
        results = {}
        for label, target, lua in endpoints:
            options = {"token": token, "threads": args.threads, "connections": args.connections, "script": lua}
            if args.warmup:
                run_wrk(wrk, target, seconds=args.warmup, **options)
            samplers = profile_during(server, label, args.duration) if args.profile else []
            before = cpu_snapshot(server)
            result = results[label] = run_wrk(wrk, target, seconds=args.duration, **options)
            after = cpu_snapshot(server)
            for sampler in samplers:
                sampler.wait()
            used = {key: after[key] - before[key] for key in before}
            per_request = result["cpu_ms"] = {
                key: used[key] * 1000 / result["requests"] for key in ("app", "db", "load")
            }
            # Busy elsewhere: the machine's busy time less ours, in cores.
            others = result["others"] = (used["machine"] - used["app"] - used["db"] - used["load"]) / args.duration
            print(f"{label:40} {result['rps']:7.0f} {result['p50']:7.1f} {result['p99']:7.1f} "
                  f"{per_request['app']:8.2f} {per_request['db']:7.2f} {per_request['load']:7.2f} "
                  f"{max(others, 0):7.2f} {result['non_2xx']:7d}"
                  + (f"  socket errors: {result['socket_errors']}" if result["socket_errors"] else ""))  # fmt: skip
    finally:
        stop(server)
        folder.cleanup()
    if args.profile:
        print("\n(the figures above are lowered by py-spy's own share of the CPU)")
        for label, _, _ in endpoints:
            print_profile(label)

    print()
    first, deep, detail = (results[label] for label, _, _ in endpoints[:3])
    server_ms = {label: r["cpu_ms"]["app"] + r["cpu_ms"]["db"] for label, r in results.items()}
    deep_ratio = server_ms[endpoints[1][0]] / server_ms[endpoints[0][0]]
    checks = [
        ("list page 1 >= 250 req/s", first["rps"] >= 250),
        ("list page 1 p99 < 150 ms", first["p99"] < 150),
        (f"deep page no slower than page 1 (server CPU per request x{deep_ratio:.2f}, "
         f"req/s x{deep['rps'] / first['rps']:.2f})", deep_ratio <= 1.1),
        ("detail >= 400 req/s", detail["rps"] >= 400),
        ("no error responses", all(r["non_2xx"] == 0 for r in results.values())),
    ]  # fmt: skip
    for goal, met in checks:
        print(f"{'met   ' if met else 'MISSED'} {goal}")
    busy = max(r["others"] for r in results.values())
    if busy > 0.2:
        print(
            f"\nother processes kept up to {busy:.2f} cores busy during a run ('busy' column): "
            "requests/s are low by about that share; compare the CPU per request instead"
        )


if __name__ == "__main__":
    main()
