# ArchibaldOS real-time audio tuning. Every archibald.audio.<section>.<field> option takes its
# default from the profile file (archibald.audio.profile), the same JSON the `archibald` toolkit
# validates, so the Nix side and the toolkit never disagree about what the system should be.
{
  config,
  lib,
  ...
}:
let
  inherit (lib)
    literalExpression
    mkEnableOption
    mkIf
    mkOption
    types
    ;
  archibald = import ../../lib;
  cfg = config.archibald.audio;

  profileFile = lib.importJSON cfg.profile;
  settingsFromOptions = lib.mapAttrs (
    section: fields: lib.genAttrs fields (field: cfg.${section}.${field})
  ) archibald.profileFields;
in
{
  imports = [
    ./kernel.nix
    ./rtirq.nix
    ./das-watchdog.nix
    ./pipewire.nix
    ./device.nix
    ./limits.nix
    ./cpu.nix
    ./sysctl.nix
    ./usb.nix
    ./timers.nix
    ./packages.nix
  ];

  options.archibald.audio = {
    enable = mkEnableOption "the ArchibaldOS real-time audio tuning (kernel, IRQ priorities, PipeWire, limits)";

    profile = mkOption {
      type = types.path;
      default = ../../../profiles/default.json;
      defaultText = literalExpression "<archibaldos>/profiles/default.json";
      example = literalExpression "./profile.json";
      description = ''
        The audio profile (JSON, format 1, validated by `archibald profile validate`) whose values
        become the defaults of every `archibald.audio.<section>.<field>` option. An installed
        ArchibaldOS keeps it at {file}`/etc/nixos/profile.json`; `archibald apply` edits it and
        rebuilds. Options set in Nix still win over the file.
      '';
    };

    profileDefaults = mkOption {
      type = types.attrsOf (types.attrsOf types.anything);
      readOnly = true;
      internal = true;
      default = archibald.profileToOptions profileFile;
      defaultText = literalExpression "the sections of config.archibald.audio.profile";
      description = "The profile file's settings, read once; the defaults of the archibald.audio.* options.";
    };
  };

  config = mkIf cfg.enable {
    # The toolkit's default profile path: written from the option values, so a Nix override shows
    # up in `archibald doctor` and `archibald latency` exactly as the system was built.
    environment.etc."archibald/profile.json".text = builtins.toJSON (
      archibald.effectiveProfile {
        inherit (profileFile) name description;
        settings = settingsFromOptions;
      }
    );
  };
}
