"""Test support: a throwaway PostgreSQL server, its pytest fixtures, and a TCP proxy that cuts."""
