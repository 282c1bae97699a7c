#!/usr/bin/env python3
"""Print a new Ed25519 private key (PEM, PKCS#8) for signing checkpoints.

    python scripts/new-checkpoint-key.py > /etc/guide_cms/checkpoint_key.pem
    (or: openssl genpkey -algorithm ed25519 -out /etc/guide_cms/checkpoint_key.pem)
"""
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

key = Ed25519PrivateKey.generate()
print(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode(), end="")
