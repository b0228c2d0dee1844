"""Covered by test_models.py: any change to the app fails it."""
