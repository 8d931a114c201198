#!/bin/sh
# ui_redraw.sh - from Enter on `set` to the finished full-screen redraw
# (outcome and plot panes) on a simulated cohort, with curses writing to a
# real pseudo-terminal (tmux).  tnmlab measures each line itself and shows
# "| N ms" on the status line; this reads it back.
# Usage: bench/ui_redraw.sh [TNMLAB [PATIENTS [CHANGES]]]
set -eu
TNMLAB=${1:-./tnmlab}
N=${2:-1000000}
K=${3:-11}
SOCK="tnmlab-bench-$$"
STATE=$(mktemp -d)
tm() { tmux -L "$SOCK" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$STATE"' EXIT
tm -f /dev/null new-session -d -s b -x 120 -y 40 \
    env LANG=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME="$STATE" "$TNMLAB"
wait_for() { # wait_for TEXT: poll the screen (up to 120 s)
    w=0
    while [ $w -lt 1200 ]; do
        tm capture-pane -p -t b | grep -q -- "$1" && return 0
        sleep 0.1
        w=$((w + 1))
    done
    echo "timed out waiting for: $1" >&2
    exit 1
}
wait_for "deruysscher2012 v"
tm send-keys -t b -l "simulate stage_iv $N 1"
tm send-keys -t b Enter
wait_for "simulated $N patients"
times=""
i=0
while [ $i -lt "$K" ]; do
    v=$((2 + i % 3))
    tm send-keys -t b -l "set max_lesions $v"
    tm send-keys -t b Enter
    wait_for "^tnmlab> set max_lesions $v\$"
    sleep 0.3
    wait_for "tnmlab> *\$"
    ms=$(tm capture-pane -p -t b | head -n 1 | sed -n 's/.*| \([0-9]*\) ms.*/\1/p')
    times="$times $ms"
    i=$((i + 1))
done
echo "set -> finished redraw, $N patients, $K changes (ms):$times"
echo "$times" | tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print "median: " a[int((NR+1)/2)] " ms"}'
