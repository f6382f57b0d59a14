# ArchibaldOS installer (live ISO): nixpkgs' Calamares, customised so that the installed system
# is an ArchibaldOS flake, not a plain configuration.nix; plus what the headless
# `archibald install` needs (disko, the toolkit, the ISO's own source pin).
#
# How calamares-nixos-extensions is built (pkgs/by-name/ca/calamares-nixos-extensions/package.nix):
# modules/ -> $out/lib/calamares/modules, config/ -> $out/etc/calamares (older: share/calamares),
# branding/ -> $out/share/calamares/branding, then `@out@` is substituted in settings.conf.
# calamares-nixos wraps calamares with XDG_CONFIG_DIRS/XDG_DATA_DIRS pointing at that package.
# We replace settings.conf (re-running the @out@ substitution), add the `archibald` job module
# and the branding, and swap the package in through an overlay, because
# installation-cd-graphical-calamares.nix puts pkgs.calamares-nixos (and an autostart item made
# from it) into systemPackages: only changing the package set reaches those without a second
# Calamares on the ISO.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  inherit (lib)
    literalExpression
    mkEnableOption
    mkIf
    mkMerge
    mkOption
    types
    ;
  cfg = config.archibald.installer;
  calamaresDir = ../installer/calamares;
  version = (lib.importJSON ../../package.json).version;

  customise =
    extensions:
    extensions.overrideAttrs (old: {
      pname = "calamares-archibaldos-extensions";
      # The newline keeps a stock postInstall without one from running into ours.
      postInstall = (old.postInstall or "") + "\n" + ''
        conf=$out/etc/calamares
        [ -f "$conf/settings.conf" ] || conf=$out/share/calamares

        # Our sequence: the `archibald` job instead of the stock `nixos` job, no desktop chooser.
        install -Dm644 ${calamaresDir}/config/settings.conf "$conf/settings.conf"
        substituteInPlace "$conf/settings.conf" --replace-fail '@out@' "$out"
        # Offline install: the internet is checked but not required.
        install -Dm644 ${calamaresDir}/config/modules/welcome.conf "$conf/modules/welcome.conf"
        install -Dm644 ${calamaresDir}/config/modules/archibald.conf "$conf/modules/archibald.conf"
        substituteInPlace "$conf/modules/archibald.conf" --replace-fail '@profile@' ${lib.escapeShellArg cfg.profile}
        # The profile page: the toolkit lists its bundled profiles with the modelled round trip of
        # each, the same list `archibald install --profile` accepts, so the two installers agree.
        ${lib.getExe cfg.toolkit} install --list-profiles --calamares-page --profile ${lib.escapeShellArg cfg.profile} > "$conf/modules/audioprofile.conf"

        job=$out/lib/calamares/modules/archibald
        install -Dm644 ${calamaresDir}/modules/archibald/module.desc "$job/module.desc"
        install -Dm644 ${calamaresDir}/modules/archibald/main.py "$job/main.py"
        substituteInPlace "$job/main.py" --replace-fail '"@archibald@"' '"${lib.getExe cfg.toolkit}"'

        brand=$out/share/calamares/branding/archibaldos
        install -Dm644 ${calamaresDir}/branding/archibaldos/branding.desc "$brand/branding.desc"
        install -Dm644 ${calamaresDir}/branding/archibaldos/show.qml "$brand/show.qml"
        substituteInPlace "$brand/branding.desc" --replace-fail '@version@' ${lib.escapeShellArg version}
        install -Dm644 ${cfg.artwork}/share/icons/hicolor/256x256/apps/archibaldos.png "$brand/logo.png"
        install -Dm644 ${cfg.artwork}/share/wallpapers/ArchibaldOS/contents/screenshot.png "$brand/welcome.png"
      '';
    });

  # An unknown narHash is left out rather than written as null (docs/installer.md, "Source pin").
  sourceJson = builtins.toJSON (
    if cfg.source.narHash == null then removeAttrs cfg.source [ "narHash" ] else cfg.source
  );
