# USB audio interfaces (snd-usb-audio). Linux 6.x has no `nrpacks` parameter any more;
# `lowlatency` is the switch that exists (default on, read-only at runtime).
{ config, lib, ... }:
let
  inherit (lib)
    mkIf
    types
    ;
  archibald = import ../../lib;
  cfg = config.archibald.audio;
  fromProfile = import ./profile-option.nix { inherit config lib; } "usbAudio";
in
{
  options.archibald.audio.usbAudio = {
    lowlatency = fromProfile "lowlatency" {
      type = types.bool;
      description = "`options snd_usb_audio lowlatency=1`: small URBs, one period of USB buffering.";
    };

    autosuspend = fromProfile "autosuspend" {
      type = types.bool;
      description = ''
        Allow USB autosuspend. `false` boots with `usbcore.autosuspend=-1` (for every USB device:
        an interface waking up mid-take drops samples).
      '';
    };
  };

  config = mkIf cfg.enable {
    boot.extraModprobeConfig = archibald.usbAudioModprobe { inherit (cfg.usbAudio) lowlatency; };
    boot.kernelParams = archibald.usbKernelParams { inherit (cfg.usbAudio) autosuspend; };
  };
}
