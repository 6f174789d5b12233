"""`bantin users` and `bantin tokens`: people, roles and API tokens (no default credentials anywhere); may import
bantin.cli.common and bantin.accounts."""
