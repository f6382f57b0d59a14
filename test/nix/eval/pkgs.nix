# A stand-in package set: just enough attributes for the ArchibaldOS modules to evaluate, each a
# fake derivation (nothing is built).
{ lib }:
let
  drv =
    name: extra:
    {
      type = "derivation";
      inherit name;
      outPath = "/nix/store/00000000000000000000000000000000-${name}";
      drvPath = "/nix/store/00000000000000000000000000000000-${name}.drv";
      meta.mainProgram = name;
    }
    // extra;
  kernel = version: {
    inherit version;
    override = args: kernel version // { overriddenWith = args; };
  };
in
lib.genAttrs [
  "ardour"
  "audacity"
  "calamares-nixos"
  "calamares-nixos-extensions"
  "carla"
  "disko"
  "gawk"
  "gnugrep"
  "gnused"
  "guitarix"
  "jack-example-tools"
  "nixos-icons"
  "nixos-system"
  "pciutils"
  "pipewire"
  "procps"
  "qjackctl"
  "qpwgraph"
  "rt-tests"
  "rtirq"
] (name: drv name { })
// {
  linuxPackages.kernel = kernel "6.12.58";
  linuxPackages_6_6.kernel = kernel "6.6.100";
  linuxPackagesFor = kernel: {
    inherit kernel;
    preemptRt = kernel.overriddenWith.structuredExtraConfig.PREEMPT_RT or null;
  };
  callPackage =
    file: _:
    drv (baseNameOf (toString file)) {
      wallpaper = "share/wallpapers/ArchibaldOS/contents/images/3840x2160.png";
      plymouthLogo = "share/icons/hicolor/48x48/apps/archibaldos.png";
    };
  writeShellScript = name: _: drv name { };
  writeText = name: _: drv name { };
  kdePackages.plasma-workspace = drv "plasma-workspace" { };
}
