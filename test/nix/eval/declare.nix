# Turns the manifest (nixos-options.json: what nixpkgs, colmena and the NixOS test framework
# declare for the options ArchibaldOS's configurations use) into modules of option declarations,
# one per scope. There is no freeform fallback: an option the manifest does not list fails
# evaluation with the module system's own "The option `…' does not exist", as it would against
# nixpkgs. (Where nixpkgs itself declares a freeform type -- boot.kernel.sysctl, nix.settings --
# the manifest says so and the stand-in does the same.)
#
# Paths: "users.users.<name>.extraGroups" is a field of the submodule that users.users is an
# attribute set of; "security.pam.loginLimits.<item>.domain" a field of a list's submodule. The
# parent entry's type names `submodule`, which stands for exactly those fields.
#
# Types are written as in nixpkgs, e.g. "listOf str", "attrsOf (attrsOf json)", "ints.positive",
# "enum [\"-\" \"hard\" \"soft\"]". The few types nixpkgs builds itself are in `named` below, each
# after the file that defines it.
{ lib, manifest }:
let
  inherit (lib) mkOption types;

  # --- type expressions ---------------------------------------------------------------------
  tokenize =
    text:
    builtins.filter (token: token != "" && builtins.match " +" token == null) (
      map (piece: if builtins.isList piece then builtins.head piece else piece) (
        builtins.split "([(]|[)]|[[]|[]]|\"[^\"]*\"| +)" text
      )
    );

  isArgumentStart = token: token != ")" && token != "]";

  # One type applied to as many arguments as follow: { value; rest; }.
  parseApplication =
    ctx: tokens:
    let
      head = parseAtom ctx tokens;
      applyArguments =
        state:
        if state.rest == [ ] || !isArgumentStart (builtins.head state.rest) then
          state
        else
          let
            argument = parseAtom ctx state.rest;
          in
          applyArguments {
            value = state.value argument.value;
            inherit (argument) rest;
          };
    in
    applyArguments head;

  parseList =
    ctx: tokens: acc:
    if tokens == [ ] then
      throw "unterminated [ in a manifest type"
    else if builtins.head tokens == "]" then
      {
        value = acc;
        rest = builtins.tail tokens;
      }
    else
      let
        element = parseAtom ctx tokens;
      in
      parseList ctx element.rest (acc ++ [ element.value ]);

  parseAtom =
    ctx: tokens:
    let
      token = builtins.head tokens;
      rest = builtins.tail tokens;
    in
    if token == "(" then
      let
        inner = parseApplication ctx rest;
      in
      if inner.rest != [ ] && builtins.head inner.rest == ")" then
        {
          inherit (inner) value;
          rest = builtins.tail inner.rest;
        }
      else
        throw "missing ) in a manifest type"
    else if token == "[" then
      parseList ctx rest [ ]
    else if builtins.match "\"[^\"]*\"" token != null then
      {
        value = builtins.substring 1 (builtins.stringLength token - 2) token;
        inherit rest;
      }
    else if builtins.match "-?[0-9]+" token != null then
      {
        value = lib.toInt token;
        inherit rest;
      }
    else
      {
        value = lookup ctx token;
        inherit rest;
      };

  lookup =
    ctx: name:
    if name == "submodule" then
      ctx.submodule
    else if ctx.named ? ${name} then
      ctx.named.${name}
    else if named ? ${name} then
      named.${name}
    else
      lib.attrByPath (lib.splitString "." name) (throw "manifest type `${name}' is unknown") types;

  typeOf =
    ctx: text:
    let
      parsed = parseApplication ctx (tokenize text);
    in
    if parsed.rest == [ ] then
      parsed.value
    else
      throw "manifest type `${text}' has trailing tokens ${toString parsed.rest}";

  # --- types nixpkgs builds itself ------------------------------------------------------------
  # nixos/modules/system/boot/kernel.nix, modprobe.nix: a list of names is coerced to name = true.
  attrNamesToTrue = types.coercedTo (types.listOf types.str) (
    names: lib.genAttrs names (_: true)
  ) (types.attrsOf types.bool);
  # nixos/modules/tasks/filesystems.nix
  nonEmptyStr = types.addCheck types.str (s: builtins.match "[ \t\n]*" s == null) // {
    description = "non-empty string";
  };
  # pkgs/pkgs-lib/formats.nix: the value type of pkgs.formats.json { }
  scalars = [
    types.bool
    types.int
    types.float
    types.str
    types.path
  ];
  jsonValue =
    types.nullOr (
      types.oneOf (
        scalars
        ++ [
          (types.attrsOf jsonValue)
          (types.listOf jsonValue)
        ]
      )
    )
    // {
      description = "JSON value";
    };
  # nixos/modules/config/sysctl.nix: one definition per priority; null, bool, str or int
  sysctlValue = lib.mkOptionType {
    name = "sysctl option value";
    check =
      let
        checkType = x: lib.isBool x || lib.isString x || lib.isInt x || x == null;
      in
      value: checkType value || (value._type or "" == "override" && checkType value.content);
    merge = loc: defs: lib.mergeOneOption loc defs;
  };
  highestValue = types.ints.unsigned // {
    merge = _loc: defs: lib.foldl (a: b: if b.value == null then null else lib.max a b.value) 0 defs;
  };
  # nixos/modules/config/nix.nix (semanticConfType): nix.conf atoms
  nixConfAtom = types.nullOr (types.oneOf (scalars ++ [ types.package ])) // {
    description = "Nix config atom (null, bool, int, float, str, path or package)";
  };
  # nixos/lib/systemd-unit-options.nix (unitOption): any value; definitions are all lists
  # (concatenated) or all equal non-lists.
  unitOption = lib.mkOptionType {
    name = "systemd option";
    merge =
      loc: defs:
      let
        defs' = lib.filterOverrides defs;
      in
      if builtins.isList (builtins.head defs').value then
        lib.concatMap (
          def:
          if builtins.isList def.value then
            def.value
          else
            throw "The definitions for systemd unit options should be either all lists or all non-lists (${lib.showOption loc})"
        ) defs'
      else
        lib.mergeEqualOption loc defs';
  };
  named = {
    inherit attrNamesToTrue nonEmptyStr;
    json = jsonValue;
    # nixos/modules/system/boot/kernel.nix
    kernelParam = types.strMatching ''([^"[:space:]]|"[^"]*")+'' // {
      description = "string, with spaces inside double quotes";
      name = "kernelParam";
    };
    sysctl = types.submodule {
      freeformType = types.attrsOf sysctlValue;
      options = lib.genAttrs [ "net.core.rmem_max" "net.core.wmem_max" ] (
        name:
        mkOption {
          type = types.nullOr highestValue;
          default = null;
          description = "Stand-in for nixos/modules/config/sysctl.nix (${name}).";
        }
      );
    };
    nixSettings = types.submodule {
      freeformType = types.attrsOf (types.either nixConfAtom (types.listOf nixConfAtom));
    };
    inherit unitOption;
    # nixos/lib/systemd-lib.nix
    unitName = types.strMatching "[a-zA-Z0-9@%:_.\\-]+[.](service|socket|device|mount|automount|swap|target|path|timer|scope|slice)";
    # nixos/modules/config/locale.nix
    timeZone = types.nullOr (types.addCheck types.str (s: !lib.hasInfix " " s)) // {
      description = "null or string without spaces";
    };
    # nixos/modules/config/system-environment.nix
    environmentValue = types.oneOf [
      types.str
      types.path
      (types.listOf (types.either types.str types.path))
    ];
    # nixos/modules/misc/nixpkgs.nix
    nixpkgsConfig = lib.mkOptionType {
      name = "nixpkgs-config";
      description = "nixpkgs config";
      check = x: builtins.isAttrs x || lib.isFunction x;
      merge = _: lib.foldr (def: lib.recursiveUpdate def.value) { };
    };
    overlay = lib.mkOptionType {
      name = "nixpkgs-overlay";
      description = "nixpkgs overlay";
      check = lib.isFunction;
      merge = lib.mergeOneOption;
    };
  };

  # --- apply functions nixpkgs declares, where they shape what the tests read ---------------------
  applyFunctions = {
    # kernel.nix: the names set to true
    enabledNames = mods: lib.attrNames (lib.filterAttrs (_: enabled: enabled) mods);
    # system-environment.nix: lists are joined with ":"
    joinPaths = lib.mapAttrs (_: v: if lib.isList v then lib.concatMapStringsSep ":" toString v else "${v}");
    # misc/nixpkgs.nix
    elaborate = lib.systems.elaborate;
  };

  # --- declarations -------------------------------------------------------------------------
  inScope = scope: entry: (entry.scope or "nixos") == scope;
  segmentsOf = entry: lib.splitString "." entry.path;
  isField = segment: segment == "<name>" || segment == "<item>";

  # The entries directly under `prefix` (a list of segments), up to the next <name>/<item>.
  childrenOf =
    entries: prefix:
    builtins.filter (
      entry:
      let
        segments = segmentsOf entry;
        rest = lib.drop (builtins.length prefix) segments;
      in
      lib.take (builtins.length prefix) segments == prefix
      && rest != [ ]
      && !(builtins.any isField rest)
    ) entries;

  defaultOf =
    attrName: entry:
    if (entry.default or null) == "<name>" && attrName != null then attrName else entry.default;

  optionOf =
    extraNamed: entries: attrName: entry:
    let
      segments = segmentsOf entry;
      fieldSegment = if lib.hasPrefix "attrsOf" entry.type || lib.hasPrefix "lazyAttrsOf" entry.type then "<name>" else "<item>";
      ctx = {
        inherit (entry) path;
        named = extraNamed;
        # Exactly the fields the manifest lists (none for users.groups: `{ }` only).
        submodule = submoduleOf extraNamed entries (segments ++ [ fieldSegment ]);
      };
    in
    mkOption (
      {
        type = typeOf ctx entry.type;
        description = "Stand-in for ${entry.file} (${entry.path}).";
      }
      // lib.optionalAttrs (entry ? default) { default = defaultOf attrName entry; }
      // lib.optionalAttrs (entry ? apply) { apply = applyFunctions.${entry.apply}; }
      // lib.optionalAttrs (entry.internal or false) { internal = true; }
    );

  declareAt =
    extraNamed: entries: prefix: attrName:
    lib.foldl' lib.recursiveUpdate { } (
      map (
        entry:
        lib.setAttrByPath (lib.drop (builtins.length prefix) (segmentsOf entry)) (
          optionOf extraNamed entries attrName entry
        )
      ) (childrenOf entries prefix)
    );

  # Definitions nixpkgs' submodules make themselves, named by an entry's `derived`.
  derivations = {
    # etc.nix: source = mkIf (text != null) (writeText "etc-<name>" text)
    etcTextFile =
      { config, name }:
      lib.mkIf (config.text != null) {
        type = "derivation";
        name = "etc-" + lib.replaceStrings [ "/" ] [ "-" ] name;
        outPath = "/nix/store/00000000000000000000000000000000-etc-file";
      };
  };

  submoduleOf =
    extraNamed: entries: prefix:
    types.submodule (
      { name, config, ... }:
      {
        options = declareAt extraNamed entries prefix name;
        config = lib.mkMerge (
          map (
            entry:
            lib.setAttrByPath (lib.drop (builtins.length prefix) (segmentsOf entry)) (
              derivations.${entry.derived} { inherit config name; }
            )
          ) (builtins.filter (entry: entry ? derived) (childrenOf entries prefix))
        );
      }
    );

  # A module declaring one scope's options. `extendModules` (a module argument) builds the type of
  # virtualisation.vmVariant: the whole system again plus qemu-vm.nix (virtualisation/build-vm.nix).
  scopeModule =
    scope:
    { extendModules, ... }:
    let
      entries = builtins.filter (inScope scope) manifest.options;
      extraNamed = {
        vmVariant = (extendModules { modules = [ (scopeModule "qemu-vm") ]; }).type;
      };
    in
    {
      _file = "test/nix/eval/nixos-options.json (scope ${scope})";
      options = declareAt extraNamed entries [ ] null;
    };
in
{
  inherit scopeModule typeOf;
  scopes = lib.unique (map (entry: entry.scope or "nixos") manifest.options);
}
