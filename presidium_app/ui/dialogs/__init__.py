"""Dialogs: each validates through a service and shows errors next to the fields."""
