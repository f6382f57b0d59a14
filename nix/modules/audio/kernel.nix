# Kernel choice and boot parameters.
#   "rt":         musnix builds the mainline kernel (>= 6.12) with PREEMPT_RT; compiled locally.
#   "lowlatency": the binary-cached stock kernel, switched to full preemption at boot
#                 (PREEMPT_DYNAMIC) with threaded IRQs.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  inherit (lib)
    literalExpression
    mkIf
    mkMerge
    mkOption
    types
    ;
  archibald = import ../../lib;
  cfg = config.archibald.audio;
  fromProfile = import ./profile-option.nix { inherit config lib; } "kernel";
  kcfg = cfg.kernel;

  isolatesCpu0 =
    kcfg.isolatedCpus != null && builtins.elem 0 (archibald.expandCpuList kcfg.isolatedCpus);
  isolatedCpuList = lib.types.addCheck types.str archibald.isCpuList // {
    description = "Linux CPU list such as \"2-3\" or \"1,3\"";
  };
in
{
  options.archibald.audio.kernel = {
    mode = fromProfile "mode" {
      type = types.enum [
        "rt"
        "lowlatency"
      ];
      description = ''
        `"rt"`: a PREEMPT_RT kernel (musnix, mainline >= 6.12), the lowest worst-case latency, but
        the kernel is compiled on your machine (an hour or more) unless a binary cache has it.
        `"lowlatency"`: the stock NixOS kernel from the binary cache with `preempt=full` and
        threaded IRQs; nothing to compile, good for most work at 128 frames and above.
      '';
    };

    threadirqs = fromProfile "threadirqs" {
      type = types.bool;
      description = "Run interrupt handlers as threads (`threadirqs`), so rtirq can prioritise the sound card's.";
    };

    isolatedCpus = fromProfile "isolatedCpus" {
      type = types.nullOr isolatedCpuList;
      example = "2-3";
      description = ''
        CPUs reserved for audio: one list sets `isolcpus=`, `nohz_full=` and `rcu_nocbs=`.
        `null` isolates nothing. Pin the audio threads there yourself (e.g. `taskset`).
      '';
    };

    disableMitigations = mkOption {
      type = types.bool;
      default = false;
      description = "Boot with `mitigations=off`: less syscall overhead, no protection against CPU side-channel attacks.";
    };

    disableSmt = mkOption {
      type = types.bool;
      default = false;
      description = "Boot with `nosmt`: no hyper-threading siblings competing with audio threads, half the logical CPUs.";
    };

    disableNmiWatchdog = mkOption {
      type = types.bool;
      default = true;
      description = "Boot with `nmi_watchdog=0`: the NMI watchdog's periodic interrupts add jitter.";
    };

    transparentHugepages = mkOption {
      type = types.enum [
        "always"
        "madvise"
        "never"
      ];
      default = "madvise";
      description = ''
        `transparent_hugepage=`: "always" lets khugepaged compact memory behind audio threads' backs;
        "madvise" only for programs that ask.
      '';
    };

    packages = mkOption {
      type = types.raw;
      default = pkgs.linuxPackages;
      defaultText = literalExpression "pkgs.linuxPackages";
      example = literalExpression "pkgs.linuxPackages_6_12";
      description = ''
        The kernel package set. In mode "rt" it must be a mainline kernel >= 6.12, which musnix
        rebuilds with PREEMPT_RT; in mode "lowlatency" it is used as it is.
      '';
    };

    alsaSequencer = mkOption {
      type = types.bool;
      default = true;
      description = "Load the ALSA sequencer and raw MIDI modules (`snd-seq`, `snd-rawmidi`) at boot for MIDI programs.";
    };
  };

  config = mkIf cfg.enable (mkMerge [
    {
      boot.kernelParams = archibald.kernelParams {
        inherit (kcfg)
          mode
          threadirqs
          isolatedCpus
          disableMitigations
          disableSmt
          disableNmiWatchdog
          transparentHugepages
          ;
      };
      boot.kernelModules = lib.optionals kcfg.alsaSequencer [
        "snd-seq"
        "snd-rawmidi"
      ];

      warnings =
        lib.optional kcfg.disableMitigations ''
          archibald.audio.kernel.disableMitigations = true boots with mitigations=off: the machine is
          exposed to Spectre-class attacks from any code it runs (including web pages). Set it to
          false unless this is an offline studio machine.
        ''
        ++ lib.optional isolatesCpu0 ''
          archibald.audio.kernel.isolatedCpus includes CPU 0, which handles housekeeping and
          unmovable interrupts; isolate other CPUs (e.g. "2-3") instead.
        ''
        ++ lib.optional (kcfg.isolatedCpus != null && config.services.irqbalance.enable) ''
          services.irqbalance.enable moves interrupts onto the CPUs in
          archibald.audio.kernel.isolatedCpus; disable irqbalance or clear the isolated CPU list.
        '';
    }

    (mkIf (kcfg.mode == "rt") {
      assertions = [
        {
          assertion = lib.versionAtLeast kcfg.packages.kernel.version "6.12";
          message = ''
            archibald.audio.kernel.mode = "rt" needs a mainline kernel >= 6.12 (native PREEMPT_RT);
            archibald.audio.kernel.packages has ${kcfg.packages.kernel.version}. Choose e.g.
            pkgs.linuxPackages_6_12, or set archibald.audio.kernel.mode = "lowlatency".
          '';
        }
      ];
      musnix.kernel.realtime = true;
      musnix.kernel.packages = kcfg.packages;
    })

    (mkIf (kcfg.mode == "lowlatency") {
      boot.kernelPackages = lib.mkDefault kcfg.packages;
    })
  ]);
}
