# Stand-in for nixpkgs' Calamares + Plasma 6 ISO module (test/nix/eval only): the iso-image
# options (iso-image.nix and image/file-options.nix, scope "iso-image" of the manifest) and the
# definitions of the real module chain that ArchibaldOS's installer host interacts with, at the
# priorities nixpkgs uses. Read in: installation-cd-graphical-calamares-plasma6.nix
# (NixOS/nixpkgs@253582e, SDDM + autoLogin), installation-cd-graphical-base.nix and
# installation-cd-base.nix and iso-image.nix (Swarsel/nixpkgs@4aa6836).
{
  config,
  lib,
  pkgs,
  ...
}:
{
  imports = [ ((import ../../../nixos-options.nix { inherit lib pkgs; }) "iso-image") ];

  config = {
    # iso-image.nix: the file name at normal priority (hence the host's mkForce), the volume ID
    # default and its length assertion.
    image.baseName = "nixos${
      lib.optionalString (config.isoImage.edition != "") "-${config.isoImage.edition}"
    }-25.11-x86_64-linux";
    isoImage.volumeID = lib.mkOptionDefault "nixos${
      lib.optionalString (config.isoImage.edition != "") "-${config.isoImage.edition}"
    }-25.11-x86_64";
    assertions = [
      {
        assertion = !(lib.stringLength config.isoImage.volumeID > 32);
        message = "isoImage.volumeID ${config.isoImage.volumeID} is ${toString (lib.stringLength config.isoImage.volumeID)} characters. That is more than the limit of 32.";
      }
    ];

    # The ISO itself (make-iso9660-image.nix is given isoName = "${image.baseName}.iso").
    system.build.isoImage = {
      type = "derivation";
      name = "iso";
      outPath = "/nix/store/00000000000000000000000000000000-iso";
      isoName = "${config.image.baseName}.iso";
    };

    # installation-cd-graphical-calamares-plasma6.nix
    isoImage.edition = lib.mkDefault "plasma6";
    services.desktopManager.plasma6.enable = true;
    services.displayManager = {
      sddm.enable = true;
      autoLogin = {
        enable = true;
        user = "nixos";
      };
    };
    # installation-cd-graphical-calamares.nix
    environment.systemPackages = [
      pkgs.calamares-nixos
      pkgs.calamares-nixos-extensions
    ];
    # installation-cd-graphical-base.nix
    boot.plymouth.enable = true;
    services.xserver.enable = true;
    # installation-cd-base.nix
    system.stateVersion = lib.mkDefault "25.11";
  };
}
