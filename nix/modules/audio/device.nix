# The audio interface: how many periods its ALSA buffer holds. WirePlumber applies it to every
# ALSA node, with the period size equal to the quantum so the hardware and the graph tick together.
{ config, lib, ... }:
let
  inherit (lib)
    mkIf
    types
    ;
  cfg = config.archibald.audio;
  fromProfile = import ./profile-option.nix { inherit config lib; } "device";
in
{
  options.archibald.audio.device = {
    type = fromProfile "type" {
      type = types.enum [
        "usb"
        "pci"
      ];
      description = ''
        The kind of interface, for the toolkit's latency budget (USB adds the bus's own
        buffering); USB-specific tuning is under `archibald.audio.usbAudio`.
      '';
    };

    periods = fromProfile "periods" {
      type = types.ints.between 2 8;
      description = "ALSA periods per buffer (`api.alsa.period-num`); 2 is the lowest latency, 3 survives more scheduling jitter.";
    };
  };

  config = mkIf cfg.enable {
    services.pipewire.wireplumber.extraConfig."92-low-latency-alsa"."monitor.alsa.rules" = [
      {
        matches = [
          { "node.name" = "~alsa_input.*"; }
          { "node.name" = "~alsa_output.*"; }
        ];
        actions.update-props = {
          "api.alsa.period-size" = cfg.pipewire.quantum;
          "api.alsa.period-num" = cfg.device.periods;
          "api.alsa.headroom" = 0;
        };
      }
    ];
  };
}