in
{
  options.archibald.installer = {
    enable = mkEnableOption ''
      the ArchibaldOS installer on a live ISO: Calamares is replaced by a customised build whose
      install job writes an ArchibaldOS flake into the target's /etc/nixos (through
      `archibald install finalize`) and installs it with `nixos-install --flake`; the headless
      `archibald install` gets disko and the ISO's source pin'';

    toolkit = mkOption {
      type = types.package;
      default = pkgs.callPackage ../pkgs/archibald.nix { };
      defaultText = literalExpression "pkgs.callPackage <archibaldos>/nix/pkgs/archibald.nix { }";
      description = "The `archibald` toolkit the Calamares job calls (`archibald install finalize`).";
    };

    disko = mkOption {
      type = types.package;
      default = pkgs.disko;
      defaultText = literalExpression "pkgs.disko";
      description = "The disko command `archibald install` partitions with.";
    };

    artwork = mkOption {
      type = types.package;
      default = pkgs.callPackage ../pkgs/artwork.nix { };
      defaultText = literalExpression "pkgs.callPackage <archibaldos>/nix/pkgs/artwork.nix { }";
      description = "Rendered ArchibaldOS artwork; its logo and wallpaper preview brand the installer.";
    };

    profile = mkOption {
      type = types.strMatching "[a-z][a-z0-9-]{0,31}";
      default = "default";
      example = "live";
      description = ''
        The audio profile (profiles/<name>.json of the toolkit) preselected on the installer's
        profile page, and the one a graphical install copies to /etc/nixos/profile.json when the
        page leaves no choice. Must be a bundled profile: the ISO build fails otherwise.
      '';
    };

    source = mkOption {
      type = types.nullOr (
        types.submodule {
          options = {
            url = mkOption {
              type = types.strMatching "(github|gitlab|sourcehut|git\\+https|git\\+ssh|git\\+file|https|path):[^[:space:]\"\\\\$?#]+";
              example = "github:archibaldos/archibaldos";
              description = "Flake URL of ArchibaldOS, without a revision.";
            };
            rev = mkOption {
              type = types.strMatching "[0-9a-f]{40}";
              description = "The commit this ISO was built from (`self.rev`).";
            };
            narHash = mkOption {
              type = types.nullOr (types.strMatching "sha256-[A-Za-z0-9+/]{43}=");
              default = null;
              description = ''
                NAR hash of that source tree (`self.narHash`). With it the installed flake is locked
                to exactly this tree, and Nix finds it in the ISO's store instead of downloading it.
              '';
            };
          };
        }
      );
      default = null;
      example = literalExpression ''
        {
          url = "github:archibaldos/archibaldos";
          rev = self.rev;
          narHash = self.narHash;
        }
      '';
      description = ''
        The ArchibaldOS revision this ISO was built from, written to /etc/archibald/source.json.
        Installed systems follow it (`inputs.archibaldos.url` in their /etc/nixos/flake.nix).
        Leave null for an ISO built from a dirty tree; installs then need `--source URL@REV`.
      '';
    };

    storeContents = mkOption {
      type = types.listOf types.pathInStore;
      default = [ ];
      example = literalExpression "[ self.outPath nixpkgs.outPath self.nixosConfigurations.archibaldOS.config.system.build.toplevel ]";
      description = ''
        Store paths the ISO carries so an install builds and fetches as little as possible offline:
        the flake inputs' sources (ArchibaldOS itself, nixpkgs, musnix, disko) and a reference
        installed system. See docs/installer.md, "Offline installs".
      '';
    };

    calamaresExtensions = mkOption {
      type = types.package;
      readOnly = true;
      # With `enable`, the overlay below has already swapped in the customised package.
      default = pkgs.calamares-nixos-extensions;
      defaultText = literalExpression "pkgs.calamares-nixos-extensions";
      description = "The calamares-nixos-extensions Calamares uses: ArchibaldOS's sequence, job and branding when `enable` is set (build it with `nix build .#installer.config.archibald.installer.calamaresExtensions`).";
    };
  };

  config = mkIf cfg.enable (mkMerge [
    {
      nixpkgs.overlays = [
        (_final: prev: {
          calamares-nixos-extensions = customise prev.calamares-nixos-extensions;
        })
      ];

      environment.systemPackages = [
        cfg.toolkit
        cfg.disko
      ];

      system.extraDependencies = cfg.storeContents;

      warnings =
        if cfg.source == null then
          [
            ''
              archibald.installer.source is not set, so /etc/archibald/source.json is missing on this ISO:
              the graphical installer will refuse to install and `archibald install` needs --source URL@REV.
              Set it from the flake's self.rev and self.narHash (docs/installer.md, "Source pin").
            ''
          ]
        else
          [ ];
    }

    (mkIf (cfg.source != null) {
      environment.etc."archibald/source.json".text = sourceJson;
    })
  ]);
}
