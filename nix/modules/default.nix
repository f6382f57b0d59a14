# All ArchibaldOS modules. Each is inert until its `enable` option is set, so importing this
# (nixosModules.default) changes nothing by itself.
{
  imports = [
    ./audio
    ./users.nix
    ./desktop.nix
    ./branding.nix
    ./installer.nix
  ];
}
