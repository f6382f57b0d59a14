# Evaluates every ArchibaldOS output with nixpkgs' real module system (lib.evalModules), musnix's
# real modules and, when given, disko's real module, against strict stand-ins for nixpkgs' own
# options: exactly the options of the manifest (nixos-options.json), typed as nixpkgs declares
# them, and nothing else. Packages are fake derivations (pkgs.nix); nothing is built.
#   nix-instantiate --eval --strict --json test/nix/eval/configs.nix \
#     --arg nixpkgsLib /path/to/nixpkgs/lib --arg musnixSrc /path/to/musnix \
#     [--arg diskoSrc /path/to/disko] [--arg repoRoot /a/copy/of/this/repository]
{
  nixpkgsLib,
  musnixSrc,
  diskoSrc ? null,
  # Disk layouts `archibald install` wrote (name = file), each evaluated as an installed
  # ArchibaldOS with disko's real module (needs diskoSrc).
  diskoLayouts ? { },
  # The tree to evaluate (the tests point it at a copy with a planted mistake).
  repoRoot ? ../../..,
}:
let
  lib = import (if builtins.pathExists (nixpkgsLib + "/lib/default.nix") then nixpkgsLib + "/lib" else nixpkgsLib);
  pkgs = import ./pkgs.nix { inherit lib; };
  declarations = import ./nixos-options.nix { inherit lib pkgs; };
  manifest = lib.importJSON ./nixos-options.json;
  declare = import ./declare.nix { inherit lib manifest; };
  root = repoRoot;
  flake = import (root + "/flake.nix");
  modulesPath = toString ./modules-path;

  # One NixOS system: the modules plus the declarations of the given scopes.
  evalSystem =
    {
      modules,
      specialArgs ? { },
      scopes ? [ ],
    }:
    lib.evalModules {
      specialArgs = {
        inherit pkgs modulesPath;
      }
      // specialArgs;
      modules = modules ++ map declarations ([ "nixos" ] ++ scopes);
    };

  inputs = {
    inherit self;
    nixpkgs = {
      outPath = "/nix/store/00000000000000000000000000000000-nixpkgs";
      lib = lib // {
        nixosSystem = args: evalSystem { inherit (args) modules specialArgs; };
      };
    };
    # Store paths, as a flake input's outPath is (the ISO carries them in system.extraDependencies).
    musnix = {
      outPath = "/nix/store/00000000000000000000000000000000-musnix";
      nixosModules.musnix = import (musnixSrc + "/default.nix");
    };
    disko =
      if diskoSrc == null then
        {
          # Without a disko checkout an empty module keeps its place.
          outPath = "/nix/store/00000000000000000000000000000000-disko";
          nixosModules.disko.key = "disko";
        }
      else
        {
          outPath = "/nix/store/00000000000000000000000000000000-disko";
          nixosModules.disko = diskoSrc + "/module.nix";
        };
  };
  self = flake.outputs inputs // {
    rev = "0123456789abcdef0123456789abcdef01234567";
    narHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    outPath = "/nix/store/00000000000000000000000000000000-source";
  };

  # --- which manifest entries a configuration defines ----------------------------------------
  # A definition's value with mkIf/mkMerge/mkOverride/mkOrder taken off (none, one or several).
  valuesOf =
    value:
    let
      kind = if builtins.isAttrs value then value._type or null else null;
    in
    if kind == "override" || kind == "order" then
      valuesOf value.content
    else if kind == "if" then
      (if value.condition then valuesOf value.content else [ ])
    else if kind == "merge" then
      lib.concatMap valuesOf value.contents
    else
      [ value ];
  hasPath =
    segments: value:
    if segments == [ ] then
      true
    else
      let
        segment = builtins.head segments;
        rest = builtins.tail segments;
        below = v: builtins.any (hasPath rest) (valuesOf v);
      in
      if segment == "<name>" then
        builtins.isAttrs value && builtins.any (name: below value.${name}) (builtins.attrNames value)
      else if segment == "<item>" then
        builtins.isList value && builtins.any below value
      else
        builtins.isAttrs value && value ? ${segment} && below value.${segment};
  isDefined =
    options: entry:
    let
      segments = lib.splitString "." entry.path;
      fieldAt = lib.findFirst (i: builtins.elem (builtins.elemAt segments i) [ "<name>" "<item>" ]) null (
        lib.range 0 (builtins.length segments - 1)
      );
      optionPath = if fieldAt == null then segments else lib.take fieldAt segments;
      option = lib.attrByPath optionPath { } options;
      definitions = option.definitionsWithLocations or [ ];
    in
    if fieldAt == null then
      definitions != [ ]
    else
      builtins.any (definition: hasPath (lib.drop fieldAt segments) definition.value) definitions;
  definedEntries =
    scopes: options:
    map (entry: entry.path) (
      builtins.filter (
        entry:
        builtins.elem (entry.scope or "nixos") ([ "nixos" "musnix" ] ++ scopes) && isDefined options entry
      ) manifest.options
    );

  # Every declared option's value, forced as building the system would: a definition of the wrong
  # type fails here even where no test reads it. (Package sets, platforms and whole nested
  # systems are forced one level only; their own options are checked where they are evaluated.)
  shallowTypes = [
    "raw"
    "unspecified"
    "vmVariant"
    "either str attrs"
    "lazyAttrsOf unspecified"
  ];
  forceAll =
    scopes: system:
    builtins.all (
      entry:
      let
        path = lib.splitString "." entry.path;
        value = lib.attrByPath path null system.config;
      in
      # An option nobody defines and without a default is not read by a real build either.
      !(lib.attrByPath path { isDefined = false; } system.options).isDefined
      || (if builtins.elem entry.type shallowTypes then builtins.seq value true else builtins.deepSeq value true)
    ) (
      builtins.filter (
        entry:
        builtins.elem (entry.scope or "nixos") ([ "nixos" "musnix" ] ++ scopes)
        && !(lib.hasInfix "<" entry.path)
      ) manifest.options
    );

  # --- what the tests assert ---------------------------------------------------------------
  summary =
    scopes: system:
    let
      inherit (system) config;
      has = path: lib.hasAttrByPath path config;
      profileFile = config.environment.etc."archibald/profile.json".text or null;
    in
    {
      forced = forceAll scopes system;
      used = definedEntries scopes system.options;
      failedAssertions = map (assertion: assertion.message) (
        builtins.filter (assertion: !assertion.assertion) config.assertions
      );
      inherit (config) warnings;
      kernelParams = config.boot.kernelParams;
      kernelModules = config.boot.kernelModules;
      rtKernel = config.boot.kernelPackages.preemptRt or null;
      kernelVersion = config.boot.kernelPackages.kernel.version;
      sysctl = config.boot.kernel.sysctl;
      modprobe = config.boot.extraModprobeConfig;
      limits = config.security.pam.loginLimits;
      governor = config.powerManagement.cpuFreqGovernor;
      musnixRtirq = {
        inherit (config.musnix.rtirq)
          enable
          nameList
          prioHigh
          prioDecr
          prioLow
          ;
      };
      rtirqService = config.systemd.services ? rtirq;
      dasWatchdog = config.services.das_watchdog.enable;
      pipewire = {
        inherit (config.services.pipewire) enable extraConfig;
        jack.enable = config.services.pipewire.jack.enable;
        pulse.enable = config.services.pipewire.pulse.enable;
        alsa.enable = config.services.pipewire.alsa.enable;
        wireplumber = config.services.pipewire.wireplumber.extraConfig;
      };
      rtkit = config.security.rtkit.enable;
      profile = if profileFile == null then null else builtins.fromJSON profileFile;
      users = builtins.mapAttrs (_: user: user.extraGroups) config.users.users;
      wheelNeedsPassword = config.security.sudo.wheelNeedsPassword;
      hostName = config.networking.hostName;
      distroName = config.system.nixos.distroName;
      desktop = {
        plasma6 = config.services.desktopManager.plasma6.enable;
        sddm = config.services.displayManager.sddm.enable;
        sddmWayland = config.services.displayManager.sddm.wayland.enable;
        defaultSession = config.services.displayManager.defaultSession;
        autoLogin = if config.services.displayManager.autoLogin.enable then config.services.displayManager.autoLogin.user else null;
        xserver = config.services.xserver.enable;
      };
      plymouth = {
        inherit (config.boot.plymouth) enable theme;
      };
      systemPackages = map (package: package.name or "?") config.environment.systemPackages;
      imageBaseName = if has [ "image" "baseName" ] then config.image.baseName else null;
      isoVolumeID = if has [ "isoImage" "volumeID" ] then config.isoImage.volumeID else null;
      installer = {
        inherit (config.archibald.installer) enable source;
        overlays = builtins.length config.nixpkgs.overlays;
      };
      disko = if has [ "disko" ] then { inherit (config.disko) enableConfig; devices = builtins.attrNames config.disko.devices.disk; } else null;
    };

  fromFlake = name: self.nixosConfigurations.${name};
  # The same system with musnix's base module switched on as well: its vm.swappiness, governor
  # and @audio rtprio must not win over (or clash with) the profile's.
  withMusnixBase =
    let
      system = import (root + "/nix/hosts/archibaldos.nix");
    in
    evalSystem {
      specialArgs.archibaldInputs = inputs;
      modules = [
        self.nixosModules.default
        system
        {
          nixpkgs.config.allowUnfree = true;
          musnix.enable = true;
        }
      ];
    };

  # runNixOSTest: the test's own options (scope nixos-test), then each node as a NixOS system with
  # qemu-vm.nix's options, as nixos/lib/testing/nodes.nix does.
  vmTest =
    mode:
    let
      test = lib.evalModules {
        modules = [
          (import (root + "/nix/tests/audio-vm.nix") {
            audioModule = self.nixosModules.default;
            inherit mode;
          })
          (declarations "nixos-test")
        ];
      };
      machine = evalSystem {
        modules = [ test.config.nodes.machine ];
        scopes = [ "qemu-vm" ];
      };
    in
    {
      inherit machine;
      testUsed = definedEntries [ "nixos-test" ] test.options;
      pkgsReadOnly = test.config.node.pkgsReadOnly;
      testScript = test.config.testScript { nodes.machine = machine.config; };
    };

  # The colmena hive: every node is `defaults` plus its own module, with colmena's options.
  hive = import (root + "/nix/fleet/hive.nix") {
    archibaldos = {
      outPath = toString root;
      inherit (self) nixosModules;
    };
    nixpkgs = _: pkgs;
  };
  fleetNode =
    name:
    evalSystem {
      specialArgs = { inherit name; };
      modules = [
        hive.defaults
        hive.${name}
      ];
      scopes = [ "colmena" ];
    };
  fleetNames = builtins.attrNames (removeAttrs hive [ "meta" "defaults" ]);

  # nixosModules.default alone in somebody else's system: it must change nothing until enabled.
  foreign =
    extra:
    evalSystem {
      modules = [
        self.nixosModules.default
        {
          networking.hostName = "elsewhere";
          nixpkgs.hostPlatform = "x86_64-linux";
          fileSystems."/" = {
            device = "/dev/disk/by-label/root";
            fsType = "ext4";
          };
          system.stateVersion = "25.11";
        }
      ]
      ++ extra;
    };

  # An installed system as `archibald install` writes it: ArchibaldOS's modules, disko's module
  # and the layout, whose fileSystems/boot settings must fit nixpkgs' types.
  installed =
    layout:
    evalSystem {
      specialArgs.archibaldInputs = inputs;
      modules = [
        self.nixosModules.default
        inputs.disko.nixosModules.disko
        layout
        (root + "/nix/hosts/archibaldos.nix")
      ];
    };

  vm = lib.genAttrs [ "rt" "lowlatency" ] vmTest;
  installer = fromFlake "installer";
