"""Checkpoints: the audit chain's head and the channels' manifests, signed with Ed25519, outside the database.

After every export (and from cron with `manage.py checkpoint`) a checkpoint
records how many audit events there are, the newest one's hash, and the
SHA-256 of each channel's manifest.json, signed with the checkpoint key
(settings.GUIDE_CMS_CHECKPOINT_KEY). Checkpoints are files in
<export dir>/checkpoints/, numbered, each naming the digest of the one
before, beside the public keys that verify them (public-key.pem, and
keys/<key id>.pem for every key still trusted):

- whoever rewrites the database cannot make the chain agree with a
  checkpoint (deleting an event and recomputing every later hash moves the
  head), and verify_integrity checks the chain against every checkpoint;
- whoever edits a manifest together with its files cannot make it agree
  with the signed digest; an export distrusts such an output and renders
  the channel again from the signed versions;
- a downstream reader verifies a manifest with the published public key
  alone (guide_cms/publishing/verify_manifest.py, which needs no Django).

A checkpoint is never written over history it cannot vouch for: the chain
since the previous checkpoint must verify, and each manifest must be the one
the previous checkpoint signed or one an export recorded since (the
export.channels audit event names each manifest's digest).
"""
from __future__ import annotations

import base64
import contextlib
import datetime
import fcntl
import hashlib
import json
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from django.conf import settings
from django.utils import timezone

from guide_cms.core.audit import Anchor, SealedHistory, audit_append, checkpoint_forget, checkpoint_remember, recorded_checkpoint, walk_chain
from guide_cms.core.models import AuditChainHead, AuditEvent

from . import store
from .store import channel_names

FOLDER = "checkpoints"
FORMAT = "guide-cms-checkpoint/1"
# Beside each channel's manifest, published with it: the newest checkpoint's number and digest, so that a
# copy of the channel downstream shows a checkpoint history deleted here. Not in the manifest (it is
# written after the checkpoint that signs the manifest).
PUBLISHED_RECORD = store.CHECKPOINT_RECORD
RECORD_FORMAT = "guide-cms-checkpoint-record/1"
NAME = re.compile(r"^(\d{8})\.json$")
EXPORT_ACTION = "export.channels"
RESTART_ACTION = "checkpoint.restart"


class CheckpointRefused(Exception):
    """No checkpoint was written: the history or the files it would sign are not what they should be."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


# --- keys ------------------------------------------------------------------


def _load(pem: str):
    data = pem.encode()
    if b"PRIVATE KEY" in data:
        return serialization.load_pem_private_key(data, password=None)
    return serialization.load_pem_public_key(data)


def signing_key() -> ed25519.Ed25519PrivateKey:
    key = _load(settings.GUIDE_CMS_CHECKPOINT_KEY)
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise ValueError("GUIDE_CMS_CHECKPOINT_KEY must be an Ed25519 private key")
    return key


def key_id(public_key: ed25519.Ed25519PublicKey) -> str:
    """A short name for a public key: the first 16 hex digits of the SHA-256 of its raw 32 bytes."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public_key: ed25519.Ed25519PublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def trusted_keys() -> dict[str, ed25519.Ed25519PublicKey]:
    """{key id: public key} for the current key and the fallbacks (older keys whose checkpoints still verify)."""
    keys = {}
    for pem in [settings.GUIDE_CMS_CHECKPOINT_KEY, *getattr(settings, "GUIDE_CMS_CHECKPOINT_KEY_FALLBACKS", [])]:
        key = _load(pem)
        public = key.public_key() if isinstance(key, ed25519.Ed25519PrivateKey) else key
        keys[key_id(public)] = public
    return keys


# --- reading ---------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    sequence: int
    created_at: str
    reason: str
    count: int  # audit events
    head: str  # the newest event's hash
    manifests: dict[str, str | None]  # channel -> SHA-256 of its manifest.json (None: never exported)
    output: str  # the export folder it covers
    previous: str | None  # SHA-256 of the previous checkpoint's file
    key_id: str
    digest: str  # SHA-256 of this checkpoint's file
    path: Path

    @property
    def anchor(self) -> Anchor:
        return Anchor(count=self.count, head=self.head)


