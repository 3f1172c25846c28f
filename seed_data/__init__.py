"""Njia's seed data (not code): the gazetteer, the facilities, the taxonomy, demo listings,
the HSDS 3.0 specification and sample sheets, each with its licence (LICENCES.md). A package so
that an installed Njia carries it next to ``directory``; the scripts here are one-off builders
that the application never runs."""
