# NixOS VM test (pkgs.testers.runNixOSTest): boots the audio module in the given kernel mode and
# checks from inside the VM, with the `archibald` toolkit itself, that the kernel, the PipeWire
# clock and the real-time limits are what the profile says.
{
  audioModule,
  mode,
}:
{
  name = "archibaldos-audio-${mode}";

  # musnix adds a nixpkgs overlay, which read-only test pkgs would refuse.
  node.pkgsReadOnly = false;

  nodes.machine =
    { config, pkgs, ... }:
    {
      imports = [ audioModule ];
      archibald.audio = {
        enable = true;
        kernel.mode = mode;
        # The studio applications are not under test; the toolkit and PipeWire's tools are.
        packages.enable = false;
      };
      archibald.users.enable = true;
      # Starts the user's systemd (and PipeWire's socket) at boot, with no login needed.
      users.users.${config.archibald.users.name}.linger = true;
      environment.systemPackages = [
        config.archibald.package
        pkgs.pipewire
      ];
      virtualisation.memorySize = 2048;
      virtualisation.cores = 2;
    };

  testScript =
    { nodes, ... }:
    let
      audio = nodes.machine.archibald.audio;
      user = nodes.machine.archibald.users.name;
    in
    ''
      import json
      import re

      expected_mode = "${mode}"
      rate = ${toString audio.pipewire.rate}
      quantum = ${toString audio.pipewire.quantum}
      min_quantum = ${toString audio.pipewire.minQuantum}
      max_quantum = ${toString audio.pipewire.maxQuantum}
      rtprio = ${toString audio.limits.rtprio}
      nice = ${toString audio.limits.nice}
      memlock = "${toString audio.limits.memlock}"

      machine.wait_for_unit("multi-user.target")
      uid = machine.succeed("id -u ${user}").strip()
      machine.wait_for_unit(f"user@{uid}.service")
      machine.wait_for_unit("pipewire.socket", "${user}")

      def user_line(command):
          return f"su - ${user} -c 'XDG_RUNTIME_DIR=/run/user/{uid} {command}'"

      def as_user(command, check=True):
          return machine.succeed(user_line(command)) if check else machine.execute(user_line(command))[1]

      with subtest("kernel is in the chosen mode"):
          if expected_mode == "rt":
              machine.succeed("uname -v | grep -q PREEMPT_RT")
              machine.succeed("test \"$(cat /sys/kernel/realtime)\" = 1")
          else:
              machine.succeed("grep -qw preempt=full /proc/cmdline")
              machine.succeed("dmesg | grep -q 'Dynamic Preempt: full'")
          machine.succeed("grep -qw threadirqs /proc/cmdline")

      with subtest("PipeWire runs at the profile's clock"):
          # The first client socket-activates PipeWire; give it a moment to come up.
          settings = machine.wait_until_succeeds(user_line("pw-metadata -n settings | grep clock.quantum && pw-metadata -n settings"), timeout=60)
          values = dict(re.findall(r"key:'([^']+)' value:'([^']*)'", settings))
          assert values.get("clock.rate") == str(rate), values
          assert values.get("clock.quantum") == str(quantum), values
          assert values.get("clock.min-quantum") == str(min_quantum), values
          assert values.get("clock.max-quantum") == str(max_quantum), values

      with subtest("@audio real-time limits hold for the audio user"):
          assert as_user("ulimit -r").strip() == str(rtprio)
          # RLIMIT_NICE is reported as 20 - nice.
          assert as_user("ulimit -e").strip() == str(20 - nice)
          assert as_user("ulimit -l").strip() == memlock

      with subtest("the effective profile is where the toolkit looks"):
          profile = json.loads(machine.succeed("cat /etc/archibald/profile.json"))
          assert profile["kernel"]["mode"] == expected_mode, profile
          assert profile["pipewire"]["quantum"] == quantum, profile

      with subtest("archibald doctor agrees"):
          report = json.loads(as_user("archibald doctor --json", check=False))
          assert report["version"] == 1, report
          machine.log(json.dumps(report["counts"]))
          status = {check["id"]: check["status"] for check in report["checks"]}
          # The claims this test exists for, judged by the toolkit against /etc/archibald/profile.json.
          for check_id in ("preempt-rt", "threadirqs", "pipewire-clock", "rt-limits"):
              assert status.get(check_id) == "pass", json.dumps(
                  [check for check in report["checks"] if check["id"] == check_id], indent=2
              )
          assert status.get("swappiness") != "fail", status
    '';
}