def folder(root: Path) -> Path:
    return Path(root) / FOLDER


def _parse(path: Path, keys) -> Checkpoint:
    """The checkpoint in path, after checking its signature; ValueError says what is wrong."""
    raw = path.read_bytes()
    try:
        envelope = json.loads(raw)
        payload_text = envelope["payload"]
        signature = base64.b64decode(envelope["signature"], validate=True)
        kid = envelope["key_id"]
        if envelope.get("format") != FORMAT:
            raise ValueError(f"unknown format {envelope.get('format')!r}")
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"is not a readable checkpoint ({exc})") from None
    public = keys.get(kid)
    if public is None:
        raise ValueError(f"is signed with key {kid}, which is not a trusted checkpoint key")
    try:
        public.verify(signature, payload_text.encode("utf-8"))
    except InvalidSignature:
        raise ValueError("has a signature that does not verify: it was altered or forged") from None
    payload = json.loads(payload_text)
    return Checkpoint(
        sequence=payload["sequence"], created_at=payload["created_at"], reason=payload["reason"],
        count=payload["audit"]["count"], head=payload["audit"]["head"], manifests=payload["manifests"],
        output=payload.get("output", ""), previous=payload["previous"], key_id=kid,
        digest=hashlib.sha256(raw).hexdigest(), path=path,
    )


def read_checkpoints(root: Path) -> tuple[list[Checkpoint], list[str]]:
    """Every checkpoint of root in order, and what is wrong with the series (forged, altered, missing, out of order)."""
    keys = trusted_keys()
    checkpoints, problems = [], []
    files = sorted((int(m.group(1)), p) for p in folder(root).glob("*.json") if (m := NAME.match(p.name)))
    expected_previous = None
    for number, path in files:
        try:
            checkpoint = _parse(path, keys)
        except ValueError as exc:
            problems.append(f"checkpoint {path.name} {exc}")
            expected_previous = None
            continue
        if checkpoint.sequence != number:
            problems.append(f"checkpoint {path.name} says it is number {checkpoint.sequence}: it was renamed")
        elif checkpoints and checkpoint.previous != expected_previous:
            problems.append(f"checkpoint {path.name} does not follow checkpoint {checkpoints[-1].sequence}: a checkpoint was removed or replaced")
        elif not checkpoints and number != 1 and checkpoint.previous is not None and not problems:
            problems.append(f"checkpoint {path.name} follows a checkpoint that is missing")
        checkpoints.append(checkpoint)
        expected_previous = checkpoint.digest
    return checkpoints, problems


def latest_checkpoint(root: Path) -> Checkpoint | None:
    """The newest checkpoint of root (signature checked), or None; ValueError if it does not verify."""
    files = sorted((int(m.group(1)), p) for p in folder(root).glob("*.json") if (m := NAME.match(p.name)))
    if not files:
        return None
    _number, path = files[-1]
    try:
        return _parse(path, trusted_keys())
    except ValueError as exc:
        raise ValueError(f"checkpoint {path.name} {exc}") from None


def manifest_digest(root: Path, channel: str) -> str | None:
    """SHA-256 of the channel's live manifest.json; None if there is none, or if it is not a regular
    file (a pipe put in its place would never end)."""
    path = Path(root) / channel / store.MANIFEST
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (FileNotFoundError, NotADirectoryError):
        return None


def output_name(root: Path) -> str:
    """How export events and checkpoints name an export folder."""
    return str(Path(root).resolve())


def exported_manifests(root: Path, after_event_id: int, history: SealedHistory | None = None) -> dict[str, set[str]]:
    """{channel: manifest digests that exports to root recorded (sealed events) after the given event}."""
    history = history or SealedHistory()
    recorded: dict[str, set[str]] = {}
    name = output_name(root)
    for event in AuditEvent.objects.filter(action=EXPORT_ACTION, id__gt=after_event_id).order_by("id"):
        manifests = (event.data or {}).get("manifests") or {}
        if (event.data or {}).get("output") == name and history.is_sealed(event):
            for channel, digest in manifests.items():
                recorded.setdefault(channel, set()).add(digest)
    return recorded


