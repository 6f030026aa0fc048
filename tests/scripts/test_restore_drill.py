"""scripts/backup.sh and scripts/restore_drill.sh, run as an operator runs them, against real PostgreSQL."""

import io
import os
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from PIL import Image

from tests.factories import OrganisationFactory, OutboxEmailFactory, PledgeFactory
from tests.support.processes import free_port

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"

# The scripts read the database through their own connections: the rows must really be committed.
pytestmark = pytest.mark.django_db(transaction=True)


def database_url():
    """The URL of the test database, which is the database the scripts back up and restore next to."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def run(script, *args, media_root):
    environment = {**os.environ, "DATABASE_URL": database_url(), "MEDIA_ROOT": str(media_root)}
    return subprocess.run(
        [SCRIPTS / script, *map(str, args)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def back_up(destination, media_root):
    result = run("backup.sh", destination, media_root=media_root)
    assert result.returncode == 0, result.stdout + result.stderr
    (dump,) = destination.glob("*.dump")
    (media,) = destination.glob("*.media.tar.gz")
    return dump, media


def scratch_databases():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            [f"{connection.settings_dict['NAME']}_restore_%"],
        )
        return [name for (name,) in cursor.fetchall()]


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (0, 94, 184)).save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="logo.png")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def portal_data(media_root):
    """Three partners in the directory (one with a logo), a pledge in review, a draft and a queued email."""
    PledgeFactory(approved=True, organisation=OrganisationFactory(logo=png()))
    PledgeFactory(approved=True)
    PledgeFactory(approved=True)
    PledgeFactory(submitted=True)
    PledgeFactory()
    OutboxEmailFactory()


def test_a_backup_restores_into_a_working_portal_and_the_drill_reports_what_it_holds(
    portal_data, media_root, tmp_path
):
    dump, media = back_up(tmp_path / "backup", media_root)
    with tarfile.open(media) as archive:
        assert any(name.startswith("./logos/") for name in archive.getnames())

    port = free_port()
    result = run("restore_drill.sh", "--port", port, dump, media_root=media_root)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Serving the copy on http://127.0.0.1:{port}\n" in result.stdout
    assert "Organisations: 5\n" in result.stdout
    assert "Pledges: 5 (3 approved: the partners listed)\n" in result.stdout
    assert "Emails not yet sent: 1\n" in result.stdout
    assert "Logos: 1 named in the database, 1 in the media archive\n" in result.stdout
    assert "GET / -> 200\n" in result.stdout
    assert "GET /partners/ -> 200\n" in result.stdout
    assert "Restore drill passed" in result.stdout
    assert scratch_databases() == []


def test_a_corrupt_dump_fails_the_drill_loudly_and_leaves_no_scratch_database(
    portal_data, media_root, tmp_path
):
    dump, _ = back_up(tmp_path / "backup", media_root)
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])

    result = run("restore_drill.sh", dump, media_root=media_root)

    assert result.returncode != 0
    assert "RESTORE DRILL FAILED: pg_restore could not restore" in result.stderr
    assert "Restore drill passed" not in result.stdout
    assert scratch_databases() == []


def test_a_media_archive_without_a_logo_the_database_names_fails_the_drill(portal_data, media_root, tmp_path):
    dump, _ = back_up(tmp_path / "backup", media_root)
    empty_archive = tmp_path / "empty.media.tar.gz"
    with tarfile.open(empty_archive, "w:gz"):
        pass

    result = run("restore_drill.sh", dump, empty_archive, media_root=media_root)

    assert result.returncode != 0
    assert "Logos: 1 named in the database, 0 in the media archive" in result.stdout
    assert "Missing logo: logos/" in result.stderr
    assert "RESTORE DRILL FAILED" in result.stderr
    assert scratch_databases() == []


def test_a_port_that_is_not_a_number_stops_the_drill_before_it_creates_anything(media_root, tmp_path):
    dump = tmp_path / "pledge_portal.dump"
    dump.write_bytes(b"not read")

    result = run("restore_drill.sh", "--port", "eighty", dump, media_root=media_root)

    assert result.returncode != 0
    assert "RESTORE DRILL FAILED: --port wants a port number" in result.stderr
    assert scratch_databases() == []
