"""Passes that hold for any functional dialect."""
