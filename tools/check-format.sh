#!/bin/sh
# tools/check-format.sh - every C source and header tracked by git is as
# clang-format (.clang-format at the top) writes it.  Exit 0 when so; else
# lists the files and how to fix them.  Run by .ci/run.
set -eu
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "check-format: clang-format is not installed" >&2; exit 1; }
bad=""
for f in $(git ls-files '*.c' '*.h'); do
    clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad="$bad $f"
done
if [ -n "$bad" ]; then
    echo "check-format: not formatted:$bad" >&2
    echo "fix with: clang-format -i$bad" >&2
    exit 1
fi
echo "check-format: $(git ls-files '*.c' '*.h' | wc -l) files formatted"
