# The live/installer ISO: nixpkgs' Calamares + Plasma 6 image with the ArchibaldOS modules,
# branding and installer customisation, auto-login as `nixos` and sudo without a password.
{
  lib,
  modulesPath,
  archibaldInputs,
  ...
}:
let
  archibaldLib = import ../lib;
  version = (lib.importJSON ../../package.json).version;
  inherit (archibaldInputs) self;
in
{
  imports = [ "${modulesPath}/installer/cd-dvd/installation-cd-graphical-calamares-plasma6.nix" ];

  nixpkgs.hostPlatform = lib.mkDefault "x86_64-linux";
  networking.hostName = "archibaldos-live";

  archibald = {
    audio.enable = true;
    # The live system boots the binary-cached kernel so building the ISO compiles nothing; the
    # installed system gets the kernel its profile asks for.
    audio.kernel.mode = "lowlatency";
    audio.packages.enable = true;
    branding.enable = true;
    desktop.enable = true;
    installer = {
      enable = true;
      # Installed systems follow the revision the ISO was built from. A dirty tree has no rev:
      # then the installer asks for --source (see docs/installer.md).
      source = lib.mkIf (self ? rev) {
        # Where the ArchibaldOS flake is published; change it in a fork.
        url = "github:archibaldos/archibaldos";
        inherit (self) rev narHash;
      };
      # The live ISO has no network. The flake inputs' sources let an install evaluate offline, and
      # the reference installed system carries the closure it builds from: the PREEMPT_RT kernel
      # and the audio packages. That makes building the ISO compile the RT kernel once (then it
      # is in your store or cache), so installing never has to.
      storeContents =
        map (input: input.outPath) [
          self
          archibaldInputs.nixpkgs
          archibaldInputs.musnix
          archibaldInputs.disko
        ]
        ++ [ self.nixosConfigurations.archibaldOS.config.system.build.toplevel ];
    };
    users = {
      enable = true;
      # The ISO's own account (auto-login is set by the Calamares/Plasma module).
      name = "nixos";
      passwordlessSudo = true;
    };
  };

  # nixpkgs' ISO module sets the file name at normal priority; ours must win.
  image.baseName = lib.mkForce (archibaldLib.isoBaseName version);
  isoImage.volumeID = archibaldLib.isoVolumeId version;

  system.stateVersion = lib.mkDefault "25.11";
}
