#!/usr/bin/env bash
# Installs Debian packages a script needs when they are missing (as root, or with sudo).
#
#   source infra/apt.sh && command -v node >/dev/null || apt_install nodejs npm

apt_install() {
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "$1 is missing and apt-get is not available to install it" >&2
        exit 1
    fi
    echo "== installing $* (apt)"
    $sudo apt-get install -y -q "$@" >/dev/null 2>&1 || {
        $sudo apt-get update -q >/dev/null
        $sudo apt-get install -y -q "$@" >/dev/null
    }
}
