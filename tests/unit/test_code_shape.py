"""The rules of docs/architecture.md that import-linter cannot see.

- No import inside a function (the way a cycle is usually dodged), except the heavy or optional
  libraries that are loaded on first use on purpose, each for a measured reason.
- Services, the domain and what the bot shows never commit nor roll back: whoever opens a unit
  of work owns it (the update middleware, a job, a command-line task).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "storage")

# module -> the only names it may import inside a function, and why
LAZY_ON_PURPOSE = {
    # spaCy and its French model: ~200 MB, needed only by the background scrubbing job.
    "bot/domain/scrub.py": {"spacy", "spacy.util", "srsly"},
    # matplotlib: ~30 MB, needed only when a chart is drawn (on the worker).
    "bot/views/charts.py": {"matplotlib.figure", "matplotlib.backends.backend_agg"},
    # scikit-learn and spaCy's French model with word vectors: ~300 MB, needed only when
    # proposals are grouped (on the worker, or a command-line synthesis).
    "bot/domain/grouping.py": {
        "spacy",
        "spacy.lang.fr.stop_words",
        "spacy.strings",
        "srsly",
        "numpy",
        "scipy",
        "sklearn.cluster",
        "sklearn.feature_extraction.text",
    },
    # fpdf2 and its font subsetting: needed only when a workshop brief is printed.
    "bot/views/brief.py": {"fpdf", "fpdf.fonts"},
    # the XLSX writer: needed only when a spreadsheet is written (on the worker).
    "bot/views/spreadsheets.py": {"xlsxwriter"},
    # redis-py and aiogram's Redis storage: ~100 ms at every start, needed only with REDIS_URL.
    "bot/app.py": {"aiogram.fsm.storage.redis", "redis.asyncio"},
    "bot/delivery/ratelimit.py": {"redis.asyncio"},
}
NEVER_COMMIT = ("bot/services", "bot/domain", "bot/views", "bot/keyboards")


def _modules(*folders: str):
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text("utf-8"))


def _imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""]
    return [alias.name for alias in node.names]


def test_no_module_imports_inside_a_function_but_the_heavy_libraries_loaded_on_purpose() -> None:
    found = []
    for name, tree in _modules(*PACKAGES):
        allowed = LAZY_ON_PURPOSE.get(name, set())
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    found += [
                        f"{name}:{node.lineno} {module}"
                        for module in _imported(node)
                        if module not in allowed
                    ]
    assert found == []


def test_services_domain_and_views_never_commit_nor_roll_back() -> None:
    found = [
        f"{name}:{node.lineno}"
        for name, tree in _modules(*NEVER_COMMIT)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"commit", "rollback"}
    ]
    assert found == []


def test_the_checks_above_do_find_what_they_look_for() -> None:
    """A check that cannot fail is no check: both walkers see a planted offence."""
    tree = ast.parse("async def f(session):\n    import json\n    await session.commit()\n")
    imports = [n for n in ast.walk(tree.body[0]) if isinstance(n, ast.Import)]
    commits = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and n.func.attr == "commit"]
    assert _imported(imports[0]) == ["json"] and len(commits) == 1