def _anchor_event_id(checkpoint: Checkpoint | None) -> int:
    if checkpoint is None:
        return 0
    return AuditEvent.objects.filter(hash=checkpoint.head).values_list("id", flat=True).first() or 0


def untrusted_manifests(root: Path, channels, checkpoint: Checkpoint | None, earlier=()) -> dict[str, str]:
    """{channel: why} for manifests that are neither the one `checkpoint` signed nor one an export recorded since.

    With no checkpoint (an export folder written before checkpoints, or whose
    checkpoints were deleted), a manifest must be one that a sealed export event
    recorded for this folder; a channel no event recorded (written before
    exports were recorded) is taken as it is: the first checkpoint vouches for it.
    earlier: older checkpoints whose manifests are genuine too (an older copy of
    a channel put back is stale, which verify_integrity reports as such, not forged).
    """
    if checkpoint is None:
        recorded = exported_manifests(root, 0)
        untrusted = {}
        for channel in channels:
            digest = manifest_digest(root, channel)
            if digest is not None and recorded.get(channel) and digest not in recorded[channel]:
                untrusted[channel] = (
                    f"its manifest.json (SHA-256 {digest[:12]}…) is not one an export recorded in the audit trail, and there is "
                    "no checkpoint to compare it with (the checkpoints folder was removed?): the manifest was edited on disk"
                )
        return untrusted
    recorded = exported_manifests(root, _anchor_event_id(checkpoint))
    for older in earlier:
        for channel, digest in older.manifests.items():
            recorded.setdefault(channel, set()).add(digest)
    untrusted = {}
    for channel in channels:
        digest = manifest_digest(root, channel)
        signed = checkpoint.manifests.get(channel)
        if digest is None or digest == signed or digest in recorded.get(channel, set()):
            continue
        untrusted[channel] = (
            f"its manifest.json (SHA-256 {digest[:12]}…) is neither the one checkpoint {checkpoint.sequence} signed "
            f"({(signed or 'none')[:12]}…) nor one an export wrote since: the manifest was edited on disk"
        )
    return untrusted


# --- writing ---------------------------------------------------------------


@contextlib.contextmanager
def _locks(root: Path):
    """Every channel's export lock, then the checkpoints' own: no release is swapped between reading the manifests a
    checkpoint signs and writing its record into those releases (the channel locks first, as every export takes them)."""
    with store.channel_locks(root, channel_names()), _lock(root):
        yield


