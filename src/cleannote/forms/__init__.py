"""Claim forms rendered from claim value objects (CMS-1500 02/12). Pure Python."""
