# High-resolution timer devices for @audio: MIDI sequencers and some DAWs use /dev/rtc0 and
# /dev/hpet, and latency tools write /dev/cpu_dma_latency to keep the CPU out of deep C-states.
{ config, lib, ... }:
let
  inherit (lib) mkIf mkOption types;
  cfg = config.archibald.audio;
in
{
  options.archibald.audio.timerAccess.enable = mkOption {
    type = types.bool;
    default = true;
    description = "Give @audio access to /dev/rtc0, /dev/hpet and /dev/cpu_dma_latency (udev), with a 3072 Hz user timer ceiling.";
  };

  config = mkIf (cfg.enable && cfg.timerAccess.enable) {
    services.udev.extraRules = ''
      KERNEL=="rtc0", GROUP="audio", ATTR{max_user_freq}="3072"
      KERNEL=="hpet", GROUP="audio"
      DEVPATH=="/devices/virtual/misc/cpu_dma_latency", OWNER="root", GROUP="audio", MODE="0660"
    '';
    boot.kernel.sysctl."dev.hpet.max-user-freq" = lib.mkDefault 3072;
  };
}
