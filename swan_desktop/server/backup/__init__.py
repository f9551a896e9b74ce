"""Backups of the studio's database: copies made while serving, retention, restore, and the
lock that tells a restore a server is using the file."""
