# ArchibaldOS's own look: os-release name, Plymouth splash, SDDM background, Plasma wallpaper
# (installed, copied into each user's ~/Pictures/Wallpapers, and applied once at first login).
{
  config,
  lib,
  pkgs,
  ...
}:
let
  inherit (lib)
    literalExpression
    mkDefault
    mkEnableOption
    mkIf
    mkMerge
    mkOption
    types
    ;
  cfg = config.archibald.branding;
  artwork = cfg.artwork;
  wallpaperImages = "${artwork}/share/wallpapers/ArchibaldOS/contents/images";
  wallpaperSizes = [
    "1920x1080"
    "2560x1440"
    "3840x2160"
  ];

  applyWallpaperOnce = pkgs.writeShellScript "archibaldos-apply-wallpaper" ''
    stamp="''${XDG_STATE_HOME:-$HOME/.local/state}/archibaldos/wallpaper-applied"
    [ -e "$stamp" ] && exit 0
    ${pkgs.kdePackages.plasma-workspace}/bin/plasma-apply-wallpaperimage ${artwork}/${artwork.wallpaper} || exit 0
    mkdir -p "$(dirname "$stamp")" && touch "$stamp"
  '';
in
{
  options.archibald.branding = {
    enable = mkEnableOption "ArchibaldOS branding (os-release name, boot splash, login and desktop wallpaper)";

    artwork = mkOption {
      type = types.package;
      default = pkgs.callPackage ../pkgs/artwork.nix { };
      defaultText = literalExpression "pkgs.callPackage <archibaldos>/nix/pkgs/artwork.nix { }";
      description = "The rendered artwork (PNG from the SVG sources in assets/).";
    };
  };

  config = mkIf cfg.enable (mkMerge [
    {
      system.nixos.distroName = mkDefault "ArchibaldOS";
      system.nixos.distroId = mkDefault "archibaldos";

      boot.plymouth = {
        enable = mkDefault true;
        theme = mkDefault "archibaldos";
        themePackages = [ artwork ];
        logo = mkDefault "${artwork}/${artwork.plymouthLogo}";
      };

      environment.systemPackages = [ artwork ];
      environment.pathsToLink = [
        "/share/wallpapers"
        "/share/sddm"
      ];

      # "C" copies only when the target is missing, so a user's own edits and deletions stick.
      systemd.user.tmpfiles.rules = [
        "d %h/Pictures/Wallpapers 0755 - - -"
      ]
      ++ map (
        size: "C %h/Pictures/Wallpapers/archibaldos-${size}.png - - - - ${wallpaperImages}/${size}.png"
      ) wallpaperSizes;
    }

    (mkIf config.services.desktopManager.plasma6.enable {
      environment.etc."xdg/autostart/archibaldos-wallpaper.desktop".text = ''
        [Desktop Entry]
        Type=Application
        Name=ArchibaldOS wallpaper
        Comment=Sets the ArchibaldOS wallpaper at a user's first Plasma login
        Exec=${applyWallpaperOnce}
        OnlyShowIn=KDE;
        NoDisplay=true
        X-KDE-autostart-phase=2
      '';
    })
  ]);
}
