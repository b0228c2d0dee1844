"""The migrations stage's trusted half: models against migration files, read without running them.

`makemigrations --check` runs inside a process that imports learner code, so its exit status
and output can be forged (``if "makemigrations" in sys.argv: sys.exit(0)``). This module never
imports the project: it parses each app's ``models.py`` and ``migrations/*.py`` with ``ast`` and
lists the model fields that the models declare and the migration files never create.

It is deliberately conservative: it only reports what it is sure of. Models built dynamically,
abstract or proxy or unmanaged models, fields from bases in other modules and migrations it
cannot read are left out (the runner's `makemigrations --check` still judges those).
Standard library only.
"""

from __future__ import annotations

import ast
import os

SKIP_DIRS = {"__pycache__", ".git", ".venv", "venv", "node_modules", "migrations", "tests"}
# Model attributes that are fields in Python but never in a migration.
NOT_MIGRATED = {"GenericForeignKey", "GenericRelation"}
MAX_FILES = 400
MAX_BYTES = 2 * 1024 * 1024


def _read(path: str) -> ast.Module | None:
    try:
        if os.path.islink(path) or os.path.getsize(path) > MAX_BYTES:
            return None
        with open(path, encoding="utf-8") as fh:
            return ast.parse(fh.read(), filename=path)
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return None


def _call_name(node) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _is_field_call(value) -> bool:
    name = _call_name(value) if isinstance(value, ast.Call) else ""
    return name not in NOT_MIGRATED and (name.endswith("Field") or name in {"ForeignKey"})


def _meta_flags(cls: ast.ClassDef) -> set[str]:
    """abstract / proxy / unmanaged, from a literal inner Meta."""
    flags = set()
    for node in cls.body:
        if isinstance(node, ast.ClassDef) and node.name == "Meta":
            for stmt in node.body:
                if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant):
                    for target in stmt.targets:
                        if isinstance(target, ast.Name):
                            if target.id in ("abstract", "proxy") and stmt.value.value is True:
                                flags.add(target.id)
                            if target.id == "managed" and stmt.value.value is False:
                                flags.add("unmanaged")
    return flags


def declared_models(tree: ast.Module) -> dict[str, set[str]]:
    """Concrete model name (lower case) -> field names, for models whose bases are all known:
    `models.Model`/`Model` or a model of the same module."""
    classes: dict[str, tuple[ast.ClassDef, set[str]]] = {}
    result: dict[str, set[str]] = {}
    for cls in (node for node in tree.body if isinstance(node, ast.ClassDef)):
        fields = set()
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                if _is_field_call(stmt.value):
                    fields.add(stmt.targets[0].id)
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
                if _is_field_call(stmt.value):
                    fields.add(stmt.target.id)
        known = True
        for base in cls.bases:
            name = _call_name(base) if not isinstance(base, ast.Name) else base.id
            if name == "Model":
                continue
            if name in classes:
                fields |= classes[name][1]
            else:
                known = False
        classes[cls.name] = (cls, fields)
        is_model = any(_call_name(b) == "Model" or (isinstance(b, ast.Name) and b.id in classes) for b in cls.bases)
        if known and is_model and not _meta_flags(cls):  # abstract: its fields reach its children
            result[cls.name.lower()] = fields
    # Children of abstract models are concrete; children of concrete models (multi-table
    # inheritance) only own their own fields: drop what the parent already has.
    for cls in (node for node in tree.body if isinstance(node, ast.ClassDef)):
        for base in cls.bases:
            if isinstance(base, ast.Name) and base.id.lower() in result and cls.name.lower() in result:
                result[cls.name.lower()] -= result[base.id.lower()]
    return result


def _kwargs(call: ast.Call, names: tuple[str, ...]) -> dict:
    """Literal arguments of a migration operation, positional or by keyword."""
    values = {}
    for name, arg in zip(names, call.args, strict=False):
        values[name] = arg
    for kw in call.keywords:
        if kw.arg:
            values[kw.arg] = kw.value
    return {k: v.value if isinstance(v, ast.Constant) else v for k, v in values.items()}


def migrated_models(directory: str) -> dict[str, set[str]] | None:
    """Model name (lower case) -> field names, replaying the operations of every migration file
    in name order. None when a file cannot be read or uses an operation we cannot follow."""
    state: dict[str, set[str]] = {}
    try:
        names = sorted(n for n in os.listdir(directory) if n.endswith(".py") and n != "__init__.py")
    except OSError:
        return None
    for name in names:
        tree = _read(os.path.join(directory, name))
        if tree is None:
            return None
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            op = _call_name(node)
            if op == "CreateModel":
                args = _kwargs(node, ("name", "fields"))
                fields = args.get("fields")
                if not isinstance(args.get("name"), str) or not isinstance(fields, ast.List):
                    return None
                names_ = set()
                for item in fields.elts:
                    if isinstance(item, ast.Tuple) and item.elts and isinstance(item.elts[0], ast.Constant):
                        names_.add(item.elts[0].value)
                state[args["name"].lower()] = names_
            elif op in ("AddField", "RemoveField"):
                args = _kwargs(node, ("model_name", "name"))
                model, field = args.get("model_name"), args.get("name")
                if not isinstance(model, str) or not isinstance(field, str):
                    return None
                fields = state.setdefault(model.lower(), set())
                (fields.add if op == "AddField" else fields.discard)(field)
            elif op == "RenameField":
                args = _kwargs(node, ("model_name", "old_name", "new_name"))
                model = args.get("model_name")
                if not isinstance(model, str):
                    return None
                fields = state.setdefault(model.lower(), set())
                fields.discard(args.get("old_name"))
                fields.add(args.get("new_name"))
            elif op == "DeleteModel":
                args = _kwargs(node, ("name",))
                if isinstance(args.get("name"), str):
                    state.pop(args["name"].lower(), None)
            elif op == "RenameModel":
                args = _kwargs(node, ("old_name", "new_name"))
                old, new = args.get("old_name"), args.get("new_name")
                if isinstance(old, str) and isinstance(new, str):
                    state[new.lower()] = state.pop(old.lower(), set())
            elif op in ("RunPython", "RunSQL", "SeparateDatabaseAndState"):
                if op == "SeparateDatabaseAndState":
                    return None
    return state


def missing_from_migrations(root: str) -> list[str]:
    """`app.Model.field` (or `app.Model`) that models.py declares and no migration creates."""
    missing: list[str] = []
    seen = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not os.path.islink(os.path.join(dirpath, d)))
        seen += 1
        if seen > MAX_FILES:
            break
        if "models.py" not in filenames or not os.path.isdir(os.path.join(dirpath, "migrations")):
            continue
        tree = _read(os.path.join(dirpath, "models.py"))
        migrated = migrated_models(os.path.join(dirpath, "migrations"))
        if tree is None or migrated is None:
            continue
        app = os.path.basename(dirpath)
        for model, fields in sorted(declared_models(tree).items()):
            if model not in migrated:
                missing.append(f"{app}.{model}")
                continue
            missing.extend(f"{app}.{model}.{field}" for field in sorted(fields - migrated[model]))
    return missing
