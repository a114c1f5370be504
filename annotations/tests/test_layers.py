"""The layers point one way: text processing at the bottom, the workflow above the data, the front doors on top."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1]
ROOT = APP.parent

# Each part of the app, from the bottom up; a part may import only the parts listed before it.
LAYERS = [
    {"ingest"},
    {"models", "roles", "bulk", "pagination", "apps"},
    {"history", "vocabulary", "selectors", "desk_stats", "corroboration", "exports"},
    {"workflow"},
    {"actions"},
    {"forms", "admin", "admin_site", "api", "management", "templatetags"},
]


def part_of(module: str) -> str | None:
    """Return the top part of the app that ``module`` (a dotted name) belongs to, if it is the app's."""
    parts = module.split(".")
    return parts[1] if parts[0] == "annotations" and len(parts) > 1 else None


def imports_of(path: Path) -> set[str]:
    """Return the modules ``path`` imports, relative imports resolved, at any depth of the file."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def app_modules():
    for path in sorted(APP.rglob("*.py")):
        relative = path.relative_to(APP)
        if relative.parts[0] in ("tests", "migrations", "__init__.py"):
            continue
        yield path, relative.parts[0].removesuffix(".py")


def layer_of(part: str) -> int:
    return next(index for index, parts in enumerate(LAYERS) if part in parts)


@pytest.mark.parametrize("path, part", list(app_modules()), ids=lambda value: str(value))
def test_a_module_imports_only_the_layers_below_its_own(path, part):
    own = layer_of(part)
    for module in imports_of(path):
        other = part_of(module)
        if other is None or other == part or other not in {p for layer in LAYERS for p in layer}:
            continue
        assert layer_of(other) < own or (other in LAYERS[own] and other != "workflow"), (
            f"{path.relative_to(ROOT)} ({part}) imports {module} ({other}), a layer above or beside it"
        )


def test_every_part_of_the_app_has_its_layer():
    parts = {part for _, part in app_modules()}
    assert parts <= {part for layer in LAYERS for part in layer}


def test_ingest_imports_no_model_and_nothing_of_the_app_outside_it():
    for path in sorted((APP / "ingest").glob("*.py")):
        for module in imports_of(path):
            assert not module.startswith("django.db"), f"{path.name} imports {module}"
            assert part_of(module) in (None, "ingest"), f"{path.name} imports {module}"


def test_selectors_do_not_import_the_workflow():
    assert not {m for m in imports_of(APP / "selectors.py") if part_of(m) in ("workflow", "actions")}


def test_a_document_is_parsed_without_django_set_up(tmp_path):
    """The loader's reader process runs ingest alone: no settings, no app registry."""
    article = tmp_path / "article.txt"
    article.write_text("The river carries 300 tonnes of plastic. Officials say it doubled.", encoding="utf-8")
    script = (
        "import sys; from annotations.ingest.documents import parse_path\n"
        f"path, parsed = parse_path({str(article)!r})\n"
        "assert 'django.db.models' not in sys.modules, 'the models were imported'\n"
        "print(len(parsed.document.sentences))\n"
    )
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2"


def test_no_two_parts_import_each_other_in_a_cycle():
    graph: dict[str, set[str]] = {}
    for path, part in app_modules():
        targets = {part_of(module) for module in imports_of(path)} - {None, part}
        graph.setdefault(part, set()).update(target for target in targets if target)
    visiting, done = [], set()

    def visit(part):
        assert part not in visiting, f"import cycle: {' -> '.join([*visiting[visiting.index(part) :], part])}"
        if part in done:
            return
        visiting.append(part)
        for target in sorted(graph.get(part, ())):
            visit(target)
        visiting.pop()
        done.add(part)

    for part in sorted(graph):
        visit(part)
