#!/bin/sh
# install-deps.sh - install the Debian packages tnmlab needs to build and test.
# Idempotent: does nothing (and needs no network) when everything is present.
# Usage: ./install-deps.sh [--r]   (--r adds R for the reference comparisons)
set -eu

PKGS="build-essential autoconf automake pkg-config libncurses-dev libreadline-dev
liblua5.4-dev lua5.4 libcmocka-dev libgsl-dev libsqlite3-dev sqlite3 libpq-dev postgresql librsvg2-dev libcairo2-dev tmux locales clang clang-format librsvg2-bin
time git"
case "${1:-}" in
    --r) PKGS="$PKGS r-base-core r-cran-survival" ;;
esac

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

if [ -n "$missing" ]; then
    echo "install-deps: installing$missing"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

# A locale with a decimal comma, so the locale test has something to bite on.
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
    if [ -f /etc/locale.gen ]; then
        $SUDO sed -i 's/^# *de_DE.UTF-8 UTF-8/de_DE.UTF-8 UTF-8/' /etc/locale.gen
        grep -q '^de_DE.UTF-8 UTF-8' /etc/locale.gen ||
            echo 'de_DE.UTF-8 UTF-8' | $SUDO tee -a /etc/locale.gen >/dev/null
        $SUDO locale-gen >/dev/null 2>&1 || true
    fi
fi
