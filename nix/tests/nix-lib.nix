# `checks.x86_64-linux.nix-lib`: the unit tests of the pure functions in nix/lib
# (nix/lib/tests.nix, builtins only). The build succeeds with a one-line summary, or fails listing
# every failing case with its expected and actual value.
{
  runCommand,
  results ? import ../lib/tests.nix,
}:
let
  inherit (results) failures passed;
in
if failures == [ ] then
  runCommand "archibaldos-nix-lib-tests" { } ''
    echo "${toString passed} nix/lib tests passed" > $out
  ''
else
  runCommand "archibaldos-nix-lib-tests" { failures = builtins.toJSON failures; } ''
    echo "nix/lib tests: ${toString (builtins.length failures)} failed, ${toString passed} passed" >&2
    printf '%s\n' "$failures" >&2
    exit 1
  ''
