"""Notices: Chinese templates rendered with a case's facts, and the channels that deliver them.
Imports activities.boundary only."""