@contextlib.contextmanager
def _lock(root: Path):
    target = folder(root)
    target.mkdir(parents=True, exist_ok=True)
    with store.open_lock_file(target / ".lock") as handle:  # never through a link planted at its name
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_atomically(path: Path, content: bytes) -> None:
    """Write content to path whole or not at all (a full disk leaves the previous file, or none)."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


@dataclass
class CheckpointResult:
    checkpoint: Checkpoint
    written: bool  # False: nothing changed since the previous checkpoint
    problems: list[str] = field(default_factory=list)


def checkpoint_restart(*, root=None, reason: str, actor=None) -> list[str]:
    """Accept that checkpoints recorded for root are missing, on purpose: the database was restored from an
    older backup and the newer checkpoints moved aside, or the folder was lost with its disk.

    An audit event by actor records the reason and what was missing; the sealed head and the channels'
    published records then no longer name the missing checkpoints, and the series goes on from the files
    that are there. Returns what was missing; CheckpointRefused if nothing is (there is nothing to accept)
    or if the chain head is not sealed.
    """
    root = store.export_root(root)
    with _locks(root):
        missing = history_problems(root)
        if not missing:
            raise CheckpointRefused([f"no checkpoint recorded for {folder(root)} is missing: there is nothing to restart"])
        try:
            recorded = checkpoint_forget(output_name(root))
        except ValueError as exc:
            raise CheckpointRefused([f"audit: {exc}"]) from None
        published = {}
        for channel in channel_names():
            path = Path(root) / channel / PUBLISHED_RECORD
            if (record := _read_record(path)) is not None:
                published[channel] = record
                path.unlink()
        audit_append(actor=actor, action=RESTART_ACTION, object_type="publishing.checkpoints",
                     data={"output": output_name(root), "reason": reason, "recorded": recorded, "published": published,
                           "missing": missing})
    return missing


def checkpoint_record(*, root=None, reason: str = "checkpoint", verified: Anchor | None = None) -> CheckpointResult:
    """Sign and write a checkpoint of the audit chain and root's manifests; CheckpointRefused if they cannot be vouched for
    (checkpoints recorded as written are missing included: checkpoint_restart says why, on purpose).

    Nothing is written when nothing changed since the previous checkpoint.
    verified: a point of the chain this process walked up to just now (before_export, at the start of
    the export being checkpointed): the chain is walked on from there, not again from the previous
    checkpoint (after a first export, that is the whole history twice).
    """
    root = store.export_root(root)
    with _locks(root):
        checkpoints, problems = read_checkpoints(root)
        problems += history_problems(root)
        if problems:
            raise CheckpointRefused(problems)
        previous = checkpoints[-1] if checkpoints else None
        head = AuditChainHead.objects.filter(pk=1).first()
        start = previous.anchor if previous else None
        if verified is not None and verified.count >= (start.count if start else 0):
            start = verified
        walk = walk_chain(after=start)
        if walk.problems:
            raise CheckpointRefused([f"audit: {p.message}" for p in walk.problems])
        channels = channel_names()
        untrusted = untrusted_manifests(root, channels, previous)
        if untrusted:
            raise CheckpointRefused([f"{channel}: {why}" for channel, why in untrusted.items()])
        manifests = {name: manifest_digest(root, name) for name in channels}
        count, head_hash = walk.checked, walk.head_hash
        if head is None:
            count, head_hash = 0, walk.head_hash
        if previous and previous.count == count and previous.head == head_hash and previous.manifests == manifests:
            return CheckpointResult(previous, written=False)
        sequence = (previous.sequence if previous else 0) + 1
        payload = {
            "sequence": sequence,
            "created_at": timezone.now().astimezone(datetime.UTC).isoformat(timespec="seconds"),
            "reason": reason,
            "audit": {"count": count, "head": head_hash},
            "manifests": manifests,
            "output": output_name(root),
            "previous": previous.digest if previous else None,
        }
        content = _signed_checkpoint(payload)
        return CheckpointResult(_write_checkpoint(root, channels, sequence, content), written=True)


def _signed_checkpoint(payload: dict) -> bytes:
    """The checkpoint file's bytes: payload as canonical JSON, signed with this deployment's key (an envelope)."""
    key = signing_key()
    payload_text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    envelope = {
        "format": FORMAT,
        "key_id": key_id(key.public_key()),
        "payload": payload_text,
        "signature": base64.b64encode(key.sign(payload_text.encode("utf-8"))).decode("ascii"),
    }
    return (json.dumps(envelope, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _write_checkpoint(root: Path, channels, sequence: int, content: bytes) -> Checkpoint:
    """Write checkpoint `sequence` (and latest.json), remember it in the sealed audit head, then put its record in the
    channels' releases; the checkpoint as read back. CheckpointRefused if the head cannot take it."""
    target = folder(root)
    _publish_keys(target)
    path = target / f"{sequence:08d}.json"
    _write_atomically(path, content)
    _write_atomically(target / "latest.json", content)
    written = _parse(path, trusted_keys())
    # The file first, then the record: a crash between leaves the folder ahead of the database, which is no loss.
    try:
        checkpoint_remember(output_name(root), written.sequence, written.digest)
    except ValueError as exc:
        raise CheckpointRefused([f"audit: {exc}"]) from None
    _publish_record(root, channels, written)
    return written


