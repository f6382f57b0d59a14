# Pure ArchibaldOS logic as functions of plain values.
#
# Builtins only, no nixpkgs `lib`: the test suite evaluates this file with whatever `nix-instantiate`
# the machine has (Nix 2.8 on CI, where nixpkgs itself cannot be evaluated), and the NixOS modules
# call the same functions, so what the tests check is what the system gets.
let
  inherit (builtins)
    all
    attrNames
    concatLists
    concatStringsSep
    elem
    elemAt
    filter
    foldl'
    genList
    isString
    length
    listToAttrs
    match
    sort
    split
    stringLength
    substring
    ;

  optional = condition: value: if condition then [ value ] else [ ];
  optionals = condition: values: if condition then values else [ ];

  digitValues = listToAttrs (
    genList (n: {
      name = toString n;
      value = n;
    }) 10
  );
  characters = text: genList (i: substring i 1 text) (stringLength text);
  # Only ever called on strings that matched [0-9]+, so every character is a digit.
  parseDecimal = text: foldl' (acc: digit: acc * 10 + digitValues.${digit}) 0 (characters text);

  # Same limit as the toolkit's parseCpuList (src/profile/schema.ts).
  maxCpu = 8191;

  # Linux CPU-list syntax as used by isolcpus=: "2", "2-3", "1,3-5".
  parseCpuRanges =
    text:
    if match "[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*" text == null then
      null
    else
      map (
        part:
        let
          bounds = match "([0-9]+)(-([0-9]+))?" part;
          low = parseDecimal (elemAt bounds 0);
        in
        {
          inherit low;
          high = if elemAt bounds 2 == null then low else parseDecimal (elemAt bounds 2);
        }
      ) (filter isString (split "," text));

  isCpuList =
    text:
    let
      ranges = parseCpuRanges text;
    in
    isString text && ranges != null && all (range: range.low <= range.high && range.high <= maxCpu) ranges;

  expandCpuList =
    text:
    if !isCpuList text then
      throw "archibald: ${builtins.toJSON text} is not a CPU list such as \"2-3\" or \"1,3\" with ascending ranges"
    else
      let
        cpus = concatLists (
          map (range: genList (offset: range.low + offset) (range.high - range.low + 1)) (parseCpuRanges text)
        );
      in
      foldl' (kept: cpu: if elem cpu kept then kept else kept ++ [ cpu ]) [ ] (sort (a: b: a < b) cpus);

  # The profile format the toolkit validates with zod (src/profile/schema.ts), section by section.
  # Reading each field by name (rather than passing sections through) means a field added on one side
  # only is an error here and a failing test, not a silently ignored setting.
  profileFields = {
    kernel = [
      "mode"
      "threadirqs"
      "isolatedCpus"
    ];
    pipewire = [
      "rate"
      "allowedRates"
      "quantum"
      "minQuantum"
      "maxQuantum"
      "jackBridge"
    ];
    device = [
      "type"
      "periods"
    ];
    limits = [
      "rtprio"
      "nice"
      "memlock"
    ];
    rtirq = [
      "enable"
      "nameList"
      "prioHigh"
      "prioDecr"
      "prioLow"
    ];
    cpu = [ "governor" ];
    sysctl = [
      "swappiness"
      "maxUserWatches"
    ];
    usbAudio = [
      "lowlatency"
      "autosuspend"
    ];
  };
  profileHeader = [
    "$schema"
    "version"
    "name"
    "description"
  ];

  sameNames = a: b: sort (x: y: x < y) a == sort (x: y: x < y) b;

  profileErrors =
    profile:
    let
      sections = attrNames profileFields;
      unknownTop = filter (key: !(elem key (sections ++ profileHeader))) (attrNames profile);
      missingTop = filter (key: !(profile ? ${key})) (sections ++ [ "version" ]);
      sectionErrors = concatLists (
        map (
          section:
          let
            present = if profile ? ${section} then attrNames profile.${section} else [ ];
            expected = profileFields.${section};
          in
          map (key: "unknown field ${section}.${key}") (filter (key: !(elem key expected)) present)
          ++ map (key: "missing field ${section}.${key}") (
            filter (key: profile ? ${section} && !(elem key present)) expected
          )
        ) sections
      );
    in
    map (key: "unknown field ${key}") unknownTop
    ++ map (key: "missing field ${key}") missingTop
    ++ optional (
      profile ? version && profile.version != 1
    ) "version must be 1 (got ${toString profile.version})"
    ++ sectionErrors;

  profileToOptions =
    profile:
    let
      errors = profileErrors profile;
    in
    if errors != [ ] then
      throw "archibald: invalid audio profile${
        if profile ? name then " ${profile.name}" else ""
      }: ${concatStringsSep "; " errors}"
    else
      listToAttrs (
        map (section: {
          name = section;
          value = listToAttrs (
            map (field: {
              name = field;
              value = profile.${section}.${field};
            }) profileFields.${section}
          );
        }) (attrNames profileFields)
      );

  latencyFraction = { quantum, rate }: "${toString quantum}/${toString rate}";
