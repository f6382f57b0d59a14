# Virtual memory and inotify sysctls.
{ config, lib, ... }:
let
  inherit (lib)
    mkIf
    mkOverride
    types
    ;
  archibald = import ../../lib;
  cfg = config.archibald.audio;
  fromProfile = import ./profile-option.nix { inherit config lib; } "sysctl";
in
{
  options.archibald.audio.sysctl = {
    swappiness = fromProfile "swappiness" {
      type = types.ints.between 0 200;
      description = "`vm.swappiness`: 0 keeps anonymous memory (sample libraries, plugin state) out of swap.";
    };

    maxUserWatches = fromProfile "maxUserWatches" {
      type = types.ints.unsigned;
      description = "`fs.inotify.max_user_watches`: DAWs and sample browsers watch many files.";
    };
  };

  config = mkIf cfg.enable {
    assertions = [
      {
        assertion = cfg.sysctl.maxUserWatches >= 8192;
        message = "archibald.audio.sysctl.maxUserWatches must be at least 8192 (got ${toString cfg.sysctl.maxUserWatches}).";
      }
    ];
    # Priority 90 beats musnix's plain vm.swappiness = 10 (two equal-priority definitions of one
    # sysctl fail evaluation even when they agree) yet leaves lib.mkForce to the user.
    boot.kernel.sysctl = lib.mapAttrs (_: mkOverride 90) (
      archibald.sysctl {
        inherit (cfg.sysctl) swappiness maxUserWatches;
      }
    );
  };
}
