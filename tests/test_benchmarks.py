"""The benchmark scripts still load: they run by hand, so nothing else would notice a renamed helper."""

import importlib.util
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
# Loaded by locust in its own process: importing locust here would monkey-patch this one with gevent.
LOCUSTFILE = BENCHMARKS / "locustfile.py"


@pytest.mark.parametrize(
    "script", sorted(set(BENCHMARKS.glob("*.py")) - {LOCUSTFILE}), ids=lambda path: path.name
)
def test_the_benchmark_script_imports(script):
    spec = importlib.util.spec_from_file_location(f"benchmark_{script.stem}", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # each script only defines things until its main() is called
    assert callable(module.main)


def test_the_locustfile_compiles():
    compile(LOCUSTFILE.read_text(), str(LOCUSTFILE), "exec")