in
{
  inherit
    expandCpuList
    isCpuList
    profileErrors
    profileFields
    profileToOptions
    ;

  # Boot parameters of the kernel section. "lowlatency" relies on PREEMPT_DYNAMIC (on in the
  # stock x86_64 kernel) to switch preemption to full at boot; "rt" gets PREEMPT_RT from the kernel
  # build itself (musnix), where threadirqs is implied but harmless.
  kernelParams =
    {
      mode,
      threadirqs,
      isolatedCpus,
      disableMitigations ? false,
      disableSmt ? false,
      disableNmiWatchdog ? true,
      transparentHugepages ? "madvise",
    }:
    assert elem mode [
      "rt"
      "lowlatency"
    ];
    assert elem transparentHugepages [
      "always"
      "madvise"
      "never"
    ];
    let
      isolated =
        if isolatedCpus == null then
          [ ]
        else if isCpuList isolatedCpus then
          [
            "isolcpus=${isolatedCpus}"
            "nohz_full=${isolatedCpus}"
            "rcu_nocbs=${isolatedCpus}"
          ]
        else
          throw "archibald.audio.kernel.isolatedCpus: ${builtins.toJSON isolatedCpus} is not a CPU list such as \"2-3\" or \"1,3\"";
    in
    optional (mode == "lowlatency") "preempt=full"
    ++ optional threadirqs "threadirqs"
    ++ isolated
    ++ optional disableMitigations "mitigations=off"
    ++ optional disableSmt "nosmt"
    ++ optional disableNmiWatchdog "nmi_watchdog=0"
    ++ [ "transparent_hugepage=${transparentHugepages}" ];

  # Drop-in files for services.pipewire.extraConfig.<file>.<name>. The clock settings force the
  # running quantum (not just its floor): default quantum = the profile's quantum, and every
  # client library asks for that same latency.
  pipewireFragments =
    {
      rate,
      allowedRates,
      quantum,
      minQuantum,
      maxQuantum,
    }:
    let
      latency = latencyFraction { inherit quantum rate; };
    in
    {
      pipewire."92-low-latency"."context.properties" = {
        "default.clock.rate" = rate;
        "default.clock.allowed-rates" = allowedRates;
        "default.clock.quantum" = quantum;
        "default.clock.min-quantum" = minQuantum;
        "default.clock.max-quantum" = maxQuantum;
      };
      pipewire-pulse."92-low-latency" = {
        "pulse.properties" = {
          "pulse.min.req" = latency;
          "pulse.default.req" = latency;
          "pulse.max.req" = latency;
          "pulse.min.quantum" = latency;
          "pulse.max.quantum" = latency;
        };
        "stream.properties" = {
          "node.latency" = latency;
          "resample.quality" = 1;
        };
      };
      jack."92-low-latency"."jack.properties" = {
        "node.latency" = latency;
      };
      client."92-low-latency"."stream.properties" = {
        "node.latency" = latency;
      };
    };

  # @audio limits, in pam_limits syntax ("-" sets soft and hard).
  audioLimits =
    {
      rtprio,
      nice,
      memlock,
    }:
    map
      (item: {
        domain = "@audio";
        type = "-";
        item = item.name;
        value = toString item.value;
      })
      [
        {
          name = "rtprio";
          value = rtprio;
        }
        {
          name = "nice";
          value = nice;
        }
        {
          name = "memlock";
          value = memlock;
        }
      ];

  # snd-usb-audio in Linux 6.x has no `nrpacks`; `lowlatency` is the switch that exists.
  usbAudioModprobe = { lowlatency }: "options snd_usb_audio lowlatency=${if lowlatency then "1" else "0"}";

  usbKernelParams = { autosuspend }: optionals (!autosuspend) [ "usbcore.autosuspend=-1" ];

  sysctl =
    { swappiness, maxUserWatches }:
    {
      "vm.swappiness" = swappiness;
      "fs.inotify.max_user_watches" = maxUserWatches;
    };

  rtirqNameList = names: concatStringsSep " " names;

  # What the toolkit reads at /etc/archibald/profile.json: the profile as the system really has it.
  effectiveProfile =
    {
      name,
      description,
      settings,
    }:
    {
      version = 1;
      inherit name description;
    }
    // settings;

  isoBaseName = version: "archibaldos-${version}";

  # ISO 9660 volume identifiers hold at most 32 characters; the label is also how stage 1 finds the
  # medium, so it must be stable for a given version.
  isoVolumeId =
    version:
    let
      full = "archibaldos-${version}-x86_64";
    in
    if stringLength full <= 32 then full else substring 0 32 full;

  inherit latencyFraction;
}