def _publish_record(root: Path, channels, checkpoint: Checkpoint) -> None:
    """Write PUBLISHED_RECORD into each exported channel's folder."""
    record = {"format": RECORD_FORMAT, "sequence": checkpoint.sequence, "digest": checkpoint.digest,
              "key_id": checkpoint.key_id, "audit_events": checkpoint.count, "created_at": checkpoint.created_at}
    content = (json.dumps(record, indent=2, sort_keys=True) + "\n").encode("utf-8")
    for channel in channels:
        release = store.live_release(Path(root), channel)  # never through a link planted to elsewhere
        if release is not None:
            _write_atomically(release / PUBLISHED_RECORD, content)


def history_problems(root: Path) -> list[str]:
    """What is missing from root's checkpoint history: the newest checkpoint the sealed audit head recorded for
    this folder, and the one each channel's published record names, must be there with the same digest (only
    those files are read). A folder ahead of both (a database restored from an older backup) is not a problem here."""
    claims = []
    recorded = recorded_checkpoint(output_name(root))
    if recorded:
        claims.append(("the audit trail", recorded.get("sequence"), recorded.get("digest")))
    for channel in channel_names():
        record = _read_record(Path(root) / channel / PUBLISHED_RECORD)
        if record:
            claims.append((f"the {channel} channel's {PUBLISHED_RECORD}", record.get("sequence"), record.get("digest")))
    problems = []
    for source, sequence, digest in claims:
        path = folder(root) / f"{sequence:08d}.json" if isinstance(sequence, int) else None
        try:
            found = hashlib.sha256(path.read_bytes()).hexdigest() if path else None
        except OSError:
            found = None
        if found is None:
            problems.append(
                f"{source} records that checkpoint {sequence} was written to {folder(root)}, but it is not there: "
                "checkpoint history was deleted"
            )
        elif found != digest:
            problems.append(f"checkpoint {sequence} in {folder(root)} is not the one {source} records: it was replaced")
    return problems


def _read_record(path: Path) -> dict | None:
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        record = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("format") == RECORD_FORMAT else None


def _publish_keys(target: Path) -> None:
    """public-key.pem (the current key) and keys/<key id>.pem (every trusted key), for readers to pin."""
    current = signing_key().public_key()
    (target / "keys").mkdir(exist_ok=True)
    for kid, public in trusted_keys().items():
        path = target / "keys" / f"{kid}.pem"
        if not path.exists():
            _write_atomically(path, public_pem(public).encode())
    pem = public_pem(current).encode()
    if not (target / "public-key.pem").exists() or (target / "public-key.pem").read_bytes() != pem:
        _write_atomically(target / "public-key.pem", pem)


def after_export(*, root=None, verified: Anchor | None = None) -> CheckpointResult | None:
    """Checkpoint an export that just finished (publishing calls it last); a refusal is returned, never raised:
    the export itself is done, and verify_integrity and the next export deal with what is wrong.
    verified: as checkpoint_record's."""
    try:
        return checkpoint_record(root=root, reason="export", verified=verified)
    except CheckpointRefused as exc:
        return CheckpointResult(checkpoint=None, written=False, problems=exc.problems)
    except OSError as exc:
        return CheckpointResult(checkpoint=None, written=False, problems=[f"the checkpoint could not be written: {exc}"])


# --- before an export ------------------------------------------------------


def distrust_altered_output(root: Path, channels) -> dict[str, str]:
    """Before an export (under the channels' locks): the channels whose manifest was edited, whose
    files must not be reused: the export renders every file of them again from the signed versions
    (stage_channel's distrust) and swaps the new folder in whole, so a crash meanwhile leaves the
    output as it was (reported, and repaired by the next export). Returns {channel: why}.
    """
    try:
        checkpoint = latest_checkpoint(root)
    except ValueError:
        checkpoint = None
        untrusted = {name: "the latest checkpoint does not verify, so nothing on disk is reused" for name in channels if manifest_digest(root, name)}
    else:
        untrusted = untrusted_manifests(root, channels, checkpoint)
    return untrusted
