"""Serve the portal as production runs it (gunicorn, DEBUG off) and put it under load, for the benchmarks."""

import os
import random
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from http.client import HTTPConnection
from pathlib import Path

from django.conf import settings

from tests.support.processes import collect_static, current_database_url, free_port, production_environment

ROOT = Path(__file__).resolve().parent.parent.parent
HOST = "portal.example.org"
PROXY_HEADERS = {"Host": HOST, "X-Forwarded-Proto": "https"}


class Server:
    def __init__(self, port, popen):
        self.port = port
        self.popen = popen

    def workers(self):
        children = Path(f"/proc/{self.popen.pid}/task/{self.popen.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def cpu_seconds(self):
        """CPU (user and system) the workers have used so far."""
        total = 0
        for pid in self.workers():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        return total / os.sysconf("SC_CLK_TCK")


@contextmanager
def gunicorn(files):
    port = free_port()
    env = production_environment(
        database_url=current_database_url(),
        broker_url="memory://",
        cache_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        email_url="consolemail://",
        static_root=files / "static",
        media_root=settings.MEDIA_ROOT,
        site_url=f"https://{HOST}",
        log_level="WARNING",
        DJANGO_SETTINGS_MODULE="directory_baselines.settings",
        PYTHONPATH=f"{ROOT / 'benchmarks'}{os.pathsep}{ROOT}",
        BENCHMARK_FILES=str(files),
        CONN_MAX_AGE="600",
    )
    clear_cache(env["CACHE_URL"])
    collect_static(env)  # the manifest the templates' {% static %} needs with DEBUG off
    argv = [
        str(Path(sys.executable).parent / "gunicorn"),
        "pledge_portal.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
    ]
    argv += ["--workers", "2", "--worker-class", "sync"]
    log = open(files / "gunicorn.log", "wb")  # noqa: SIM115 - closed below, after the server stops
    popen = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(port, popen)
    server.cache_url = env["CACHE_URL"]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if request(port, "/health/live", {})[0] == 200 and len(server.workers()) == 2:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or popen.poll() is not None:
                sys.exit(f"gunicorn did not start:\n{(files / 'gunicorn.log').read_text()[-3000:]}")
            time.sleep(0.2)
        yield server
    finally:
        popen.terminate()
        popen.wait(30)
        log.close()


def clear_cache(url):
    import redis

    redis.Redis.from_url(url).flushdb()


def request(port, path, headers):
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={**PROXY_HEADERS, **headers})
        response = conn.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        conn.close()


def load(server, paths, headers, seconds, *, connections):
    """`connections` threads requesting paths(rng) for `seconds`: count, timings, and the workers' CPU."""
    stop = time.monotonic() + seconds
    timings, errors = [], []
    lock = threading.Lock()

    def run(seed):
        rng = random.Random(seed)
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                status, _ = request(server.port, paths(rng), headers)
                if status != 200:
                    errors.append(status)
            except OSError as error:
                errors.append(type(error).__name__)
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            timings.extend(mine)

    cpu_before, started = server.cpu_seconds(), time.perf_counter()
    threads = [threading.Thread(target=run, args=(seed,)) for seed in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed, cpu = time.perf_counter() - started, server.cpu_seconds() - cpu_before
    if errors:
        print(f"  {len(errors)} errors, e.g. {errors[:3]}", flush=True)
    return {"count": len(timings), "seconds": elapsed, "timings": timings, "cpu": cpu}
