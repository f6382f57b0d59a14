# Reads the shape of ArchibaldOS's NixOS modules (files or module values) without nixpkgs (Nix 2.8 on CI cannot evaluate
# it): each module is called with a stand-in `lib` whose mkOption records the declaration and
# whose mkIf/mkMerge/mk*Priority keep every definition, conditions ignored. Returns
#   declared: [ { path; hasDescription; hasType; } ]   every option the modules declare
#   defined:  [ path ]                                  every option path the modules set
# A definition is followed down attribute sets until its path is covered by an entry of
# `stopAt` (the checked-in verified list), so values below a verified option are never forced.
{
  files,
  stopAt,
  userName ? "audio-user",
}:
let
  inherit (builtins)
    all
    any
    attrNames
    concatLists
    concatStringsSep
    elemAt
    foldl'
    genList
    isAttrs
    isFunction
    isList
    length
    listToAttrs
    map
    ;

  fakeType = {
    description = "type";
    __functor = self: _: self;
  };
  typeNames = [
    "addCheck"
    "anything"
    "coercedTo"
    "attrsOf"
    "bool"
    "either"
    "enum"
    "int"
    "lines"
    "listOf"
    "nonEmptyListOf"
    "nullOr"
    "package"
    "path"
    "raw"
    "str"
    "strMatching"
    "submodule"
  ];
  types =
    listToAttrs (
      map (name: {
        inherit name;
        value = fakeType;
      }) typeNames
    )
    // {
      ints = {
        between = fakeType;
        positive = fakeType;
        unsigned = fakeType;
      };
    };

  keep = value: value;
  mergeDefinitions = definitions: foldl' mergeTwo { } definitions;
  mergeTwo =
    left: right:
    left
    // builtins.mapAttrs (
      name: value:
      if left ? ${name} && isAttrs left.${name} && isAttrs value then
        mergeTwo left.${name} value
      else
        value
    ) right;

  lib = {
    inherit types;
    mkOption = attrs: {
      _declaredOption = true;
      hasDescription = attrs ? description;
      hasType = attrs ? type;
    };
    mkEnableOption = _: {
      _declaredOption = true;
      hasDescription = true;
      hasType = true;
    };
    mkIf = _: keep;
    mkMerge = mergeDefinitions;
    mkDefault = keep;
    mkForce = keep;
    mkOverride = _: keep;
    mkAfter = keep;
    mkBefore = keep;
    literalExpression = text: text;
    optional = condition: value: if condition then [ value ] else [ ];
    optionals = condition: values: if condition then values else [ ];
    importJSON = file: builtins.fromJSON (builtins.readFile file);
  };

  # Values for the few reads a definition's shape depends on (names, list conditions).
  profileSettings = (import ../../nix/lib).profileToOptions (
    builtins.fromJSON (builtins.readFile ../../profiles/default.json)
  );
  config = {
    archibald = {
      audio = profileSettings // {
        enable = true;
        kernel = profileSettings.kernel // {
          alsaSequencer = true;
          disableMitigations = false;
          disableSmt = false;
          disableNmiWatchdog = true;
          transparentHugepages = "madvise";
        };
        cpu = profileSettings.cpu // {
          boost = false;
        };
      };
      users.name = userName;
    };
  };
  moduleArgs = {
    inherit lib config;
    pkgs = { };
    modulesPath = "/modules";
    archibaldInputs = {
      self = {
        outPath = "/nix/store/00000000000000000000000000000000-source";
        rev = "0000000000000000000000000000000000000000";
        narHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
      };
    };
  };

  # A file, or a module given as a value (a VM test's node).
  load =
    file:
    let
      raw = if builtins.isPath file then import file else file;
      evaluated = if isFunction raw then raw moduleArgs else raw;
    in
    evaluated;

  # Follow `imports` that are files of this repository (not nixpkgs' modulesPath strings).
  collectModules =
    file:
    let
      module = load file;
      imported = builtins.filter (entry: builtins.isPath entry) (module.imports or [ ]);
    in
    [ module ] ++ concatLists (map collectModules imported);

  modules = concatLists (map collectModules files);

  declaredIn =
    prefix: options:
    concatLists (
      map (
        name:
        let
          value = options.${name};
          path = prefix ++ [ name ];
        in
        if value ? _declaredOption then
          [
            {
              path = concatStringsSep "." path;
              inherit (value) hasDescription hasType;
            }
          ]
        else
          declaredIn path value
      ) (attrNames options)
    );

  # "users.users.*" matches any one segment.
  matches =
    pattern: path:
    let
      parts = builtins.filter builtins.isString (builtins.split "\\." pattern);
    in
    length parts == length path
    && all (i: elemAt parts i == "*" || elemAt parts i == elemAt path i) (genList (i: i) (length parts));
  covered = path: any (pattern: matches pattern path) stopAt;

  definedIn =
    prefix: definitions:
    concatLists (
      map (
        name:
        let
          path = prefix ++ [ name ];
          value = definitions.${name};
        in
        if covered path then
          [ (concatStringsSep "." path) ]
        else if isAttrs value && !(value ? _declaredOption) then
          definedIn path value
        else
          [ (concatStringsSep "." path) ]
      ) (attrNames definitions)
    );

  configOf = module: if module ? config then module.config else removeAttrs module [ "imports" "options" ];
in
{
  declared = concatLists (map (module: declaredIn [ ] (module.options or { })) modules);
  defined = concatLists (map (module: definedIn [ ] (configOf module)) modules);
}
