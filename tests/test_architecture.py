"""The shape of api/ (README, "Layout"): no import cycles, no work at import, small modules and functions.

The phase contracts themselves are import-linter's (.importlinter, run by `make check`)."""

from __future__ import annotations

import ast
import itertools
import subprocess
import sys
from pathlib import Path

import grimp

from api.core.settings import ROOT

API = ROOT / "api"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
LONG_ON_PURPOSE = {"api/core/models.py"}  # the wire contract: every field of every response, in one place


def _modules() -> list[str]:
    return sorted(grimp.build_graph("api").modules)


def test_no_module_imports_itself_through_others() -> None:
    """Lazy imports included: grimp reads every import statement, wherever it is."""
    graph = grimp.build_graph("api")
    cycles = []
    for a, b in itertools.combinations(sorted(graph.modules), 2):
        if graph.find_shortest_chain(a, b) and graph.find_shortest_chain(b, a):
            cycles.append(f"{a} <-> {b}")
    assert cycles == []


def test_importing_any_module_reads_no_project_file_and_builds_nothing(tmp_path: Path) -> None:
    probe = f"""
import importlib, sys
seen = []
def hook(event, args):
    if event == "open" and isinstance(args[0], str) and not args[0].endswith((".py", ".pyc")) \
            and "__pycache__" not in args[0]:
        seen.append(args[0])
sys.addaudithook(hook)
for name in {_modules()!r}:
    importlib.import_module(name)
libraries = ("/usr", sys.prefix, sys.base_prefix)  # a virtualenv may live inside the checkout (.venv)
print("\\n".join(p for p in seen if not p.startswith(libraries)))
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path,
                         env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
                              "BOTHAND_BUILD_DIR": str(tmp_path / "b")})
    assert out.stdout.strip() == "", out.stdout
    assert not (tmp_path / "b").exists()


def _python_files() -> list[Path]:
    return sorted(p for p in API.rglob("*.py") if "__pycache__" not in p.parts)


def test_modules_stay_small() -> None:
    long = {p.relative_to(ROOT).as_posix(): n for p in _python_files()
            if (n := len(p.read_text("utf-8").splitlines())) > MAX_MODULE_LINES}
    assert {k: v for k, v in long.items() if k not in LONG_ON_PURPOSE} == {}


def test_functions_stay_short() -> None:
    long = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno is not None:
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)")
    assert long == []
