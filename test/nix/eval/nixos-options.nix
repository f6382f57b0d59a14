# The NixOS options ArchibaldOS's configurations may use, declared from the manifest
# (nixos-options.json) with the types nixpkgs declares, and nothing else: an option the manifest
# does not list fails with the module system's own "The option `…' does not exist".
#   scope: "nixos" (every system), "qemu-vm", "iso-image", "nixos-test", "colmena"
{ lib, pkgs }:
scope:
let
  declare = import ./declare.nix {
    inherit lib;
    manifest = lib.importJSON ./nixos-options.json;
  };
in
{
  imports = [ (declare.scopeModule scope) ];
}
// lib.optionalAttrs (scope == "nixos") {
  # What nixpkgs' own modules define that ArchibaldOS's read back: the kernel package set's
  # default (kernel.nix), and the system closure (top-level.nix), which the ISO carries.
  config = {
    boot.kernelPackages = lib.mkOptionDefault pkgs.linuxPackages;
    boot.plymouth.logo = lib.mkOptionDefault "${pkgs.nixos-icons}/share/icons/hicolor/48x48/apps/nix-snowflake-white.png";
    system.build.toplevel = pkgs.nixos-system;
  };
}
