# Evaluates ArchibaldOS's configurations with nixpkgs' real module system (lib.evalModules) and
# musnix's real modules, but stand-ins for nixpkgs' own NixOS options and packages: this checks
# option types, defaults, priorities, merges and assertions without building anything.
#   nix-instantiate --eval --strict --json test/nix/eval/configs.nix \
#     --arg nixpkgsLib /path/to/nixpkgs/lib --arg musnixSrc /path/to/musnix
{
  nixpkgsLib,
  musnixSrc,
}:
let
  lib = import nixpkgsLib;
  pkgs = import ./pkgs.nix { inherit lib; };
  flake = import ../../../flake.nix;
  inputs = {
    inherit self;
    nixpkgs = {
      outPath = "/nix/store/00000000000000000000000000000000-nixpkgs";
      lib = lib // {
        nixosSystem = args: args;
      };
    };
    musnix = {
      outPath = musnixSrc;
      nixosModules.musnix = import (musnixSrc + "/default.nix");
    };
    # disko's module needs the whole of nixpkgs; an empty module keeps its place.
    disko = {
      outPath = "/nix/store/00000000000000000000000000000000-disko";
      nixosModules.disko.key = "disko";
    };
  };
  self = flake.outputs inputs // {
    rev = "0123456789abcdef0123456789abcdef01234567";
    narHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    outPath = "/nix/store/00000000000000000000000000000000-source";
  };

  modulesDir = toString ./.;
  evaluate =
    { specialArgs ? { }, modules }:
    (lib.evalModules {
      specialArgs = specialArgs // {
        inherit pkgs;
        # The ISO's nixpkgs module is replaced by an empty one of the same name.
        modulesPath = "${modulesDir}/modules-path";
      };
      modules = modules ++ [ (import ./nixos-options.nix { inherit lib pkgs; }) ];
    }).config;

  summary = config: {
    failedAssertions = map (assertion: assertion.message) (
      builtins.filter (assertion: !assertion.assertion) config.assertions
    );
    inherit (config) warnings;
    kernelParams = config.boot.kernelParams;
    kernelModules = config.boot.kernelModules;
    rtKernel = config.boot.kernelPackages.preemptRt or null;
    sysctl = config.boot.kernel.sysctl;
    modprobe = config.boot.extraModprobeConfig;
    limits = config.security.pam.loginLimits;
    governor = config.powerManagement.cpuFreqGovernor;
    rtirq = {
      inherit (config.musnix.rtirq)
        enable
        nameList
        prioHigh
        prioDecr
        prioLow
        ;
    };
    dasWatchdog = config.services.das_watchdog.enable;
    pipewire = config.services.pipewire;
    profile = builtins.fromJSON config.environment.etc."archibald/profile.json".text;
    users = builtins.mapAttrs (_: user: user.extraGroups) config.users.users;
    wheelNeedsPassword = config.security.sudo.wheelNeedsPassword;
    hostName = config.networking.hostName;
    distroName = config.system.nixos.distroName;
    plymouthTheme = config.boot.plymouth.theme;
    imageBaseName = config.image.baseName;
    isoVolumeID = config.isoImage.volumeID;
    installerSource = config.archibald.installer.source;
  };

  fromFlake = name: evaluate self.nixosConfigurations.${name};
  # The same system with musnix's base module switched on as well: its vm.swappiness, governor
  # and @audio rtprio must not win over (or clash with) the profile's.
  withMusnixBase =
    let
      system = self.nixosConfigurations.archibaldOS;
    in
    evaluate (system // { modules = system.modules ++ [ { musnix.enable = true; } ]; });
  vmTestNode =
    mode:
    evaluate {
      modules = [
        (import ../../../nix/tests/audio-vm.nix {
          audioModule = self.nixosModules.default;
          inherit mode;
        }).nodes.machine
      ];
    };
in
{
  archibaldOS = summary (fromFlake "archibaldOS");
  installer = summary (fromFlake "installer");
  archibaldOSWithMusnixBase = summary withMusnixBase;
  vmTest = {
    rt = summary (vmTestNode "rt");
    lowlatency = summary (vmTestNode "lowlatency");
  };
}
