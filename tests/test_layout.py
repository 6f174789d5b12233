"""The house stays in order (the layout issue's rules): no package folder holds more than 15 modules and no module
is longer than 300 lines, migrations aside; every package says in its ``__init__`` what it owns."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "bantin"
# The layout issue's bounds: a newcomer can read a folder's listing and a module in one sitting.
MAX_MODULES_PER_FOLDER = 15
MAX_MODULE_LINES = 300
# Generated or append-only code the bounds do not apply to.
EXEMPT = ("migrations",)


def _folders() -> list[Path]:
    return sorted(p for p in [PACKAGE, *PACKAGE.rglob("*")] if p.is_dir() and (p / "__init__.py").is_file()
                  and not any(part in EXEMPT for part in p.relative_to(PACKAGE).parts))


def test_no_package_folder_holds_more_than_15_modules() -> None:
    crowded = {str(d.relative_to(PACKAGE.parent)): n for d in _folders() if (n := len(list(d.glob("*.py"))))
               > MAX_MODULES_PER_FOLDER}
    assert len(_folders()) > 20  # the walk found the packages
    assert crowded == {}


def test_no_module_is_longer_than_300_lines() -> None:
    modules = [m for d in _folders() for m in d.glob("*.py")]
    long = {str(m.relative_to(PACKAGE.parent)): n for m in modules
            if (n := len(m.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert len(modules) > 200
    assert long == {}


def test_every_package_says_what_it_owns() -> None:
    silent = [str(d.relative_to(PACKAGE.parent)) for d in _folders()
              if not (d / "__init__.py").read_text(encoding="utf-8").lstrip().startswith(('"""', "'''"))]
    assert silent == []
