# Sourced by the Python checks: a virtual environment under the Cargo
# target directory (never in the source tree), created once and reused,
# with the packages given as arguments installed from PyPI. Sets $PY.
venv_dir="${CARGO_TARGET_DIR:-target}/py-venv"
if [ ! -x "$venv_dir/bin/python" ]; then
    python3 -m venv "$venv_dir"
    "$venv_dir/bin/python" -m pip install -q --upgrade pip
fi
PY="$venv_dir/bin/python"
if [ "$#" -gt 0 ]; then
    "$PY" -m pip install -q "$@"
fi
