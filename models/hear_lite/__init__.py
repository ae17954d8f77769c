"""HEAR-Lite: the small default model trained here with the HEAR recipe on proxy targets.

Run as `cd models && /usr/bin/python3 -m hear_lite COMMAND` (see __main__.py).
"""
