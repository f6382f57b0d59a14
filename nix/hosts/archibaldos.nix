# The installed ArchibaldOS (hostname "archibaldos"): audio tuning from profiles/default.json,
# Plasma 6, the audio user, branding.
{ lib, ... }:
{
  imports = [ ./hardware-stub.nix ];

  networking.hostName = "archibaldos";
  time.timeZone = lib.mkDefault "UTC";
  i18n.defaultLocale = lib.mkDefault "en_US.UTF-8";

  archibald = {
    audio.enable = true;
    users.enable = true;
    desktop.enable = true;
    branding.enable = true;
  };

  # Only for `nix build .#archibaldOS.config.system.build.vm` / `nix run .#vm`: a VM with enough
  # memory for Plasma and a password to log in with.
  virtualisation.vmVariant = {
    virtualisation.memorySize = 4096;
    virtualisation.cores = 2;
    archibald.users.initialPassword = "archibald";
  };

  system.stateVersion = "25.11";
}
