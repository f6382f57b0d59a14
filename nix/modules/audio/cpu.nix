# CPU frequency policy: a fixed high clock keeps period processing time constant.
{ config, lib, ... }:
let
  inherit (lib)
    mkIf
    mkMerge
    mkOption
    mkOverride
    types
    ;
  cfg = config.archibald.audio;
  fromProfile = import ./profile-option.nix { inherit config lib; } "cpu";
in
{
  options.archibald.audio.cpu = {
    governor = fromProfile "governor" {
      type = types.enum [
        "performance"
        "schedutil"
        "ondemand"
        "conservative"
        "powersave"
      ];
      description = "cpufreq governor (`powerManagement.cpuFreqGovernor`).";
    };

    boost = mkOption {
      type = types.bool;
      default = true;
      description = ''
        Leave turbo/boost on. Turning it off trades peak speed for a clock that never changes
        under load (fewer latency spikes on some laptops).
      '';
    };
  };

  config = mkIf cfg.enable (mkMerge [
    {
      # musnix's base module sets "performance" at normal priority; ours must win either way.
      powerManagement.cpuFreqGovernor = mkOverride 90 cfg.cpu.governor;
    }
    (mkIf (!cfg.cpu.boost) {
      # tmpfiles "w" skips files that do not exist, so one rule per driver is safe on any CPU.
      systemd.tmpfiles.rules = [
        "w /sys/devices/system/cpu/cpufreq/boost - - - - 0"
        "w /sys/devices/system/cpu/intel_pstate/no_turbo - - - - 1"
      ];
    })
  ]);
}
