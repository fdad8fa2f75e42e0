"""The demo company: Northwind Climate & Electric, an HVAC and electrical parts distributor
with a field-service team, generated from a seed (`generate`) and bulk-loaded (`load`).

Not a Django app: it owns no models. `orderdesk demo` (web/management/commands/demo.py)
drives it; tests call `load_demo` directly.
"""
