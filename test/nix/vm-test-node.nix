# The parts of a node's config the VM test script reads, with the default profile's values.
let
  settings = (import ../../nix/lib).profileToOptions (
    builtins.fromJSON (builtins.readFile ../../profiles/default.json)
  );
in
{
  archibald.users.name = "audio-user";
  archibald.audio = settings;
}
