#!/usr/bin/env bash
# The project's Python virtual environment (.venv) with the pinned test tools of
# infra/requirements-test.txt. Installed on first use, and again whenever that file changes.
#
#   source infra/venv.sh && ensure_venv

VENV_DIR="${VENV_DIR:-.venv}"

ensure_venv() {
    local stamp="$VENV_DIR/.requirements-test.sha256"
    local wanted
    wanted=$(sha256sum infra/requirements-test.txt | cut -d' ' -f1)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
        return 0
    fi
    echo "== installing the Python test tools into $VENV_DIR (infra/requirements-test.txt)"
    if [ ! -x "$VENV_DIR/bin/python" ]; then
        if ! python3 -m venv "$VENV_DIR" >/dev/null 2>&1; then
            # Debian/Ubuntu ship venv separately.
            if command -v apt-get >/dev/null 2>&1; then
                py=$(python3 -c 'import sys; print(f"{sys.version_info.major}.{sys.version_info.minor}")')
                SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
                $SUDO apt-get install -y -q "python${py}-venv" >/dev/null
            fi
            rm -rf "$VENV_DIR"
            python3 -m venv "$VENV_DIR"
        fi
    fi
    "$VENV_DIR/bin/pip" install --quiet --disable-pip-version-check -r infra/requirements-test.txt
    echo "$wanted" >"$stamp"
}
