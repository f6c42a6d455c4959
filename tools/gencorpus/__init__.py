"""Test corpus generator for budtab: document descriptions -> PDF + gold budtab/1."""
