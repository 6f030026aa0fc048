"""Before the tests: fail at once, in plain words, if PostgreSQL or Redis cannot be reached."""

import os
import sys
from urllib.parse import urlparse

import psycopg
import redis
from psycopg import sql

problems = []

database_url = os.environ.get("DATABASE_URL", "")
if not database_url.startswith(("postgres://", "postgresql://")):
    problems.append(f"DATABASE_URL must point at PostgreSQL for the tests (it is {database_url!r}).")
else:
    parts = urlparse(database_url)
    try:
        # Connect to the server's own database. pytest makes its own test database; the one
        # DATABASE_URL names is made here if missing, for makemigrations' consistency check.
        with psycopg.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username,
            password=parts.password,
            dbname="postgres",
            connect_timeout=3,
            autocommit=True,
        ) as server:
            name = parts.path.lstrip("/")
            if server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
                server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        problems.append(
            f"PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432} "
            f"({str(exc).strip()}). Start it, or set DATABASE_URL."
        )

redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
try:
    redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
except redis.RedisError as exc:
    problems.append(f"Redis is not reachable at {redis_url} ({exc}). Start it, or set REDIS_URL.")

if problems:
    print("Cannot run the tests:", *problems, sep="\n  - ", file=sys.stderr)
    sys.exit(1)
print(f"PostgreSQL and Redis are reachable ({urlparse(database_url).hostname}, {redis_url}).")
