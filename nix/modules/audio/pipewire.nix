# PipeWire as the one sound server (ALSA, PulseAudio and, optionally, JACK clients), with the
# clock forced to the profile's rate and quantum.
{ config, lib, ... }:
let
  inherit (lib)
    mkDefault
    mkIf
    mkOption
    types
    ;
  archibald = import ../../lib;
  cfg = config.archibald.audio;
  fromProfile = import ./profile-option.nix { inherit config lib; } "pipewire";
  pcfg = cfg.pipewire;

  # The same lists as the toolkit's schema (src/profile/schema.ts).
  standardRate = types.enum [
    44100
    48000
    88200
    96000
    176400
    192000
  ];
  powersOfTwo = builtins.genList (i: builtins.foldl' (n: _: n * 2) 16 (builtins.genList (x: x) i)) 10;
  quantum = types.addCheck types.int (n: builtins.elem n powersOfTwo) // {
    description = "power of two in 16..8192 (frames)";
  };
in
{
  options.archibald.audio = {
    pipewire = {
      rate = fromProfile "rate" {
        type = standardRate;
        description = "The graph's sample rate in Hz (`default.clock.rate`).";
      };

      allowedRates = fromProfile "allowedRates" {
        type = types.nonEmptyListOf standardRate;
        description = "Rates the graph may switch to for a stream, avoiding resampling (`default.clock.allowed-rates`).";
      };

      quantum = fromProfile "quantum" {
        type = quantum;
        description = "Frames per period the graph runs at (`default.clock.quantum`, and every client's `node.latency`).";
      };

      minQuantum = fromProfile "minQuantum" {
        type = quantum;
        description = "Smallest quantum a client may ask for (`default.clock.min-quantum`).";
      };

      maxQuantum = fromProfile "maxQuantum" {
        type = quantum;
        description = "Largest quantum a client may ask for (`default.clock.max-quantum`).";
      };

      jackBridge = fromProfile "jackBridge" {
        type = types.bool;
        description = "Serve JACK clients from PipeWire (`services.pipewire.jack.enable`), so Ardour, Carla and the jack tools need no jackd.";
      };
    };

    rtkit.enable = mkOption {
      type = types.bool;
      default = true;
      description = "Run rtkit, through which PipeWire and desktop programs obtain real-time priority without @audio limits.";
    };
  };

  config = mkIf cfg.enable {
    assertions = [
      {
        assertion = pcfg.minQuantum <= pcfg.quantum && pcfg.quantum <= pcfg.maxQuantum;
        message = "archibald.audio.pipewire.quantum (${toString pcfg.quantum}) must lie within archibald.audio.pipewire.minQuantum (${toString pcfg.minQuantum}) .. archibald.audio.pipewire.maxQuantum (${toString pcfg.maxQuantum}).";
      }
      {
        assertion = builtins.elem pcfg.rate pcfg.allowedRates;
        message = "archibald.audio.pipewire.allowedRates must include archibald.audio.pipewire.rate (${toString pcfg.rate}).";
      }
      {
        assertion = pcfg.jackBridge -> !config.services.jack.jackd.enable;
        message = "archibald.audio.pipewire.jackBridge serves JACK from PipeWire; set it to false to run services.jack.jackd instead.";
      }
    ];

    security.rtkit.enable = cfg.rtkit.enable;

    services.pipewire = {
      enable = true;
      alsa.enable = true;
      alsa.support32Bit = mkDefault true;
      pulse.enable = true;
      jack.enable = pcfg.jackBridge;
      extraConfig = archibald.pipewireFragments {
        inherit (pcfg)
          rate
          allowedRates
          quantum
          minQuantum
          maxQuantum
          ;
      };
    };
  };
}
