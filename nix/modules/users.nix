# The musician's account: in the groups that carry real-time limits (@audio from
# archibald.audio.limits, @pipewire from the PipeWire module) and device access.
{ config, lib, ... }:
let
  inherit (lib)
    mkEnableOption
    mkIf
    mkOption
    types
    ;
  cfg = config.archibald.users;
in
{
  options.archibald.users = {
    enable = mkEnableOption "the ArchibaldOS audio user account";

    name = mkOption {
      type = types.strMatching "[a-z_][a-z0-9_-]*";
      default = "audio-user";
      description = "Login name of the audio user.";
    };

    description = mkOption {
      type = types.str;
      default = "ArchibaldOS audio user";
      description = "The account's full name (GECOS field).";
    };

    initialPassword = mkOption {
      type = types.nullOr types.str;
      default = null;
      description = ''
        Password set when the account is first created (then changed with `passwd`). Leave `null`
        on installed systems: the installer sets the real one.
      '';
    };

    passwordlessSudo = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Let members of `wheel` use sudo without a password. On in the live ISO (its user has no
        password); off on installed systems, where sudo asks for the user's password.
      '';
    };
  };

  config = mkIf cfg.enable {
    users.groups.pipewire = { };
    users.users.${cfg.name} = {
      isNormalUser = true;
      # mkDefault: the live ISO's `nixos` account already has a description of its own.
      description = lib.mkDefault cfg.description;
      inherit (cfg) initialPassword;
      extraGroups = [
        "audio"
        "pipewire"
        "video"
        "wheel"
      ];
    };

    security.sudo.wheelNeedsPassword = !cfg.passwordlessSudo;
    warnings = lib.optional cfg.passwordlessSudo ''
      archibald.users.passwordlessSudo = true: anything running as ${cfg.name} can become root
      without a password. Fine on the live ISO; set it to false on a machine others can reach.
    '';
  };
}
