"""Wire protocol: frame and entity types, encoding, validation and error codes.

Imports nothing else of ours; both the server and the client build on it.
"""
