# Stand-ins for the NixOS options the ArchibaldOS modules (and musnix's) set, typed like nixpkgs'
# where merging matters (lists concatenate, lines join, a sysctl key is defined once per
# priority). Everything else is free-form.
{ lib, pkgs }:
let
  inherit (lib) mkOption types;
  list = mkOption {
    type = types.listOf types.anything;
    default = [ ];
  };
  lines = mkOption {
    type = types.lines;
    default = "";
  };
  nullableString = mkOption {
    type = types.nullOr types.str;
    default = null;
  };
  bool =
    default:
    mkOption {
      type = types.bool;
      inherit default;
    };
in
{
  freeformType = types.lazyAttrsOf types.anything;
  options = {
    assertions = list;
    warnings = mkOption {
      type = types.listOf types.str;
      default = [ ];
    };
    boot.kernelParams = mkOption {
      type = types.listOf (types.strMatching ''([^"[:space:]]|"[^"]*")+'');
      default = [ ];
    };
    boot.kernelModules = list;
    boot.kernel.sysctl = mkOption {
      type = types.attrsOf (types.nullOr (types.oneOf [ types.bool types.str types.int ]));
      default = { };
    };
    boot.extraModprobeConfig = lines;
    boot.postBootCommands = lines;
    boot.kernelPackages = mkOption {
      type = types.raw;
      default = pkgs.linuxPackages;
    };
    boot.plymouth = {
      enable = bool false;
      themePackages = list;
      logo = mkOption { type = types.str; default = ""; };
    };
    security.pam.loginLimits = list;
    security.sudo.wheelNeedsPassword = bool true;
    security.rtkit.enable = bool false;
    services.udev.extraRules = lines;
    services.udev.packages = list;
    services.das_watchdog.enable = bool false;
    services.irqbalance.enable = bool false;
    services.jack.jackd.enable = bool false;
    services.desktopManager.plasma6.enable = bool false;
    environment.systemPackages = list;
    environment.pathsToLink = list;
    environment.sessionVariables = mkOption {
      type = types.attrsOf types.str;
      default = { };
    };
    environment.etc = mkOption {
      type = types.attrsOf (types.attrsOf types.anything);
      default = { };
    };
    systemd.tmpfiles.rules = list;
    systemd.user.tmpfiles.rules = list;
    systemd.services = mkOption {
      type = types.attrsOf types.anything;
      default = { };
    };
    users.users = mkOption {
      type = types.attrsOf (
        types.submodule {
          freeformType = types.attrsOf types.anything;
          options.extraGroups = list;
        }
      );
      default = { };
    };
    nix.settings.experimental-features = list;
    nixpkgs.overlays = list;
    system.extraDependencies = list;
    networking.hostName = nullableString;
    system.nixos.distroName = nullableString;
    image.baseName = nullableString;
    isoImage.volumeID = nullableString;
    boot.plymouth.theme = nullableString;
    powerManagement.cpuFreqGovernor = mkOption {
      type = types.nullOr types.str;
      default = null;
    };
  };
}
