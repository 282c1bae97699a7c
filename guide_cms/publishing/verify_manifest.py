"""Verify a published manifest with the publisher's public key: for downstream readers.

Needs Python 3 and the `cryptography` package only (no Django, no database),
so an app that reads the site's JSON documents can copy this file:

    python verify_manifest.py --key public-key.pem --checkpoint latest.json --channel site manifest.json
    python verify_manifest.py --key public-key.pem --checkpoint latest.json --channel site --folder ./site

The checkpoint (checkpoints/latest.json beside the channels) is signed with
Ed25519; its payload names the SHA-256 of each channel's manifest.json, and
the manifest names the SHA-256 of every file. Pin the public key once
(checkpoints/public-key.pem, or the one your publisher gave you) rather
than fetching it with every check. Exit status 0: verified; 1: not.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from pathlib import Path

FORMAT = "guide-cms-checkpoint/1"


class NotVerified(Exception):
    """The manifest, the checkpoint or a file does not verify; the message says which and why."""


def checkpoint_payload(checkpoint: bytes, public_key_pem: bytes) -> dict:
    """The checkpoint's payload, after checking its Ed25519 signature with the public key."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    key = load_pem_public_key(public_key_pem)
    if not isinstance(key, Ed25519PublicKey):
        raise NotVerified("the public key is not an Ed25519 key")
    try:
        envelope = json.loads(checkpoint)
        if envelope.get("format") != FORMAT:
            raise NotVerified(f"the checkpoint's format is {envelope.get('format')!r}, not {FORMAT}")
        payload_text = envelope["payload"]
        signature = base64.b64decode(envelope["signature"], validate=True)
    except (ValueError, KeyError, TypeError) as exc:
        raise NotVerified(f"the checkpoint is not readable: {exc}") from None
    try:
        key.verify(signature, payload_text.encode("utf-8"))
    except InvalidSignature:
        raise NotVerified("the checkpoint's signature does not verify with this public key") from None
    return json.loads(payload_text)


def verify_manifest(manifest: bytes, checkpoint: bytes, public_key_pem: bytes, channel: str) -> dict:
    """The manifest (parsed), if the signed checkpoint vouches for exactly these bytes; else NotVerified."""
    payload = checkpoint_payload(checkpoint, public_key_pem)
    signed = (payload.get("manifests") or {}).get(channel)
    if signed is None:
        raise NotVerified(f"checkpoint {payload.get('sequence')} has no manifest for the {channel} channel")
    digest = hashlib.sha256(manifest).hexdigest()
    if digest != signed:
        raise NotVerified(f"the {channel} manifest (SHA-256 {digest}) is not the one checkpoint {payload.get('sequence')} signed ({signed})")
    return json.loads(manifest)


def verify_file(manifest: dict, path: str, content: bytes) -> None:
    """Check one file (e.g. "es/baclofen.json") against a verified manifest."""
    expected = manifest.get("files", {}).get(path)
    if expected is None:
        raise NotVerified(f"{path} is not in the manifest")
    if hashlib.sha256(content).hexdigest() != expected:
        raise NotVerified(f"{path} differs from the manifest")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Verify a guide_cms channel's manifest (and files) against a signed checkpoint.")
    parser.add_argument("--key", required=True, help="the publisher's Ed25519 public key (PEM)")
    parser.add_argument("--checkpoint", required=True, help="a checkpoint file, e.g. checkpoints/latest.json")
    parser.add_argument("--channel", default="site")
    parser.add_argument("manifest", nargs="?", help="the channel's manifest.json (default: FOLDER/manifest.json)")
    parser.add_argument("--folder", help="a copy of the channel's folder: check every file in it too")
    args = parser.parse_args(argv)
    manifest_path = Path(args.manifest) if args.manifest else Path(args.folder or ".") / "manifest.json"
    try:
        manifest = verify_manifest(
            manifest_path.read_bytes(), Path(args.checkpoint).read_bytes(), Path(args.key).read_bytes(), args.channel
        )
        if args.folder:
            for path in manifest.get("files", {}):
                verify_file(manifest, path, (Path(args.folder) / path).read_bytes())
    except (NotVerified, OSError) as exc:
        print(f"NOT VERIFIED: {exc}", file=sys.stderr)
        return 1
    files = f" and its {len(manifest.get('files', {}))} files" if args.folder else ""
    print(f"Verified: the {args.channel} manifest{files} as signed by the checkpoint.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
