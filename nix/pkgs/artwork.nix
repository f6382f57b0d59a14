# ArchibaldOS artwork rendered from the SVG sources in assets/ at build time: the Plasma
# wallpaper package, icons, the Plymouth theme and the SDDM background override.
{
  lib,
  runCommand,
  librsvg,
}:
let
  assets = lib.fileset.toSource {
    root = ../../assets;
    fileset = ../../assets;
  };
  wallpaperSizes = [
    "1920x1080"
    "2560x1440"
    "3840x2160"
  ];
  iconSizes = [
    "48"
    "64"
    "128"
    "256"
  ];
in
runCommand "archibaldos-artwork"
  {
    nativeBuildInputs = [ librsvg ];
    passthru = {
      wallpaper = "share/wallpapers/ArchibaldOS/contents/images/3840x2160.png";
      plymouthLogo = "share/icons/hicolor/48x48/apps/archibaldos.png";
    };
  }
  ''
    wallpaper=$out/share/wallpapers/ArchibaldOS
    mkdir -p $wallpaper/contents/images
    for size in ${lib.concatStringsSep " " wallpaperSizes}; do
      rsvg-convert --width "''${size%x*}" --height "''${size#*x}" \
        ${assets}/wallpaper.svg -o $wallpaper/contents/images/$size.png
    done
    rsvg-convert --width 400 --height 225 ${assets}/wallpaper.svg -o $wallpaper/contents/screenshot.png
    cat > $wallpaper/metadata.json <<JSON
    {
      "KPlugin": {
        "Id": "ArchibaldOS",
        "Name": "ArchibaldOS",
        "License": "CC-BY-SA-4.0",
        "Authors": [ { "Name": "ArchibaldOS" } ]
      }
    }
    JSON

    for size in ${lib.concatStringsSep " " iconSizes}; do
      mkdir -p $out/share/icons/hicolor/''${size}x''${size}/apps
      rsvg-convert --width $size --height $size ${assets}/logo.svg \
        -o $out/share/icons/hicolor/''${size}x''${size}/apps/archibaldos.png
    done
    mkdir -p $out/share/icons/hicolor/scalable/apps
    cp ${assets}/logo.svg $out/share/icons/hicolor/scalable/apps/archibaldos.svg

    theme=$out/share/plymouth/themes/archibaldos
    mkdir -p $theme
    cp ${assets}/plymouth/archibaldos.script $theme/
    substitute ${assets}/plymouth/archibaldos.plymouth $theme/archibaldos.plymouth --subst-var-by themeDir $theme
    rsvg-convert --width 160 --height 160 ${assets}/logo.svg -o $theme/logo.png
    rsvg-convert --width 240 --height 4 ${assets}/plymouth/bar-track.svg -o $theme/bar-track.png
    rsvg-convert --width 240 --height 4 ${assets}/plymouth/bar.svg -o $theme/bar.png

    # SDDM's breeze theme reads theme.conf.user beside its theme.conf; the system profile merges
    # this file into /run/current-system/sw/share/sddm/themes/breeze.
    mkdir -p $out/share/sddm/themes/breeze
    printf '[General]\nbackground=%s\n' "$wallpaper/contents/images/3840x2160.png" \
      > $out/share/sddm/themes/breeze/theme.conf.user
  ''
