"""The bin/ scripts the Procfile and the systemd units run: they work with nothing of the venv on PATH."""

import subprocess

from tests.support.processes import BIN, ROOT, Process, free_port, production_environment

# What systemd gives a service, and what a fresh shell on a new host has: no venv anywhere.
PLAIN_PATH = "/usr/local/bin:/usr/bin:/bin"


def plain_environment(tmp_path, **overrides):
    env = production_environment(
        database_url="postgres://nobody@127.0.0.1:1/none",  # nothing here touches the database
        broker_url="redis://127.0.0.1:1/0",
        cache_url="redis://127.0.0.1:1/0",
        email_url="consolemail://",
        static_root=tmp_path / "static",
        media_root=tmp_path / "media",
        XDG_RUNTIME_DIR=str(tmp_path),
        **overrides,
    )
    return {**env, "PATH": PLAIN_PATH}


def test_honcho_starts_the_procfiles_web_line_with_no_venv_on_path_listening_on_loopback_only(tmp_path):
    port = free_port()
    env = plain_environment(tmp_path, PORT=str(port), WEB_CONCURRENCY="1")
    honcho = Process(
        "honcho",
        [str(BIN / "honcho"), "start", "web"],
        env=env,
        log_dir=tmp_path,
        ready=lambda process: "Listening at" in process.log(),
    )
    try:
        honcho.start().wait_until_ready()
    finally:
        honcho.stop()
    assert f"Listening at: http://127.0.0.1:{port} " in honcho.log()
    assert "not found" not in honcho.log()


def test_beat_refuses_to_start_without_a_writable_data_dir_and_says_which(tmp_path):
    missing = tmp_path / "no-such-folder"
    result = subprocess.run(
        [ROOT / "bin" / "beat"],
        env=plain_environment(tmp_path, DATA_DIR=str(missing)),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 1
    assert f"beat: DATA_DIR ({missing}) must be a folder this user can write" in result.stderr
