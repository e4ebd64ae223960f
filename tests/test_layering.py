"""The layers of the package import only downwards, and no module imports in a circle.

Every ``import`` of every module counts, those inside functions too (a lazy import that
reaches up is still a reach up). The layers, from the bottom:

0. foundations: ``_version``, ``_validation``, ``_parallel``, ``_blas``, ``device``, ``io``,
   ``data``
1. the objects of the physics: ``patterns``, ``models``, ``observables``
2. engines, theory, learning rules, hypervectors and attention: ``montecarlo``, ``theory``,
   ``learning``, ``vsa``, ``attention`` (siblings:
   none imports another)
3. backends supplied from outside the engine: ``gpu``
4. running many points: ``checkpoint``, ``sweep``
5. ``experiments``
6. ``cli``

The package's ``__init__`` is the facade above all of them (it imports ``hebbian.gpu``
so that the GPU backend is registered); nothing imports it back by name.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "hebbian"

LAYERS = {
    "hebbian._version": 0,
    "hebbian._validation": 0,
    "hebbian._parallel": 0,
    "hebbian._blas": 0,
    "hebbian.device": 0,
    "hebbian.io": 0,
    "hebbian.data": 0,
    "hebbian.patterns": 1,
    "hebbian.models": 1,
    "hebbian.observables": 1,
    "hebbian.montecarlo": 2,
    "hebbian.theory": 2,
    "hebbian.learning": 2,
    "hebbian.vsa": 2,
    "hebbian.attention": 2,
    "hebbian.gpu": 3,
    "hebbian.checkpoint": 4,
    "hebbian.sweep": 4,
    "hebbian.experiments": 5,
    "hebbian.cli": 6,
}

#: Siblings of one layer that must not import each other.
INDEPENDENT = [
    ("hebbian.montecarlo", "hebbian.theory"),
    ("hebbian.learning", "hebbian.montecarlo"),
    ("hebbian.learning", "hebbian.theory"),
    ("hebbian.vsa", "hebbian.montecarlo"),
    ("hebbian.vsa", "hebbian.theory"),
    ("hebbian.vsa", "hebbian.learning"),
    ("hebbian.attention", "hebbian.montecarlo"),
    ("hebbian.attention", "hebbian.theory"),
    ("hebbian.attention", "hebbian.learning"),
    ("hebbian.attention", "hebbian.vsa"),
]

#: The order inside a package (docs/architecture.md): a module imports only lower ranks.
INNER = {
    "hebbian.cli": {
        "_app": 0,
        "simulate": 1,
        "learn": 1,
        "experiments": 1,
        "solve": 1,
        "vsa": 1,
        "attention": 1,
    },
    "hebbian.experiments": {
        "errors": 0,
        "base": 1,
        "plotting": 1,
        "kinds": 2,
        "registry": 3,
        "config": 4,
        "runner": 5,
        "reproduce": 6,
    },
}


def inner_rank(module: str) -> tuple[str, int] | None:
    for package, ranks in INNER.items():
        if module.startswith(package + "."):
            head = module[len(package) + 1 :].split(".")[0]
            if head in ranks:
                return package, ranks[head]
    return None


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, name: str, modules: set[str]) -> set[str]:
    """Every ``hebbian`` module ``path`` imports, at any depth of its code.

    ``from pkg import x`` imports the module ``pkg.x`` when there is one, else the name
    ``x`` of ``pkg/__init__``; a literal ``importlib.import_module("hebbian...")`` counts.
    """
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in modules else target)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return {m for m in found if m == "hebbian" or m.startswith("hebbian.")}


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (names that are not modules dropped)."""
    files = {module_name(p, root): p for p in root.rglob("*.py")}
    graph = {}
    for name, path in files.items():
        targets = set()
        for target in imports_of(path, name, set(files)):
            while target not in files and "." in target:  # `import pkg.mod.name`
                target = target.rsplit(".", 1)[0]
            if target in files and target != name:
                targets.add(target)
        graph[name] = targets
    return graph


def layer_of(module: str) -> tuple[str, int] | None:
    best = None
    for prefix, rank in LAYERS.items():
        if module == prefix or module.startswith(prefix + "."):
            if best is None or len(prefix) > len(best[0]):
                best = (prefix, rank)
    return best


def violations(root: Path) -> list[str]:
    """Upward imports, imports between independent siblings, and import cycles."""
    graph = import_graph(root)
    found = []
    for module, targets in sorted(graph.items()):
        if module == "hebbian":
            continue  # the facade
        mine = layer_of(module)
        if mine is None:
            found.append(f"{module} belongs to no layer")
            continue
        for target in sorted(targets):
            if target == "hebbian":
                found.append(f"{module} imports the package facade 'hebbian'")
                continue
            theirs = layer_of(target)
            if theirs is None:
                continue  # reported for the target itself
            if theirs[1] > mine[1]:
                found.append(
                    f"{module} (layer {mine[1]}) imports up: {target} (layer {theirs[1]})"
                )
            for a, b in INDEPENDENT:
                if {mine[0], theirs[0]} == {a, b}:
                    found.append(f"{module} imports its independent sibling {target}")
            inner_mine, inner_theirs = inner_rank(module), inner_rank(target)
            if target in INNER and module.startswith(target + "."):
                found.append(f"{module} imports its package's facade {target}")
            elif inner_mine and inner_theirs and inner_mine[0] == inner_theirs[0]:
                if inner_theirs[1] > inner_mine[1]:
                    found.append(f"{module} imports up inside {inner_mine[0]}: {target}")
    found.extend(f"import cycle: {' -> '.join(c)}" for c in cycles(graph))
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component) + [sorted(component)[0]])

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_every_module_has_a_layer_and_imports_only_downwards():
    assert violations(PACKAGE) == []


def test_the_graph_sees_lazy_and_relative_imports():
    graph = import_graph(PACKAGE)
    assert "hebbian.montecarlo.engine" in graph["hebbian.montecarlo.retrieval"]
    assert "hebbian.montecarlo.results" in graph["hebbian.montecarlo.engine"]  # lazy
    assert "hebbian.experiments.kinds" in graph["hebbian.experiments.registry"]
    assert "hebbian.experiments.runner" in graph["hebbian.experiments"]


@pytest.mark.parametrize(
    ("module", "planted", "expected"),
    [
        ("models.py", "from hebbian.cli import main", "imports up: hebbian.cli"),
        ("montecarlo/chains.py", "import hebbian.gpu.cupy_kernels", "imports up: hebbian.gpu"),
        ("montecarlo/engine.py", "from hebbian.theory import hopfield", "independent sibling"),
        ("sweep.py", "from hebbian.experiments.registry import get_kind", "imports up"),
        ("experiments/base.py", "from hebbian.experiments import config", "import cycle"),
        ("io.py", "import hebbian", "package facade"),
        ("experiments/base.py", "from hebbian.experiments import run", "package's facade"),
        ("experiments/kinds/capacity.py", "from hebbian.experiments import load", "facade"),
        ("experiments/kinds/capacity.py", "from hebbian.experiments.runner import run", "up"),
        ("montecarlo/arrays.py", "importlib.import_module('hebbian.cli')", "imports up"),
    ],
)
def test_a_planted_bad_import_is_caught(tmp_path, module, planted, expected):
    copy = tmp_path / "hebbian"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / module
    target.write_text(target.read_text() + f"\n\ndef _planted():\n    {planted}\n")
    found = violations(copy)
    assert any(expected in line for line in found), found
