#!/bin/sh
# handout.sh - figures for slides and a teacher's handout: `export plot`
# as PNG and PDF holds the SVG's drawing (the PNG is the SVG rendered at its
# own size, as rsvg-convert renders it; the PDF a page of the same size);
# `export lesson DIR` runs a lesson's steps and writes index.md (each step's
# text, question, commands with their output, outcome and attrition) with a
# plot per step as SVG and PNG.
. "$(dirname "$0")/lib.sh"

png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 "x" $5 * 16777216 + $6 * 65536 + $7 * 256 + $8 }'; }

OUT=$("$TNMLAB" --no-restore -e "lab.set_cohort(cohort.demo(), 'demo'); assert(lab.run('use deruysscher2012'))
assert(lab.run('set max_lesions 2'))
for _, f in ipairs({'p.svg', 'p.png', 'p.pdf'}) do assert(lab.run('export plot $WORK/' .. f .. ' before')) end
print(lab.run('export plot $WORK/p.gif'))" 2>&1)
check_eq "a PNG" "89504e47" "$(od -An -tx1 -N4 "$WORK/p.png" | tr -d ' \n')"
check_has "a PDF" "%PDF-1." "$(head -c 8 "$WORK/p.pdf")"
check_has "other formats are refused" "plots are written as .svg, .png or .pdf" "$OUT"
if command -v rsvg-convert >/dev/null 2>&1; then
    rsvg-convert -o "$WORK/ref.png" "$WORK/p.svg"
    check_eq "the PNG is the SVG at its own size" "$(png_size "$WORK/ref.png")" "$(png_size "$WORK/p.png")"
fi
w=$(sed -n 's/.*<svg[^>]* width="\([0-9.]*\)".*/\1/p' "$WORK/p.svg" | head -n 1)
check_has "the PDF page is the SVG's size" "/MediaBox [ 0 0 $w " "$(tr -d '\r' <"$WORK/p.pdf" | grep -a MediaBox | head -n 1)"

# the handout of selection_bias, as the README shows it
"$TNMLAB" --no-restore -e "assert(lab.run('lesson selection_bias')); assert(lab.run('export lesson $WORK/handout'))" >"$WORK/h.out" 2>&1
check_eq "export lesson exits 0" "0" "$?"
H="$WORK/handout/index.md"
check_eq "one section per step" "7" "$(grep -c '^## Step [0-9] of 7: ' "$H")"
check_eq "a question per step" "7" "$(grep -c '^\*\*Question:\*\* ' "$H")"
check_has "the step's commands with their output (the split's treatment line)" "treatment (the same" "$(cat "$H")"
check_has "the outcome as the screen shows it" "selected 328 of 2000 (16.4%) [-41]" "$(cat "$H")"
check_eq "a plot per step, SVG" "7" "$(ls "$WORK/handout"/step-*.svg | wc -l)"
check_eq "and PNG" "7" "$(ls "$WORK/handout"/step-*.png | wc -l)"
check_has "linked from the handout" "![Step 2](step-02.svg)" "$(cat "$H")"
OUT=$("$TNMLAB" --no-restore -e "print(lab.run('export lesson $WORK/x'))" 2>&1)
check_has "no lesson running" "export lesson: no lesson is running" "$OUT"
finish
