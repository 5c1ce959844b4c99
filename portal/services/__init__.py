"""Use cases of the portal: plain functions that change the session and flush, never commit.

The request edge (a view, a console view or a command) commits once after a service returns.
"""
