-- include() of a name that is a symbolic link out of the rules folder
-- (the test makes outside.lua -> a file elsewhere).
return include("outside")
