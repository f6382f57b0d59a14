# The hive's host modules as plain values, for test/nix's option scan (no colmena, no nixpkgs):
# `archibaldos` stands in for the flake input with this repository's own modules (less the
# installer module, which belongs to the installer's own tests).
let
  hive = import ./hive.nix {
    archibaldos = {
      outPath = toString ../..;
      nixosModules.default.imports = [
        ../modules/audio
        ../modules/users.nix
        ../modules/desktop.nix
        ../modules/branding.nix
      ];
    };
    nixpkgs = _: { };
  };
  hosts = removeAttrs hive [
    "meta"
    "defaults"
  ];
in
[ (hive.defaults { name = "lab-01"; }) ] ++ builtins.attrValues hosts
