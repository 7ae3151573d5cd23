"""Giełda: a marketplace where organisations exchange resources, never money."""
