# Stand-in for nixpkgs' Calamares + Plasma 6 ISO module (test/nix/eval only).
_: { }
