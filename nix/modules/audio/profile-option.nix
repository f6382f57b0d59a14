# mkOption for one field of the audio profile: its default is that field of the profile file
# (archibald.audio.profile), and the manual says so instead of printing a store path.
{ config, lib }:
section: field: attrs:
lib.mkOption (
  {
    default = config.archibald.audio.profileDefaults.${section}.${field};
    defaultText = lib.literalExpression "${section}.${field} of config.archibald.audio.profile";
  }
  // attrs
)
