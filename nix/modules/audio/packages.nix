# The studio's programs and where they find plugins.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  inherit (lib)
    literalExpression
    mkOverride
    mkIf
    mkOption
    types
    ;
  cfg = config.archibald.audio;

  pluginFormats = [
    "lv2"
    "vst3"
    "clap"
    "ladspa"
    "vst"
    "lxvst"
    "dssi"
  ];
  # User plugins first, then the user's and the system's Nix profiles.
  pluginPath =
    format:
    lib.concatStringsSep ":" [
      "$HOME/.${format}"
      "$HOME/.nix-profile/lib/${format}"
      "/etc/profiles/per-user/$USER/lib/${format}"
      "/run/current-system/sw/lib/${format}"
    ];
in
{
  options.archibald = {
    npmRegistry = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "https://npm.example.org";
      description = ''
        Base URL of the npm registry the toolkit's dependencies are fetched from. The repository's
        package-lock.json records integrity hashes but no registry URLs, so the toolkit package
        needs this (or a lockfile regenerated with `--omit-lockfile-registry-resolved=false`).
      '';
    };

    package = mkOption {
      type = types.package;
      default = pkgs.callPackage ../../pkgs/archibald.nix { inherit (config.archibald) npmRegistry; };
      defaultText = literalExpression "pkgs.callPackage <archibaldos>/nix/pkgs/archibald.nix { inherit (config.archibald) npmRegistry; }";
      description = "The `archibald` toolkit (doctor, latency, bench, profile, console).";
    };

    audio.packages.enable = mkOption {
      type = types.bool;
      default = true;
      description = ''
        Install the studio set: Ardour, Audacity, Carla, Guitarix, QjackCtl, qpwgraph, the JACK
        example tools (jack_iodelay, jack_lsp, ...), rt-tests (cyclictest) and the toolkit.
      '';
    };
  };

  config = mkIf (cfg.enable && cfg.packages.enable) {
    environment.systemPackages = [
      config.archibald.package
      pkgs.ardour
      pkgs.audacity
      pkgs.carla
      pkgs.guitarix
      pkgs.qjackctl
      pkgs.qpwgraph
      pkgs.jack-example-tools
      pkgs.rt-tests
    ];

    # `archibald apply` rebuilds with `nixos-rebuild --flake` and `nix flake update`.
    nix.settings.experimental-features = [
      "nix-command"
      "flakes"
    ];

    environment.pathsToLink = map (format: "/lib/${format}") pluginFormats;
    environment.sessionVariables = lib.listToAttrs (
      map (format: {
        name = "${lib.toUpper format}_PATH";
        # Between mkDefault (musnix's base module) and a plain user definition.
        value = mkOverride 900 (pluginPath format);
      }) pluginFormats
    );
  };
}
