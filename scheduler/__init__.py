"""Planning cores: group sessions (KNM, PVT, MAP) and DUO exam slots, optimised with OR-Tools.

A pure domain core: plain typed inputs in, results out. It imports neither Flask nor the
database, so the portal, the CLI (`python -m scheduler`) and the tests use it alike.
"""
