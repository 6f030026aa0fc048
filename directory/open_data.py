"""The open-data files, written to storage from a snapshot's rows, each with a gzip copy.

The partners' files are assembled from each entry's precomputed share
(`record`, `csv_row`, `action_rows`), streamed in name order; the actions
library's from its rows (`library.file_rows`), newest first. Either way rows
are read a chunk at a time, so memory stays flat however many partners and
actions there are. Each snapshot version has its own folder: a change writes
new files, never rewrites ones a reader may be streaming.
"""

import gzip
import tempfile

from django.core.files import File
from django.core.files.storage import default_storage

from pledge_portal.csv import csv_line

from . import library
from .build import ACTIONS_CSV_HEADER, PARTNER_CSV_HEADER

FOLDER = "directory/open-data"
CHUNK_SIZE = 2000
PARTNERS_JSON = "partners.json"
PARTNERS_CSV = "partners.csv"
ACTIONS_CSV = "partners-actions.csv"
LIBRARY_JSON = "actions.json"
LIBRARY_CSV = "actions.csv"
FILENAMES = (PARTNERS_JSON, PARTNERS_CSV, ACTIONS_CSV, LIBRARY_JSON, LIBRARY_CSV)


def path(snapshot, filename, *, gzipped=False):
    return f"{FOLDER}/{snapshot.identity}/{filename}" + (".gz" if gzipped else "")


def open_file(snapshot, filename, *, gzipped=False):
    """The file as stored for this snapshot version, written now if a build has not yet written it."""
    name = path(snapshot, filename, gzipped=gzipped)
    if not default_storage.exists(name):
        write_files(snapshot)
    return default_storage.open(name, "rb")


def write_files(snapshot):
    """Write the snapshot's five files and their gzip copies, then delete older versions' files."""
    outputs = {filename: _Output() for filename in FILENAMES}
    json_out, partners_out, actions_out, library_json_out, library_csv_out = (
        outputs[filename] for filename in FILENAMES
    )
    updated = snapshot.content_changed_at.isoformat()
    json_out.write(f'{{"updated":"{updated}","count":{snapshot.partner_count},"partners":[')
    partners_out.write(csv_line(PARTNER_CSV_HEADER))
    actions_out.write(csv_line(ACTIONS_CSV_HEADER))
    rows = (
        snapshot.entries.order_by("position__name_position")
        .values_list("record", "csv_row", "action_rows")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for index, (record, csv_row, action_rows) in enumerate(rows):
        json_out.write(("," if index else "") + record)
        partners_out.write(csv_row)
        actions_out.write(action_rows)
    json_out.write("]}")
    # The library's rows change with every build, so its files date from the build (their Last-Modified).
    library_updated = snapshot.built_at.isoformat()
    library_count = snapshot.summary["library"]["count"]
    library_json_out.write(f'{{"updated":"{library_updated}","count":{library_count},"actions":[')
    library_csv_out.write(csv_line(library.LIBRARY_CSV_HEADER))
    for index, (record, csv_row) in enumerate(library.file_rows(snapshot)):
        library_json_out.write(("," if index else "") + record)
        library_csv_out.write(csv_row)
    library_json_out.write("]}")
    for filename, output in outputs.items():
        output.save(path(snapshot, filename), path(snapshot, filename, gzipped=True))
    _delete_other_versions(keep=snapshot.identity)


def _delete_other_versions(*, keep):
    # A reader still streaming an old file keeps its open handle on a filesystem; new readers get the new one.
    if not default_storage.exists(FOLDER):
        return
    folders, _ = default_storage.listdir(FOLDER)
    for folder in folders:
        if folder == keep:
            continue
        _, files = default_storage.listdir(f"{FOLDER}/{folder}")
        for filename in files:
            default_storage.delete(f"{FOLDER}/{folder}/{filename}")


class _Output:
    """One file being written to a temporary file on disk, with its gzip copy written alongside."""

    def __init__(self):
        # Closed by save(), once stored.
        self.plain = tempfile.TemporaryFile()  # noqa: SIM115
        self.compressed = tempfile.TemporaryFile()  # noqa: SIM115
        self.gzip = gzip.GzipFile(fileobj=self.compressed, mode="wb", mtime=0)

    def write(self, text):
        data = text.encode()
        self.plain.write(data)
        self.gzip.write(data)

    def save(self, name, gzipped_name):
        self.gzip.close()
        # The gzip copy first: once the plain file exists, both do (open_file checks the plain one).
        for source, target in ((self.compressed, gzipped_name), (self.plain, name)):
            source.seek(0)
            if default_storage.exists(target):  # written already by a request that got here first
                source.close()
                continue
            saved = default_storage.save(target, File(source))
            if saved != target:  # another writer won the race with the same bytes
                default_storage.delete(saved)
            source.close()
