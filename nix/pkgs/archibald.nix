# The `archibald` toolkit, built from package-lock.json alone (importNpmLock: no npmDepsHash to
# keep in step). The bundle is made by esbuild-wasm (JavaScript + WebAssembly), so nothing native
# that npm downloads ever runs in the sandbox: --ignore-scripts also keeps tsx's esbuild
# postinstall (which would exec a prebuilt binary) from running.
{
  lib,
  buildNpmPackage,
  importNpmLock,
  nodejs,
  makeWrapper,
  python3,
  pipewire,
  rt-tests,
  stress-ng,
  jack-example-tools,
  util-linux,
  coreutils,
  # Base URL of the npm registry to fetch tarballs from, e.g. your organisation's mirror.
  npmRegistry ? null,
}:
let
  root = ../..;
  packageJson = lib.importJSON (root + "/package.json");

  # package-lock.json is written with npm's `omit-lockfile-registry-resolved`, so registry packages
  # carry name, version and integrity but no `resolved` URL (the lockfile names no host).
  # importNpmLock fetches each tarball by `resolved`, so it is rebuilt here from the registry the
  # builder names; the integrity hash from the lockfile still pins every byte.
  lock = lib.importJSON (root + "/package-lock.json");
  tarballUrl =
    path: version:
    let
      name = lib.last (lib.splitString "node_modules/" path);
      baseName = lib.last (lib.splitString "/" name);
    in
    if npmRegistry == null then
      throw ''
        archibald: package-lock.json records no registry URLs. Build with a registry, e.g.
          archibald.override { npmRegistry = "https://<your npm registry>"; }
        or regenerate the lockfile with `npm install --package-lock-only --omit-lockfile-registry-resolved=false`.''
    else
      "${lib.removeSuffix "/" npmRegistry}/${name}/-/${baseName}-${version}.tgz";
  needsResolved = path: module: path != "" && !(module ? resolved) && !(module.link or false) && module ? version;
  packageLock = lock // {
    packages = lib.mapAttrs (
      path: module: if needsResolved path module then module // { resolved = tarballUrl path module.version; } else module
    ) lock.packages;
  };
  # Only what the build reads: editing docs, Nix files or tests never rebuilds the toolkit.
  src = lib.fileset.toSource {
    inherit root;
    fileset = lib.fileset.unions [
      (root + "/package.json")
      (root + "/package-lock.json")
      (root + "/tsconfig.json")
      (root + "/bin")
      (root + "/src")
      (root + "/scripts")
      (root + "/profiles")
    ];
  };
in
buildNpmPackage {
  pname = "archibald";
  inherit (packageJson) version;
  inherit src nodejs;

  npmDeps = importNpmLock {
    npmRoot = src;
    inherit packageLock;
  };
  npmConfigHook = importNpmLock.npmConfigHook;
  npmFlags = [ "--ignore-scripts" ];

  # `npm run build` is `node scripts/build.mjs`: esbuild-wasm bundles src/ into dist/.
  npmBuildScript = "build";

  nativeBuildInputs = [ makeWrapper ];

  # The measurements drive real tools: cyclictest and stress-ng (bench rt), pw-* (bench rtl/xruns,
  # apply --live), jack_iodelay and a python3 libjack client (bench rtl --backend jack), chrt and
  # stdbuf. `pw-jack` (pipewire.jack) puts PipeWire's libjack on LD_LIBRARY_PATH for JACK runs.
  postInstall = ''
    wrapProgram $out/bin/archibald \
      --suffix PATH : ${
        lib.makeBinPath [
          python3
          pipewire
          pipewire.jack
          rt-tests
          stress-ng
          jack-example-tools
          util-linux
          coreutils
        ]
      }
  '';

  doInstallCheck = true;
  installCheckPhase = ''
    runHook preInstallCheck
    $out/bin/archibald --version
    $out/bin/archibald profile validate $out/lib/node_modules/archibald/profiles/default.json
    runHook postInstallCheck
  '';

  meta = {
    description = "ArchibaldOS toolkit: real-time audio readiness audit, latency measurement, audio profile and local console";
    license = lib.licenses.mit;
    mainProgram = "archibald";
    platforms = lib.platforms.linux;
  };
}
