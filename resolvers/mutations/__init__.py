"""Writes. One mutation = one transaction: lock and load the targets, authorize, validate everything,
apply, write the audit entries, bump versions, commit. Any user error rolls the whole of it back."""
