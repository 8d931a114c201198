# locale.sh - numbers read and print with a '.' whatever the user's locale.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

# Find an installed locale whose decimal separator is a comma.
loc=""
for l in de_DE.UTF-8 de_DE.utf8 fr_FR.UTF-8 fr_FR.utf8 $(locale -a 2>/dev/null); do
    if [ "$(LC_ALL=$l locale decimal_point 2>/dev/null)" = "," ]; then loc=$l; break; fi
done
[ -n "$loc" ] || skip "no installed locale with a decimal comma (install-deps.sh generates de_DE.UTF-8)"

check_eq "print(1.5) under $loc" "1.5" "$(LANG=$loc LC_ALL=$loc "$TNMLAB" -e 'print(1.5)')"
check_eq "tonumber('2.25') under $loc" "2.25" "$(LANG=$loc LC_ALL=$loc "$TNMLAB" -e 'print(tonumber("2.25"))')"
check_eq "string.format under $loc" "3.14" "$(LANG=$loc LC_ALL=$loc "$TNMLAB" -e 'print(string.format("%.2f", math.pi))')"
check_eq "LC_NUMERIC alone under $loc" "0.5" "$(LC_NUMERIC=$loc "$TNMLAB" -e 'print(1/2)')"
finish
