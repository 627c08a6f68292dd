"""The apps form layers with no cycle (issue 11).

import-linter (`make lint`) enforces the layers contract in pyproject.toml. This test counts the
app graph independently, from the source: every `apps.<name>` import, lazy ones inside
functions included, migrations aside. The contract's known exceptions are the only edges
allowed upward, and once they are left out the graph must have no cycle.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections import defaultdict
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
APPS_DIR = BASE_DIR / "apps"


def _module_name(path: Path, apps_dir: Path) -> str:
    parts = ("apps", *path.relative_to(apps_dir).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def app_imports(apps_dir: Path = APPS_DIR) -> list[tuple[str, str, str]]:
    """(importing module, imported module, line) for every import of one app by another."""
    apps = {p.name for p in apps_dir.iterdir() if (p / "__init__.py").exists()}
    found = []
    for path in sorted(apps_dir.rglob("*.py")):
        parts = path.relative_to(apps_dir).parts
        if "migrations" in parts:
            continue
        module = _module_name(path, apps_dir)
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                targets = [node.module]
                if node.module in ("apps", *(f"apps.{app}" for app in apps)):
                    targets = [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                pieces = target.split(".")
                app = pieces[1] if pieces[0] == "apps" and len(pieces) > 1 else None
                if app in apps and app != parts[0]:
                    found.append((module, target, f"{path.name}:{node.lineno}"))
    return found


def _contract() -> dict:
    pyproject = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())
    (contract,) = [
        contract
        for contract in pyproject["tool"]["importlinter"]["contracts"]
        if contract["type"] == "layers"
    ]
    return contract


def _known_exceptions() -> set[tuple[str, str]]:
    pairs = set()
    for line in _contract().get("ignore_imports", []):
        importer, imported = (side.strip() for side in line.split("->"))
        pairs.add((importer, imported))
    return pairs


def _app(module: str) -> str:
    return module.split(".")[1]


def cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components of more than one app (Tarjan)."""
    graph = defaultdict(set)
    for source, target in edges:
        graph[source].add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(set(graph) | {target for _, target in edges}):
        if node not in index:
            visit(node)
    return found


def test_the_apps_have_no_cycle_apart_from_the_listed_exceptions():
    known = _known_exceptions()
    edges = {
        (_app(importer), _app(imported))
        for importer, imported, _ in app_imports()
        if (importer, imported) not in known
    }
    assert cycles(edges) == []


def test_every_listed_exception_is_still_an_import_so_the_list_only_shrinks():
    imports = {(importer, imported) for importer, imported, _ in app_imports()}
    assert sorted(_known_exceptions() - imports) == []


def test_the_counter_sees_a_lazy_import_inside_a_function(tmp_path):
    for app in ("lower", "higher"):
        (tmp_path / app).mkdir()
        (tmp_path / app / "__init__.py").write_text("")
    (tmp_path / "higher" / "models.py").write_text("from apps.lower.models import Thing\n")
    (tmp_path / "lower" / "models.py").write_text(
        "def later():\n    from apps.higher.models import Other\n    return Other\n"
    )
    (tmp_path / "lower" / "migrations").mkdir()
    (tmp_path / "lower" / "migrations" / "0001.py").write_text("import apps.higher.models\n")
    found = {(_app(a), _app(b)) for a, b, _ in app_imports(tmp_path)}
    assert found == {("higher", "lower"), ("lower", "higher")}
    assert cycles(found) == [["higher", "lower"]]


FETCH_FOR_PURPOSE = re.compile(r"get_[a-z0-9_]+_for_[a-z0-9_]+_or_404")


def test_objects_are_fetched_for_a_purpose_by_one_naming_scheme_in_permissions_only():
    """`get_<thing>_for_<purpose>_or_404(user, ...)` in an app's permissions.py: the object, a
    404 when the user may not see it, a 403 when they see it but may not do this."""
    misnamed, misplaced = [], []
    for path in sorted(APPS_DIR.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.parse(path.read_text(), str(path)).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            where = f"{path.relative_to(APPS_DIR)}:{node.name}"
            if path.name == "permissions.py":
                if node.name.startswith("get_") and not FETCH_FOR_PURPOSE.fullmatch(node.name):
                    misnamed.append(where)
            elif node.name.endswith(("_or_404", "_or_403")):
                misplaced.append(where)
    assert not misnamed, misnamed
    assert not misplaced, misplaced


# QuerySet methods with no twin on the builtins the views use (dict.get, list.count(x) and
# dict.update are left out on purpose).
QUERYSET_METHODS = frozenset(
    {
        "filter",
        "exclude",
        "select_related",
        "prefetch_related",
        "annotate",
        "aggregate",
        "order_by",
        "values_list",
        "exists",
        "only",
        "defer",
        "select_for_update",
        "get_or_create",
        "update_or_create",
        "bulk_create",
        "bulk_update",
    }
)


def test_views_ask_selectors_services_and_permissions_and_query_nothing_themselves():
    """No ORM query in a view: no `Model.objects`, no QuerySet method, no `.count()`."""
    found = []
    for path in sorted(APPS_DIR.rglob("*views.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Attribute) and node.attr == "objects":
                found.append(f"{path.relative_to(APPS_DIR)}:{node.lineno} .objects")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                method = node.func.attr
                no_arguments = not node.args and not node.keywords
                if method in QUERYSET_METHODS or (method == "count" and no_arguments):
                    found.append(f"{path.relative_to(APPS_DIR)}:{node.lineno} .{method}()")
    assert not found, found
