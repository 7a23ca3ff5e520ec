"""Seeded synthetic demo data: a year of contacts and hand-entered figures for the example program."""
