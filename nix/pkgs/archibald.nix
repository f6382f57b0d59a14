# The `archibald` toolkit, built from package-lock.json alone (importNpmLock: no npmDepsHash to
# keep in step). The bundle is made by esbuild-wasm (JavaScript + WebAssembly), so nothing native
# that npm downloads ever runs in the sandbox: --ignore-scripts also keeps tsx's esbuild
# postinstall (which would exec a prebuilt binary) from running.
{
  lib,
  buildNpmPackage,
  importNpmLock,
  nodejs,
}:
let
  root = ../..;
  packageJson = lib.importJSON (root + "/package.json");
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

  npmDeps = importNpmLock { npmRoot = src; };
  npmConfigHook = importNpmLock.npmConfigHook;
  npmFlags = [ "--ignore-scripts" ];

  # `npm run build` is `node scripts/build.mjs`: esbuild-wasm bundles src/ into dist/.
  npmBuildScript = "build";

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