in
{
    archibaldOS = summary [ ] (fromFlake "archibaldOS");
    installer = summary [ "iso-image" ] installer // {
      # packages.x86_64-linux.installer is this configuration's ISO.
      isoName = self.packages.x86_64-linux.installer.isoName;
    };
    archibaldOSWithMusnixBase = summary [ ] withMusnixBase;
    vmTest = lib.mapAttrs (
      _: test:
      summary [ "qemu-vm" ] test.machine
      // {
        inherit (test) testScript pkgsReadOnly testUsed;
      }
    ) vm;
    fleet = lib.genAttrs fleetNames (name: summary [ "colmena" ] (fleetNode name));
    foreign = summary [ ] (foreign [ ]);
    foreignAudio = summary [ ] (foreign [ { archibald.audio.enable = true; } ]);
    disko = diskoSrc != null;
    installed = lib.mapAttrs (
      _: layout:
      let
        system = installed layout;
      in
      summary [ ] system
      // {
        fileSystems = lib.mapAttrs (_: fs: { inherit (fs) device fsType; }) system.config.fileSystems;
        luks = lib.mapAttrs (_: luks: luks.device) system.config.boot.initrd.luks.devices;
      }
    ) diskoLayouts;
    # The musnix entries are musnix's own declarations: each must exist there with that type.
    musnixTypes = map (
      entry:
      let
        option = lib.attrByPath (lib.splitString "." entry.path) null (fromFlake "archibaldOS").options;
      in
      {
        inherit (entry) path;
        declared = if option == null then null else option.type.description;
        expected =
          (declare.typeOf {
            inherit (entry) path;
            named = { };
            submodule = null;
          } entry.type).description;
      }
    ) (builtins.filter (entry: entry.scope or null == "musnix") manifest.options);
    manifest = {
      entries = builtins.length manifest.options;
      paths = map (entry: entry.path) manifest.options;
    };
  }
