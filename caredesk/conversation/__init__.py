"""Deciding which ticket an incoming email belongs to."""
