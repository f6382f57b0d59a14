# IRQ thread priorities (rtirq via musnix): the sound card's and USB's interrupt threads above
# everything else, so an audio period is never waiting behind a disk or network interrupt.
{ config, lib, ... }:
let
  inherit (lib)
    mkIf
    types
    ;
  archibald = import ../../lib;
  cfg = config.archibald.audio;
  fromProfile = import ./profile-option.nix { inherit config lib; } "rtirq";
  rcfg = cfg.rtirq;
  priority = types.ints.between 1 99;
in
{
  options.archibald.audio.rtirq = {
    enable = fromProfile "enable" {
      type = types.bool;
      description = "Raise the priority of the IRQ threads named in `nameList` at boot (musnix rtirq service).";
    };

    nameList = fromProfile "nameList" {
      # A space-separated string (rtirq.conf's own form, musnix's option) is accepted too.
      type = types.coercedTo types.str (names: lib.filter (name: name != "") (lib.splitString " " names)) (
        types.listOf (types.strMatching "[A-Za-z0-9_.:-]+")
      );
      example = [
        "snd"
        "usb"
      ];
      description = "IRQ thread names, highest priority first (e.g. `snd` for sound cards, `usb` for USB audio).";
    };

    prioHigh = fromProfile "prioHigh" {
      type = priority;
      description = "SCHED_FIFO priority of the first name's IRQ threads.";
    };

    prioDecr = fromProfile "prioDecr" {
      type = types.ints.between 1 20;
      description = "How much lower each following name's IRQ threads run.";
    };

    prioLow = fromProfile "prioLow" {
      type = priority;
      description = "The lowest priority rtirq assigns.";
    };
  };

  config = mkIf (cfg.enable && rcfg.enable) {
    assertions = [
      {
        assertion = rcfg.prioLow <= rcfg.prioHigh;
        message = "archibald.audio.rtirq.prioLow (${toString rcfg.prioLow}) must not exceed archibald.audio.rtirq.prioHigh (${toString rcfg.prioHigh}).";
      }
    ];
    warnings = lib.optional (!cfg.kernel.threadirqs && cfg.kernel.mode != "rt") ''
      archibald.audio.rtirq.enable has nothing to prioritise: interrupts are not threaded. Set
      archibald.audio.kernel.threadirqs = true (or kernel.mode = "rt").
    '';

    musnix.rtirq = {
      enable = true;
      nameList = archibald.rtirqNameList rcfg.nameList;
      inherit (rcfg) prioHigh prioDecr prioLow;
    };
  };
}
