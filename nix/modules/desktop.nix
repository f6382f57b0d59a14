# Plasma 6 on Wayland, started by SDDM, with the X11 session kept as a fallback for plugins and
# tools that still need X.
{ config, lib, ... }:
let
  inherit (lib) mkDefault mkEnableOption mkIf;
  cfg = config.archibald.desktop;
in
{
  options.archibald.desktop.enable = mkEnableOption "the ArchibaldOS desktop (Plasma 6 on Wayland, SDDM, X11 fallback session)";

  config = mkIf cfg.enable {
    services.desktopManager.plasma6.enable = true;
    services.displayManager.sddm = {
      enable = true;
      wayland.enable = true;
    };
    services.displayManager.defaultSession = mkDefault "plasma";
    # Makes SDDM offer "Plasma (X11)" too (kwin-x11 ships with Plasma 6 in nixpkgs).
    services.xserver.enable = true;
    networking.networkmanager.enable = mkDefault true;
    # Commercial plugins, DAWs and some audio interfaces' firmware are unfree.
    nixpkgs.config.allowUnfree = mkDefault true;
    # Dolphin (files), Kate (text editor) and Konsole come with Plasma's default package set.
  };
}
