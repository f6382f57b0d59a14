{
  description = "An ArchibaldOS fleet deployed with colmena (example: school lab + touring rig)";

  inputs = {
    # Point this at your ArchibaldOS checkout or fork, e.g. "github:<you>/archibaldos".
    archibaldos.url = "path:../..";
    nixpkgs.follows = "archibaldos/nixpkgs";
    colmena = {
      url = "github:nix-community/colmena";
      inputs.nixpkgs.follows = "nixpkgs";
    };
  };

  outputs =
    {
      self,
      archibaldos,
      nixpkgs,
      colmena,
    }:
    {
      colmena = import ./hive.nix { inherit archibaldos nixpkgs; };
      colmenaHive = colmena.lib.makeHive self.colmena;
    };
}
