# lib.sh - shared helpers for the end-to-end shell tests.
# Each test sources this, calls check/check_eq, and ends with `finish`,
# which prints "N passed, M failed" and sets the exit status.
set -u
TNMLAB=${TNMLAB:-./tnmlab}
PASSED=0
FAILED=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tnmlab-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

pass() { PASSED=$((PASSED + 1)); }
fail() { FAILED=$((FAILED + 1)); printf 'FAIL: %s\n' "$*"; }

# check_eq NAME EXPECTED ACTUAL
check_eq() {
    if [ "$2" = "$3" ]; then pass; else fail "$1: expected [$2], got [$3]"; fi
}

# check_has NAME NEEDLE HAYSTACK
check_has() {
    case "$3" in
        *"$2"*) pass ;;
        *) fail "$1: [$2] not found in:
$(printf '%s\n' "$3" | head -n 40)" ;;
    esac
}

# check_lacks NAME NEEDLE HAYSTACK
check_lacks() {
    case "$3" in
        *"$2"*) fail "$1: [$2] should not appear in: $3" ;;
        *) pass ;;
    esac
}

finish() {
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
}

# skip REASON: automake's "skipped" status.
skip() {
    echo "SKIP: $*"
    exit 77
}

# --- tmux: drive the real binary in a pseudo-terminal -----------------------
TMUX_SOCK="tnmlab-e2e-$$"
tm() { tmux -L "$TMUX_SOCK" "$@"; }

# tmux_start WIDTH HEIGHT CMD...: one detached session named t.
tmux_start() {
    command -v tmux >/dev/null || skip "tmux is not installed (install-deps.sh installs it)"
    local w=$1 h=$2
    shift 2
    tm kill-server 2>/dev/null
    # A fresh socket each start: a server still shutting down on the old
    # one must not take the new session with it.
    TMUX_SOCK="tnmlab-e2e-$$-${RANDOM}${RANDOM}"
    tm -f /dev/null new-session -d -s t -x "$w" -y "$h" "$@"
    trap 'tm kill-server 2>/dev/null; rm -rf "$WORK"' EXIT
}

tmux_screen() { tm capture-pane -p -t t 2>/dev/null; }

# poll SECONDS CMD...: run CMD every 50 ms until it succeeds; 0 if it did
# within SECONDS.
poll() {
    local limit=$1 i=0
    shift
    while [ "$i" -lt $((limit * 20)) ]; do
        "$@" && return 0
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}

screen_has() { case "$(tmux_screen)" in *"$1"*) return 0 ;; esac; return 1; }
# tmux_wait TEXT [SECONDS]: poll the screen until TEXT shows; 0 if it did.
tmux_wait() { poll "${2:-10}" screen_has "$1"; }

# check_screen NAME TEXT [SECONDS]: TEXT appears on the screen in time.
check_screen() {
    if tmux_wait "$2" "${3:-10}"; then pass; else fail "$1: [$2] not on screen:
$(tmux_screen)"; fi
}

# tmux_alive: the program in pane t is still running.
tmux_alive() { [ "$(tm list-panes -t t -F '#{pane_dead}' 2>/dev/null)" = "0" ]; }

# tmux_wait_prompt PROMPT: poll until the last non-empty line on the screen
# is PROMPT, so that the line editor is reading (a Ctrl-D typed before
# that meets the terminal in canonical mode and is lost).
last_line_is() {
    [ "$(tmux_screen | sed '/^[[:space:]]*$/d' | tail -n 1 | sed 's/[[:space:]]*$//')" = "$1" ]
}
tmux_wait_prompt() { poll 10 last_line_is "$1"; }

# tmux_exited [SECONDS]: poll until the program in pane t has ended; 0 if it
# did.  Ending writes the history and the session file (slow under ASan).
tmux_dead() { ! tmux_alive; }
tmux_exited() { poll "${1:-10}" tmux_dead; }

# tmux_type TEXT: type TEXT literally (a bare "end" would be the End key).
tmux_type() { tm send-keys -t t -l "$1"; }
# tmux_line TEXT: type TEXT and press Enter.
tmux_line() { tm send-keys -t t -l "$1"; tm send-keys -t t Enter; }
