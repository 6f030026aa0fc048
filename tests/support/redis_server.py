"""A Redis server of the test's own, on a free port: for tests that restart it, fill it, or bound its memory.

The machine's shared Redis (REDIS_URL) is never restarted or reconfigured by a test; a test that needs to
do that to Redis starts one of these instead.

    with RedisServer("--maxmemory", "8mb", "--maxmemory-policy", "allkeys-lru") as redis_server:
        redis_server.url(db=1)   # redis://127.0.0.1:<port>/1
        redis_server.restart()   # down and up again on the same port, data dropped
"""

import shutil
import subprocess
import time

import redis

from tests.support.children import die_with_parent
from tests.support.processes import free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


class RedisServer:
    def __init__(self, *options):
        self.options = list(options)
        self.port = free_port()
        self.popen = None

    def url(self, db=0):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self, timeout=10):
        argv = [
            REDIS_SERVER,
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        self.popen = subprocess.Popen(
            [*argv, *self.options],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=die_with_parent,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url(), socket_connect_timeout=0.5).ping()
                return self
            except redis.ConnectionError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not answer on port {self.port} within {timeout} s")

    def stop(self, timeout=10):
        if self.popen is not None and self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()

    def restart(self, *, down_for=0.0):
        """Stop the server, stay down `down_for` seconds, and start it again on the same port."""
        self.stop()
        time.sleep(down_for)
        return self.start()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
