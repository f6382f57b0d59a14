# ArchibaldOS installer: customises nixpkgs' Calamares so that the installed
# system is an ArchibaldOS flake, not a plain configuration.nix.
{ config, lib, ... }:
let
  inherit (lib) mkEnableOption;
  cfg = config.archibald.installer;
in
{
  options.archibald.installer = {
    enable = mkEnableOption ''
      the ArchibaldOS installer on a live ISO: Calamares is replaced by a
      customised build whose final job writes an ArchibaldOS flake into the
      target's /etc/nixos (via `archibald install finalize`) and installs it
      with `nixos-install --flake`
    '';
  };

  config = lib.mkIf cfg.enable { };
}
