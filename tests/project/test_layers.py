"""The layers import one way (README, "Architecture"): import-linter's contracts in
pyproject.toml are checked by the suite as well as by CI, so an import that climbs a layer
fails here first."""

import subprocess
import sys
import tomllib
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
# import-linter's `lint-imports`, run by the interpreter running the suite.
LINT_IMPORTS = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def lint_imports(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS, "--no-cache", "--no-logo", *args],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_contract_is_kept():
    contracts = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(contracts)} kept, 0 broken." in result.stdout


def test_an_import_that_climbs_a_layer_breaks_its_contract(tmp_path):
    """The check can fail: with the kernel put above the reports, the reports' imports of the
    kernel climb, and lint-imports says so and exits non-zero."""
    config = tmp_path / "climb.ini"
    config.write_text(
        "[importlinter]\n"
        "root_packages =\n    actionplans\n    reports\n\n"
        "[importlinter:contract:climb]\n"
        "name = The kernel above the reports\n"
        "type = layers\n"
        "layers =\n    actionplans.kernel\n    reports\n"
    )
    result = lint_imports(str(config))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Contracts: 0 kept, 1 broken." in result.stdout
    assert "reports is not allowed to import actionplans.kernel" in result.stdout
