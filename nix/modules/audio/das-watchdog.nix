# das_watchdog drops every SCHED_FIFO/RR task to SCHED_OTHER for a while when real-time tasks
# starve the machine, so a runaway audio thread cannot lock up a real-time kernel.
{ config, lib, ... }:
let
  inherit (lib)
    literalExpression
    mkIf
    mkOption
    types
    ;
  cfg = config.archibald.audio;
in
{
  options.archibald.audio.dasWatchdog.enable = mkOption {
    type = types.bool;
    default = cfg.kernel.mode == "rt";
    defaultText = literalExpression ''config.archibald.audio.kernel.mode == "rt"'';
    description = "Run das_watchdog (via musnix), which rescues the machine from a real-time task that never sleeps.";
  };

  config = mkIf cfg.enable {
    musnix.das_watchdog.enable = cfg.dasWatchdog.enable;
  };
}
