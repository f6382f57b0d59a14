# Unit tests for ./default.nix, builtins only:
#   nix-instantiate --eval --strict nix/lib/tests.nix
# evaluates to { failures = [ ... ]; passed = N; } and the failures list is empty when all pass.
let
  archibald = import ./.;
  inherit (builtins) filter length map tryEval;

  throws = expression: !(tryEval expression).success;

  defaultProfile = builtins.fromJSON (builtins.readFile ../../profiles/default.json);
  kernelDefaults = {
    mode = "rt";
    threadirqs = true;
    isolatedCpus = null;
  };

  cases = [
    {
      name = "cpu list: single CPU";
      actual = archibald.expandCpuList "2";
      expected = [ 2 ];
    }
    {
      name = "cpu list: ranges and singles, sorted and de-duplicated";
      actual = archibald.expandCpuList "1,3-5,4";
      expected = [
        1
        3
        4
        5
      ];
    }
    {
      name = "cpu list: multi-digit CPUs";
      actual = archibald.expandCpuList "10-12";
      expected = [
        10
        11
        12
      ];
    }
    {
      name = "cpu list: descending range rejected";
      actual = archibald.isCpuList "3-2";
      expected = false;
    }
    {
      name = "cpu list: empty, spaces, trailing comma and words rejected";
      actual = map archibald.isCpuList [
        ""
        "1, 2"
        "1,"
        "all"
        "-1"
      ];
      expected = [
        false
        false
        false
        false
        false
      ];
    }
    {
      name = "cpu list: above the kernel's CPU limit rejected";
      actual = archibald.isCpuList "8192";
      expected = false;
    }
    {
      name = "cpu list: expanding an invalid list throws";
      actual = throws (archibald.expandCpuList "5-1");
      expected = true;
    }
    {
      name = "kernel params: rt defaults";
      actual = archibald.kernelParams kernelDefaults;
      expected = [
        "threadirqs"
        "nmi_watchdog=0"
        "transparent_hugepage=madvise"
      ];
    }
    {
      name = "kernel params: lowlatency switches preemption to full";
      actual = archibald.kernelParams (kernelDefaults // { mode = "lowlatency"; });
      expected = [
        "preempt=full"
        "threadirqs"
        "nmi_watchdog=0"
        "transparent_hugepage=madvise"
      ];
    }
    {
      name = "kernel params: one isolated-CPU option drives isolcpus, nohz_full and rcu_nocbs";
      actual = archibald.kernelParams (
        kernelDefaults
        // {
          isolatedCpus = "2-3";
          threadirqs = false;
          disableNmiWatchdog = false;
        }
      );
      expected = [
        "isolcpus=2-3"
        "nohz_full=2-3"
        "rcu_nocbs=2-3"
        "transparent_hugepage=madvise"
      ];
    }
    {
      name = "kernel params: mitigations, SMT and hugepages";
      actual = archibald.kernelParams (
        kernelDefaults
        // {
          disableMitigations = true;
          disableSmt = true;
          transparentHugepages = "never";
        }
      );
      expected = [
        "threadirqs"
        "mitigations=off"
        "nosmt"
        "nmi_watchdog=0"
        "transparent_hugepage=never"
      ];
    }
    {
      name = "kernel params: bad isolated CPU list throws";
      actual = throws (archibald.kernelParams (kernelDefaults // { isolatedCpus = "2-"; }));
      expected = true;
    }
    {
      name = "kernel params: unknown mode throws";
      actual = throws (archibald.kernelParams (kernelDefaults // { mode = "preempt"; }));
      expected = true;
    }
    {
      name = "pipewire: clock forces rate and quantum, not only the floor";
      actual =
        (archibald.pipewireFragments {
          rate = 48000;
          allowedRates = [
            44100
            48000
          ];
          quantum = 64;
          minQuantum = 32;
          maxQuantum = 1024;
        }).pipewire."92-low-latency"."context.properties";
      expected = {
        "default.clock.rate" = 48000;
        "default.clock.allowed-rates" = [
          44100
          48000
        ];
        "default.clock.quantum" = 64;
        "default.clock.min-quantum" = 32;
        "default.clock.max-quantum" = 1024;
      };
    }
    {
      name = "pipewire: pulse, jack and client latency follow quantum/rate";
      actual =
        let
          fragments = archibald.pipewireFragments {
            rate = 96000;
            allowedRates = [ 96000 ];
            quantum = 128;
            minQuantum = 64;
            maxQuantum = 2048;
          };
        in
        [
          fragments.pipewire-pulse."92-low-latency"."pulse.properties"."pulse.min.req"
          fragments.pipewire-pulse."92-low-latency"."stream.properties"."node.latency"
          fragments.jack."92-low-latency"."jack.properties"."node.latency"
          fragments.client."92-low-latency"."stream.properties"."node.latency"
        ];
      expected = [
        "128/96000"
        "128/96000"
        "128/96000"
        "128/96000"
      ];
    }
    {
      name = "pipewire: no client-rt file (removed in PipeWire 1.4)";
      actual = builtins.attrNames (
        archibald.pipewireFragments {
          rate = 48000;
          allowedRates = [ 48000 ];
          quantum = 32;
          minQuantum = 32;
          maxQuantum = 32;
        }
      );
      expected = [
        "client"
        "jack"
        "pipewire"
        "pipewire-pulse"
      ];
    }
    {
      name = "limits: @audio rtprio, nice and memlock";
      actual = archibald.audioLimits {
        rtprio = 95;
        nice = -19;
        memlock = "unlimited";
      };
      expected = [
        {
          domain = "@audio";
          type = "-";
          item = "rtprio";
          value = "95";
        }
        {
          domain = "@audio";
          type = "-";
          item = "nice";
          value = "-19";
        }
        {
          domain = "@audio";
          type = "-";
          item = "memlock";
          value = "unlimited";
        }
      ];
    }
    {
      name = "usb: lowlatency parameter, never nrpacks";
      actual = [
        (archibald.usbAudioModprobe { lowlatency = true; })
        (archibald.usbAudioModprobe { lowlatency = false; })
      ];
      expected = [
        "options snd_usb_audio lowlatency=1"
        "options snd_usb_audio lowlatency=0"
      ];
    }
    {
      name = "usb: autosuspend off disables it on the kernel command line";
      actual = [
        (archibald.usbKernelParams { autosuspend = false; })
        (archibald.usbKernelParams { autosuspend = true; })
      ];
      expected = [
        [ "usbcore.autosuspend=-1" ]
        [ ]
      ];
    }
    {
      name = "sysctl: swappiness and inotify watches";
      actual = archibald.sysctl {
        swappiness = 0;
        maxUserWatches = 524288;
      };
      expected = {
        "vm.swappiness" = 0;
        "fs.inotify.max_user_watches" = 524288;
      };
    }
    {
      name = "rtirq: name list as rtirq.conf wants it";
      actual = archibald.rtirqNameList [
        "snd"
        "usb"
        "i8042"
      ];
      expected = "snd usb i8042";
    }
    {
      name = "iso: file name";
      actual = archibald.isoBaseName "0.1.0";
      expected = "archibaldos-0.1.0";
    }
    {
      name = "iso: volume ID fits ISO 9660's 32 characters";
      actual = map (version: builtins.stringLength (archibald.isoVolumeId version)) [
        "0.1.0"
        "2026.11.24-rc.1+build.1234567890"
      ];
      expected = [
        24
        32
      ];
    }
    {
      name = "profile: default profile reads into option values";
      actual = (archibald.profileToOptions defaultProfile).pipewire.quantum;
      expected = defaultProfile.pipewire.quantum;
    }
    {
      name = "profile: header fields are not options";
      actual = builtins.attrNames (archibald.profileToOptions defaultProfile);
      expected = [
        "cpu"
        "device"
        "kernel"
        "limits"
        "pipewire"
        "rtirq"
        "sysctl"
        "usbAudio"
      ];
    }
    {
      name = "profile: unknown and missing fields are named";
      actual = archibald.profileErrors (
        defaultProfile
        // {
          kernel = {
            mode = "rt";
            threadirqs = true;
            irqs = 1;
          };
          extra = true;
        }
      );
      expected = [
        "unknown field extra"
        "unknown field kernel.irqs"
        "missing field kernel.isolatedCpus"
      ];
    }
    {
      name = "profile: wrong version is an error";
      actual = archibald.profileErrors (defaultProfile // { version = 2; });
      expected = [ "version must be 1 (got 2)" ];
    }
    {
      name = "profile: invalid profile throws when read";
      actual = throws (archibald.profileToOptions (builtins.removeAttrs defaultProfile [ "cpu" ]));
      expected = true;
    }
    {
      name = "effective profile: header plus settings";
      actual = builtins.attrNames (
        archibald.effectiveProfile {
          name = "studio";
          description = "d";
          settings = archibald.profileToOptions defaultProfile;
        }
      );
      expected = [
        "cpu"
        "description"
        "device"
        "kernel"
        "limits"
        "name"
        "pipewire"
        "rtirq"
        "sysctl"
        "usbAudio"
        "version"
      ];
    }
  ];

  failures = map (case: {
    inherit (case) name expected actual;
  }) (filter (case: case.actual != case.expected) cases);
in
{
  inherit failures;
  passed = length cases - length failures;
}
