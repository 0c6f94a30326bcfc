"""`import mlkit` (and the command line's start) must not load the heavy libraries."""

import subprocess
import sys

HEAVY = ("sklearn", "pandas", "matplotlib", "ipywidgets", "scipy")


def _loaded_modules(code):
    probe = f"{code}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(result.stdout.split())


def test_import_mlkit_loads_no_heavy_library():
    loaded = _loaded_modules("import mlkit")
    assert [m for m in HEAVY if m in loaded] == []


def test_building_the_command_line_loads_no_heavy_library():
    loaded = _loaded_modules("from mlkit.cli import build_parser; build_parser()")
    assert [m for m in HEAVY if m in loaded] == []


def test_importtime_report_shows_no_heavy_library():
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", "import mlkit"], capture_output=True, text=True)
    imported = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines() if "|" in line}
    assert "mlkit" in imported
    assert imported.isdisjoint(HEAVY)


def test_setup_is_explicit_and_applies_settings():
    code = (
        "import mlkit, numpy as np\n"
        "before = np.random.get_state()[1][0]\n"
        "mlkit.setup(seed=7)\n"
        "import matplotlib as mpl\n"
        "print(np.random.get_state()[1][0] == np.random.RandomState(7).get_state()[1][0], mpl.rcParams['figure.dpi'])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["True", "80.0"]


def test_setup_rejects_a_bad_seed():
    import pytest

    import mlkit

    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        mlkit.setup(seed=-1)
