# pam_limits for @audio: the real-time priority, nice level and locked memory JACK/PipeWire
# clients need.
{ config, lib, ... }:
let
  inherit (lib)
    mkAfter
    mkIf
    types
    ;
  archibald = import ../../lib;
  cfg = config.archibald.audio;
  fromProfile = import ./profile-option.nix { inherit config lib; } "limits";
in
{
  options.archibald.audio.limits = {
    rtprio = fromProfile "rtprio" {
      type = types.ints.between 1 99;
      description = "Highest SCHED_FIFO priority members of @audio may use.";
    };

    nice = fromProfile "nice" {
      type = types.ints.between (-20) 19;
      description = "Lowest nice value members of @audio may use.";
    };

    memlock = fromProfile "memlock" {
      type = types.either (types.enum [ "unlimited" ]) types.ints.positive;
      description = "Memory members of @audio may lock (KiB, or \"unlimited\"), so audio buffers are never paged out.";
    };
  };

  config = mkIf cfg.enable {
    # loginLimits is a list and musnix (when musnix.enable is set) adds "@audio rtprio 99" too:
    # pam_limits lets the last line for the same domain and item win, so ours go last.
    security.pam.loginLimits = mkAfter (archibald.audioLimits {
      inherit (cfg.limits) rtprio nice memlock;
    });
  };
}
