# A colmena hive for ArchibaldOS fleets: a school lab of identical workstations and a touring
# rig, each machine with the audio profile of its role. colmena builds every closure once on the
# deploying machine (the RT kernel is compiled once per distinct config, not once per host) and
# copies it over SSH. See docs/nix.md, "Fleets".
{
  archibaldos,
  nixpkgs,
}:
let
  labWorkstation = number: {
    name = "lab-${number}";
    value = {
      deployment = {
        targetHost = "lab-${number}.studio.example.org";
        tags = [ "lab" ];
      };
      archibald.audio.profile = ./profiles/school-lab.json;
      archibald.users.name = "student";
    };
  };
in
{
  meta = {
    nixpkgs = import nixpkgs {
      system = "x86_64-linux";
      config.allowUnfree = true;
    };
    description = "ArchibaldOS fleet: school lab and touring rig";
  };

  defaults =
    { name, ... }:
    {
      imports = [
        archibaldos.nixosModules.default
        # Replace with each machine's own hardware-configuration.nix
        # (`nixos-generate-config --show-hardware-config > hardware/<name>.nix`).
        "${archibaldos}/nix/hosts/hardware-stub.nix"
      ];
      deployment.targetUser = "root";
      networking.hostName = name;
      archibald = {
        audio.enable = true;
        users.enable = true;
        desktop.enable = true;
        branding.enable = true;
      };
      system.stateVersion = "25.11";
    };

  rig-foh = {
    deployment = {
      targetHost = "10.0.0.10";
      tags = [ "rig" ];
    };
    archibald.audio.profile = ./profiles/touring-rig.json;
    # The mixing desk's USB interface is the only sound card worth a high IRQ priority.
    archibald.audio.rtirq.nameList = [ "usb" ];
    archibald.audio.cpu.boost = false;
  };

  rig-monitors = {
    deployment = {
      targetHost = "10.0.0.11";
      tags = [ "rig" ];
    };
    archibald.audio.profile = ./profiles/touring-rig.json;
  };
}
// builtins.listToAttrs (
  map labWorkstation [
    "01"
    "02"
    "03"
  ]
)
