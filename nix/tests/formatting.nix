# `checks.x86_64-linux.formatting`: every .nix file in the flake's source is formatted as nixfmt
# (RFC 166 style) writes it. This is the nixfmt that `nix fmt` runs through nixfmt-tree, here in
# check mode: the build fails naming each file nixfmt would change, and builds an empty $out
# otherwise. (The whole source is the input, so any edit reruns it; nixfmt takes about a second.)
{
  runCommand,
  nixfmt,
  src,
}:
runCommand "archibaldos-formatting" { nativeBuildInputs = [ nixfmt ]; } ''
  cd ${src}
  find . -name '*.nix' -type f -print0 | sort -z | xargs -0 --no-run-if-empty nixfmt --check
  touch $out
''
