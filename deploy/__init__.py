"""Running ImmunoPrep for many users: `make serve REPLICAS=N` (deploy/serve.py)."""
