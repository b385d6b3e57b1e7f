"""Keys of the encrypted store: unlocking, the recovery code, encrypting."""
