"""The house rules, checked from the source tree: imports point upstream only (no cycle, counting
imports inside functions), no private name crosses a module, no module over 400 lines, SQL only in the
state layer, and every module says what it offers in ``__all__``."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "daemon" / "lockwatch"
MAX_LINES = 400
# the rooms in flow order; a module may import from its own room or from rooms before it
ROOMS = ["lockwatch", "brands", "errors", "clock", "logs", "model", "parse", "detect", "config", "state", "track",
         "alert", "record", "deliver", "sources", "pipeline", "scanner", "service", "commands", "cli",
         "__main__"]
SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
                 r"CREATE\s+(TABLE|INDEX)|ALTER\s+TABLE|PRAGMA\s+\w+)", re.S)  # statements are written in capitals


def module_name(path: Path) -> str:
    parts = ["lockwatch", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@cache
def tree(name: str) -> ast.Module:
    return ast.parse(modules()[name].read_text(encoding="utf-8"))


def room(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def imports(name: str) -> list[tuple[str, str | None, int]]:
    """(module imported, name taken from it or None, line) for every lockwatch import, at any depth."""
    path = modules()[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree(name)):
        if isinstance(node, ast.Import):
            found += [(a.name, None, node.lineno) for a in node.names if a.name.split(".")[0] == "lockwatch"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "lockwatch":
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.append((sub, None, node.lineno) if sub in modules() else (target, alias.name, node.lineno))
    return found


def graph() -> dict[str, set[str]]:
    return {name: {target for target, _, _ in imports(name) if target in modules() and target != name}
            for name in modules()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in edges:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(edges[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def declared_all(name: str) -> list[str] | None:
    for node in tree(name).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return list(ast.literal_eval(node.value))
    return None


def defined(name: str) -> set[str]:
    names: set[str] = set()
    for node in tree(name).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def test_the_rooms_are_known() -> None:
    assert {room(name) for name in modules()} <= set(ROOMS), sorted({room(n) for n in modules()} - set(ROOMS))


def test_no_import_cycle_counting_function_level_imports() -> None:
    assert cycles(graph()) == []


def test_imports_point_upstream_only() -> None:
    wrong = [f"{name} → {target} (line {line})" for name in modules() for target, _, line in imports(name)
             if target in modules() or target.rpartition(".")[0] in modules()
             if ROOMS.index(room(target)) > ROOMS.index(room(name))]
    assert wrong == []


def test_no_private_name_crosses_a_module() -> None:
    crossing = [f"{name} imports {taken} from {target}" for name in modules()
                for target, taken, _ in imports(name) if taken and taken.startswith("_") and taken != "__version__"]
    crossing += [f"{name} imports {target}" for name in modules() for target, _, _ in imports(name)
                 if any(part.startswith("_") and part not in ("__init__", "__main__") for part in target.split("."))]
    assert crossing == []


def test_every_import_is_of_a_public_name() -> None:
    outside = [f"{name} imports {taken} from {target}" for name in modules()
               for target, taken, _ in imports(name)
               if taken and target in modules() and (public := declared_all(target)) is not None
               and taken not in public and taken != "__version__"]
    assert outside == []


@pytest.mark.parametrize("name", sorted(modules()))
def test_module_declares_its_public_surface(name: str) -> None:
    if name.endswith("__main__"):
        return
    public = declared_all(name)
    assert public is not None, f"{name} has no __all__"
    assert not [n for n in public if n.startswith("_") and n != "__version__"], public
    assert set(public) <= defined(name), sorted(set(public) - defined(name))


def test_no_module_over_400_lines() -> None:
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_sql_only_in_the_state_layer() -> None:
    outside = [f"{name}:{node.lineno}" for name in modules() if room(name) != "state"
               for node in ast.walk(tree(name))
               if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value)]
    docstrings = {f"{name}:{node.body[0].value.lineno}" for name in modules()
                  for node in ast.walk(tree(name))
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    assert [place for place in outside if place not in docstrings] == []


def test_sql_check_sees_sql() -> None:
    assert SQL.search("SELECT id FROM alerts WHERE x = ?")
    assert SQL.search("INSERT OR IGNORE INTO seen VALUES (?)")
    assert not SQL.search("Select a folder from the list")  # prose is not a statement


def test_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
