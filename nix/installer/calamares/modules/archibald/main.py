#!/usr/bin/env python3
"""ArchibaldOS Calamares job: hand the person's answers to `archibald install finalize`.

Everything that matters (validation, the flake in /etc/nixos, nixos-install) happens in the
TypeScript toolkit, where it is tested. This job only turns Calamares' global storage into an
answers file (format: docs/installer.md) and reports how the toolkit ended.
"""
import json
import os
import shutil
import subprocess
import tempfile

import libcalamares

# Replaced with the toolkit's store path when the ISO is built (nix/modules/installer.nix);
# run from the source tree, PATH decides.
ARCHIBALD = "@archibald@"
LUKS = ("luks", "luks2")
# BIOS with /boot encrypted: the initrd's key file, enrolled here because only Calamares holds the
# passphrases (the same path and steps as calamares-nixos-extensions' nixos job).
GRUB_KEY_FILE = "/boot/crypto_keyfile.bin"
# Global storage key of the profile page (packagechooser@audioprofile, method legacy): the chosen id.
PROFILE_PAGE_KEY = "packagechooser_audioprofile"


def pretty_name():
    return "Installing ArchibaldOS"


def toolkit():
    if not ARCHIBALD.startswith("@"):
        return ARCHIBALD
    return shutil.which("archibald") or "archibald"


def without_charset(value):
    """Calamares stores locales as "en_US.UTF-8/UTF-8"; NixOS wants "en_US.UTF-8"."""
    return value.split("/")[0] if value else value


def chosen_profile(gs, configuration):
    """The profile page's choice; the build-time default when the page left nothing."""
    picked = (gs.value(PROFILE_PAGE_KEY) or "").split(",")[0].strip()
    return picked or configuration.get("profile", "default")


def boot_partition(partitions):
    """/boot inside the root ("none"), on its own plain partition (every ESP), or encrypted."""
    boot = next((p for p in partitions if p.get("mountPoint") == "/boot"), None)
    if boot is None:
        return "none"
    return "encrypted" if boot.get("fsName") in LUKS else "plain"


def grub_unlocks_boot(answers):
    """On BIOS, GRUB reads /boot before anything is unlocked (mirrors bootIsEncrypted in answers.ts)."""
    boot = answers["bootPartition"]
    return answers["firmware"] == "bios" and (boot == "encrypted" or (answers["luks"] and boot == "none"))


def encrypted_partitions(partitions):
    return [p for p in partitions if p.get("claimed") and p.get("fsName") in LUKS and p.get("device")]


def enrol_key_file(root, partitions):
    """GRUB asks for the passphrase and unlocks /boot; the initrd then opens every encrypted
    partition with a key file kept in the (encrypted) /boot instead of asking again. GRUB only
    derives LUKS2 keys with PBKDF2, so the passphrase's key slot is converted to it.
    Returns (device-mapper names, None) or (None, error text)."""
    boot_dir = os.path.join(root, "boot")
    os.makedirs(boot_dir, exist_ok=True)
    os.chmod(boot_dir, 0o700)
    key_file = os.path.join(root, GRUB_KEY_FILE.lstrip("/"))
    handle = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(handle, os.urandom(2048))
    finally:
        os.close(handle)
    names = []
    for part in encrypted_partitions(partitions):
        device = part["device"]
        pbkdf2 = ["--hash", "sha256", "--pbkdf", "pbkdf2"]
        for argv in (["cryptsetup", "luksConvertKey", *pbkdf2, device], ["cryptsetup", "luksAddKey", *pbkdf2, device, key_file]):
            libcalamares.utils.debug("archibald job: {}".format(" ".join(argv)))
            try:
                done = subprocess.run(argv, input=part.get("luksPassphrase") or "", text=True, capture_output=True, timeout=300)
            except (OSError, subprocess.TimeoutExpired) as error:
                return None, "{} failed: {}".format(" ".join(argv[:2]), error)
            if done.returncode != 0:
                return None, "{} {} failed: {}".format(argv[1], device, (done.stderr or done.stdout).strip())
        names.append(part["luksMapperName"])
    return names, None


def answers_from(gs, configuration):
    partitions = gs.value("partitions") or []
    root = next((p for p in partitions if p.get("mountPoint") == "/"), {})
    locale_conf = dict(gs.value("localeConf") or {})
    lang = without_charset(locale_conf.pop("LANG", "en_US.UTF-8/UTF-8"))
    extra = {
        key: without_charset(value)
        for key, value in locale_conf.items()
        if key.startswith("LC_") and without_charset(value) != lang
    }
    region, zone = gs.value("locationRegion"), gs.value("locationZone")
    firmware = "efi" if gs.value("firmwareType") == "efi" else "bios"
    boot_loader = gs.value("bootLoader") or {}
    console_keymap = (gs.value("keyboardVConsoleKeymap") or "").strip()
    return {
        "version": 1,
        "hostname": gs.value("hostname") or "archibaldos",
        "username": gs.value("username"),
        "fullName": gs.value("fullname") or "",
        "locale": lang,
        "extraLocaleSettings": extra,
        "timezone": "{}/{}".format(region, zone) if region and zone else "UTC",
        "keyboard": {
            "layout": gs.value("keyboardLayout") or "us",
            "variant": gs.value("keyboardVariant") or "",
            "consoleKeymap": console_keymap or None,
        },
        "luks": root.get("fsName") in LUKS,
        # nixos-generate-config finds the encrypted root but not encrypted swap (as the stock job notes).
        "luksDevices": [
            {"name": p["luksMapperName"], "uuid": p["uuid"]}
            for p in partitions
            if p.get("claimed") and p.get("fsName") in LUKS and p.get("fs") == "linuxswap"
        ],
        "firmware": firmware,
        "bootDevice": boot_loader.get("installPath") if firmware == "bios" else None,
        "bootPartition": boot_partition(partitions),
        "profile": chosen_profile(gs, configuration),
        "autoLogin": gs.value("autoLoginUser") is not None,
    }


def run():
    gs = libcalamares.globalstorage
    root = gs.value("rootMountPoint")
    if not root:
        return ("No target system", "Calamares did not mount a target (rootMountPoint is empty).")
    answers = answers_from(gs, libcalamares.job.configuration or {})
    if grub_unlocks_boot(answers):
        devices, error = enrol_key_file(root, gs.value("partitions") or [])
        if error is not None:
            return ("ArchibaldOS could not be installed", "Setting up the key file for the encrypted /boot: " + error)
        answers["grubCryptodisk"] = {"keyFile": GRUB_KEY_FILE, "devices": devices}
    libcalamares.job.setprogress(0.05)
    handle, answers_file = tempfile.mkstemp(prefix="archibald-answers-", suffix=".json")
    try:
        with os.fdopen(handle, "w") as out:
            json.dump(answers, out, indent=2)
        argv = [toolkit(), "install", "finalize", "--root", root, "--answers", answers_file]
        libcalamares.utils.debug("archibald job: {}".format(" ".join(argv)))
        tail = []
        try:
            proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        except OSError as error:
            return ("ArchibaldOS could not be installed", "cannot run {}: {}".format(argv[0], error))
        for line in proc.stdout:
            libcalamares.utils.debug("archibald: {}".format(line.rstrip()))
            tail = (tail + [line.rstrip()])[-20:]
        if proc.wait() != 0:
            return ("ArchibaldOS could not be installed", "\n".join(tail))
    finally:
        os.unlink(answers_file)
    libcalamares.job.setprogress(1.0)
    return None
