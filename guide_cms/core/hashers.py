"""Password hashing at the cost OWASP recommends.

OWASP's Password Storage Cheat Sheet: Argon2id with at least 19 MiB of
memory, 2 iterations and 1 degree of parallelism. Django's own parameters
(100 MiB, 2 iterations, 8 lanes) take five times the memory: every login
and every signature then holds 100 MiB while it runs, which is what bounds
how many a server can check at once. Hashes made with other parameters
still verify (the parameters are in the hash) and are re-hashed with these
at the owner's next login (must_update).
"""
from django.contrib.auth.hashers import Argon2PasswordHasher


class OWASPArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, m = 19 MiB, t = 2, p = 1; the algorithm name stays "argon2", so existing hashes are read."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
