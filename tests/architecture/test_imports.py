"""The project's layering, checked on the source: no import cycle anywhere (imports
inside functions and under TYPE_CHECKING count too), and each folder imports only what
DESIGN.md's table allows."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "dialogs", "cards", "services", "manifest")

# folder -> the project's folders it may import (DESIGN.md, "The shape")
ALLOWED = {
    "services": {"services"},
    "cards": {"cards", "services"},
    "dialogs": {"dialogs", "cards", "services"},
    "manifest": {"manifest"},
    "bot": {"bot", "dialogs", "cards", "services", "manifest"},
}
BOTBUILDER = ("botbuilder", "botframework", "msrest")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")
            if "migrations" not in p.parts}


def _imported(path: Path, module: str, modules: Iterable[str]) -> list[str]:
    """Every module PATH imports, wherever the import statement stands. `from P import
    name` imports the module P.name when there is one, else P (a package's __init__ runs
    for any of its modules, which is no dependency of its own)."""
    known = set(modules)
    names: list[str] = []
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                names.append(full if full in known else base)
    return names


def _graph() -> dict[str, set[str]]:
    modules = _modules()

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = {resolve(name) for name in _imported(path, module, modules)}
        graph[module] = {t for t in targets if t is not None and t != module}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_anywhere() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    """The check itself works: a cycle added to the real graph is found."""
    graph = _graph()
    graph["services.scope"] = graph["services.scope"] | {"bot.app"}
    assert any({"services.scope", "bot.app"} <= set(c) for c in _cycles(graph))


def test_each_folder_imports_only_what_it_may() -> None:
    modules = _modules()
    wrong = []
    for module, path in modules.items():
        folder = module.split(".")[0]
        for name in _imported(path, module, modules):
            top = name.split(".")[0]
            if top in PACKAGES and top not in ALLOWED[folder]:
                wrong.append(f"{module} imports {name}")
            if top in BOTBUILDER and folder in {"services", "cards", "manifest"}:
                wrong.append(f"{module} imports {name} (no Bot Framework types here)")
            if top in BOTBUILDER and module.startswith("bot.turn."):
                wrong.append(f"{module} imports {name} (the pipeline has no botbuilder)")
    assert wrong == []


# the rooms of bot/ (docs/architecture.md): what each may not import
ROOM_FORBIDS = {
    "bot.turn": ("bot.teams", "bot.web", "bot.jobs", "bot.cli", "bot.app", "dialogs"),
    "bot.handlers": ("bot.teams", "bot.web", "bot.jobs", "bot.cli", "bot.app",
                     "bot.turn.pipeline", "bot.turn.routing"),
    "bot.web": ("bot.teams", "bot.jobs", "bot.cli", "bot.app"),
    "bot.jobs": ("bot.teams", "bot.web", "bot.cli", "bot.app", "bot.turn"),
    "bot.teams": ("bot.web", "bot.jobs", "bot.cli", "bot.app"),
    "bot.services": ("bot.teams", "bot.web", "bot.jobs", "bot.cli", "bot.app",
                     "bot.handlers"),
}


def test_the_rooms_of_bot_import_only_downwards() -> None:
    modules = _modules()
    wrong = []
    for module, path in modules.items():
        for room, forbidden in ROOM_FORBIDS.items():
            if module != room and not module.startswith(room + "."):
                continue
            wrong += [f"{module} imports {name}" for name in _imported(path, module, modules)
                      if any(name == f or name.startswith(f + ".") for f in forbidden)]
    assert wrong == []
