"""Recovery playbooks for agents: template checks, sandboxed rendering, search (no UI, no I/O)."""
