{
  description = "ArchibaldOS: NixOS tuned for real-time audio, with the `archibald` toolkit";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";
    musnix = {
      url = "github:musnix/musnix";
      inputs.nixpkgs.follows = "nixpkgs";
    };
    disko = {
      url = "github:nix-community/disko";
      inputs.nixpkgs.follows = "nixpkgs";
    };
  };

  outputs =
    {
      self,
      nixpkgs,
      musnix,
      disko,
    }@inputs:
    let
      inherit (nixpkgs) lib;
      system = "x86_64-linux";
      pkgs = import nixpkgs {
        inherit system;
        config.allowUnfree = true;
      };
      archibaldLib = import ./nix/lib;
      # The npm registry the toolkit's dependencies come from (see nix/pkgs/archibald.nix): change
      # it here, or per machine with the NixOS option `archibald.npmRegistry`. package-lock.json's
      # integrity hashes pin every tarball, so the registry decides only where the bytes come from;
      # the public one is what CI on GitHub (and any user without a mirror) can reach.
      npmRegistry = "https://registry.npmjs.org";

      # musnix's module is a function value, not a path, so it carries a key of its own: importing
      # nixosModules.audio and nixosModules.default together must not declare musnix twice.
      musnixModule = {
        key = "archibaldos#musnix";
        imports = [ musnix.nixosModules.musnix ];
      };

      mkSystem =
        modules:
        lib.nixosSystem {
          specialArgs = {
            archibaldInputs = inputs;
          };
          modules = [
            self.nixosModules.default
            # Some plugins and firmware are unfree; no package needs permittedInsecurePackages.
            {
              nixpkgs.config.allowUnfree = true;
              archibald.npmRegistry = lib.mkDefault npmRegistry;
            }
          ]
          ++ modules;
        };

      vm = self.nixosConfigurations.archibaldOS.config.system.build.vm;

      audioTest =
        mode:
        pkgs.testers.runNixOSTest (
          import ./nix/tests/audio-vm.nix {
            audioModule = self.nixosModules.default;
            inherit mode;
          }
        );

      profileFiles = lib.filterAttrs (
        name: type: type == "regular" && lib.hasSuffix ".json" name && !lib.hasSuffix ".schema.json" name
      ) (builtins.readDir ./profiles);
    in
    {
      nixosModules = {
        audio = {
          imports = [
            musnixModule
            ./nix/modules/audio
          ];
        };
        desktop = ./nix/modules/desktop.nix;
        users = ./nix/modules/users.nix;
        branding = ./nix/modules/branding.nix;
        installer = {
          imports = [
            disko.nixosModules.disko
            ./nix/modules/installer.nix
          ];
        };
        default = {
          imports = [
            musnixModule
            disko.nixosModules.disko
            ./nix/modules
          ];
        };
      };

      nixosConfigurations = {
        archibaldOS = mkSystem [ ./nix/hosts/archibaldos.nix ];
        installer = mkSystem [ ./nix/hosts/installer.nix ];
      };

      packages.${system} = {
        archibald = pkgs.callPackage ./nix/pkgs/archibald.nix { inherit npmRegistry; };
        default = self.packages.${system}.archibald;
        artwork = pkgs.callPackage ./nix/pkgs/artwork.nix { };
        installer = self.nixosConfigurations.installer.config.system.build.isoImage;
        inherit vm;
      };

      # `nix build .#archibaldOS.config.system.build.vm` resolves through legacyPackages.
      legacyPackages.${system} = {
        inherit (self.nixosConfigurations) archibaldOS installer;
      };

      apps.${system} = {
        vm = {
          type = "app";
          program = "${vm}/bin/run-archibaldos-vm";
          meta.description = "Boot ArchibaldOS in a QEMU virtual machine";
        };
        default = {
          type = "app";
          program = lib.getExe self.packages.${system}.archibald;
          meta.description = "The archibald toolkit";
        };
      };

      devShells.${system}.default = pkgs.mkShell {
        packages = [
          pkgs.nodejs
          pkgs.typescript
          pkgs.nixfmt
          pkgs.audacity
          pkgs.vim
          pkgs.rt-tests
          pkgs.jack-example-tools
          pkgs.pipewire
          pkgs.qpwgraph
        ];
        shellHook = ''
          echo "ArchibaldOS dev shell: npm ci && npm test; nix fmt; nix flake check"
        '';
      };

      # `nix fmt` formats every tracked .nix file; `nix fmt -- --ci` only checks (what CI runs).
      # nixfmt-tree is treefmt set up with nixfmt, the RFC 166 formatter (`nixfmt-rfc-style` is an
      # alias of `nixfmt` that warns on evaluation).
      formatter.${system} = pkgs.nixfmt-tree;

      checks.${system} = {
        # Boots the audio module and runs `archibald doctor --json` inside the VM. The "rt" test
        # compiles the PREEMPT_RT kernel unless a binary cache has it; "lowlatency" uses the cached one.
        audio-vm-rt = audioTest "rt";
        audio-vm-lowlatency = audioTest "lowlatency";
        toolkit = self.packages.${system}.archibald;
        # nix/lib's unit tests (nix/lib/tests.nix); the build fails listing the failing cases.
        nix-lib = pkgs.callPackage ./nix/tests/nix-lib.nix { };
        # Every .nix file is as nixfmt writes it (the check mode of `nix fmt`).
        formatting = pkgs.callPackage ./nix/tests/formatting.nix { src = ./.; };
        # Every shipped profile reads into option values (same rules as `archibald profile validate`).
        profiles = pkgs.writeText "archibaldos-profiles" (
          builtins.toJSON (
            lib.mapAttrs (
              name: _: archibaldLib.profileToOptions (lib.importJSON (./profiles + "/${name}"))
            ) profileFiles
          )
        );
      };
    };
}
